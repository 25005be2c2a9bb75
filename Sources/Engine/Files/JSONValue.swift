// A parsed JSON document (config.json, safetensors headers), decoded with Foundation.
import Foundation

/// A JSON value.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Parses UTF-8 JSON; errors name `path` and the byte offset of the problem.
    public static func parse(_ data: Data, path: String) throws -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data), path: path)
        return try parser.parseDocument()
    }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// The number as an integer, when it is one.
    public var intValue: Int? {
        if case let .number(value) = self, value.rounded() == value, abs(value) < 9.0e15 { return Int(value) }
        return nil
    }

    /// The number, when it is one.
    public var doubleValue: Double? {
        if case let .number(value) = self { return value }
        return nil
    }

    /// The string, when it is one.
    public var stringValue: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    /// The boolean, when it is one.
    public var boolValue: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    /// The elements, when it is an array.
    public var arrayValue: [JSONValue]? {
        if case let .array(value) = self { return value }
        return nil
    }
}
