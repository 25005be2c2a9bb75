// GGUF metadata values: the thirteen value types, scalars decoded, arrays read lazily from the map.
import Foundation

/// A GGUF metadata value type, by the id the file stores.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

    /// Bytes of one element of a fixed-size type; nil for strings and arrays.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The name gguf-py uses (`UINT32`, `STRING`, …), for messages and displays.
    public var name: String { String(describing: self).uppercased() }
}

/// One metadata value. Scalars are decoded when the file is opened; arrays stay in the map until asked for.
public enum GGUFValue: Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    case array(GGUFArray)

    /// The stored value type.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .uint64: return .uint64
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }

    /// Any integer type as Int (nil for non-integers and for a uint64 above Int.max).
    public var intValue: Int? {
        switch self {
        case let .uint8(v): return Int(v)
        case let .int8(v): return Int(v)
        case let .uint16(v): return Int(v)
        case let .int16(v): return Int(v)
        case let .uint32(v): return Int(v)
        case let .int32(v): return Int(v)
        case let .uint64(v): return Int(exactly: v)
        case let .int64(v): return Int(v)
        default: return nil
        }
    }

    /// Any number (integer or float) as Double.
    public var doubleValue: Double? {
        switch self {
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return intValue.map(Double.init)
        }
    }

    /// The string, when the value is one.
    public var stringValue: String? {
        if case let .string(v) = self { return v }
        return nil
    }

    /// The boolean, when the value is one.
    public var boolValue: Bool? {
        if case let .bool(v) = self { return v }
        return nil
    }

    /// The array, when the value is one.
    public var arrayValue: GGUFArray? {
        if case let .array(v) = self { return v }
        return nil
    }
}

extension GGUFValue: CustomStringConvertible {
    /// A short display: the scalar, a quoted string, or `[STRING × 49152]`.
    public var description: String {
        switch self {
        case let .float32(v): return "\(v)"
        case let .float64(v): return "\(v)"
        case let .bool(v): return v ? "true" : "false"
        case let .string(v): return "\"\(v)\""
        case let .array(a): return "[\(a.elementType.name) × \(a.count)]"
        default: return intValue.map(String.init) ?? "\(self)"
        }
    }
}

/// A validated GGUF array in the memory map: its element type, count and bytes, decoded on request.
public struct GGUFArray: Sendable {
    /// Type of every element.
    public let elementType: GGUFValueType
    /// Number of elements.
    public let count: Int
    /// Where the elements start in the file (after the array's type and count).
    let offset: Int
    /// Bytes the elements take (validated to lie inside the file).
    let byteCount: Int
    let file: MappedFile

    /// Every element as a value (nested arrays stay lazy).
    public func values() -> [GGUFValue] {
        guard let base = file.base else { return [] }
        var cursor = GGUFCursor(base: base, position: offset, end: offset + byteCount, file: file)
        // Validated when the file was opened, so reading again cannot fail.
        return (0..<count).compactMap { _ in try? cursor.value(of: elementType, depth: 1) }
    }

    /// The elements of a string array (token strings, merges), or nil for another element type.
    public func strings() -> [String]? {
        guard elementType == .string, let base = file.base else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(count)
        var position = offset
        for _ in 0..<count {
            let length = Int(truncatingIfNeeded: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
            strings.append(String(decoding: UnsafeRawBufferPointer(start: base + position + 8, count: length), as: UTF8.self))
            position += 8 + length
        }
        return strings
    }

    /// The elements of a numeric array as Double (token scores, types), or nil for strings, bools and arrays.
    public func numbers() -> [Double]? {
        guard elementType != .string, elementType != .array, elementType != .bool else { return nil }
        return values().compactMap(\.doubleValue)
    }

    /// The elements of an integer array (token types), or nil for other element types.
    public func integers() -> [Int]? {
        let decoded = values().compactMap(\.intValue)
        return decoded.count == count ? decoded : nil
    }

    /// The elements of a float32 array (token scores) exactly as stored, or nil for other element types.
    public func floats() -> [Float]? {
        guard elementType == .float32, let base = file.base else { return nil }
        return (0..<count).map { index in
            Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)))
        }
    }
}
