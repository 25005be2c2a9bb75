// A bounds-checked little-endian reader over a GGUF file's map; every failure names the field it was reading.
import Foundation

/// Reads GGUF's header fields in order, refusing anything that would run past `end`.
struct GGUFCursor {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int
    let file: MappedFile

    /// Nested arrays deeper than this are refused (a crafted file could otherwise exhaust the stack).
    static let maximumDepth = 8

    func malformed(_ message: String) -> EngineError { .malformed(path: file.path, message: message) }

    /// Bytes left before `end`.
    var remaining: Int { end - position }

    /// Skips `count` bytes, which must lie before `end`.
    mutating func skip(_ count: Int, field: String) throws {
        guard count >= 0, count <= remaining else {
            throw malformed("\(field): needs \(count) bytes at offset \(position), but only \(remaining) remain in the file")
        }
        position += count
    }

    /// A fixed-size little-endian integer.
    mutating func integer<T: FixedWidthInteger>(_: T.Type, field: String) throws -> T {
        let start = position
        try skip(MemoryLayout<T>.size, field: field)
        return T(littleEndian: base.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    /// A uint64 count or length that must fit in Int.
    mutating func count(field: String) throws -> Int {
        let value = try integer(UInt64.self, field: field)
        guard let count = Int(exactly: value), count <= file.size else {
            throw malformed("\(field): \(value) is larger than the whole file (\(file.size) bytes)")
        }
        return count
    }

    /// A length-prefixed UTF-8 string; the length must fit in what is left of the file.
    mutating func string(field: String) throws -> String {
        let length = try count(field: "\(field) length")
        guard length <= remaining else {
            throw malformed("\(field): string length \(length) at offset \(position - 8) runs past the end of the file (\(remaining) bytes left)")
        }
        let text = String(decoding: UnsafeRawBufferPointer(start: base + position, count: length), as: UTF8.self)
        position += length
        return text
    }

    /// A value type id, which must be one of the thirteen GGUF defines.
    mutating func valueType(field: String) throws -> GGUFValueType {
        let id = try integer(UInt32.self, field: field)
        guard let type = GGUFValueType(rawValue: id) else {
            throw malformed("\(field): unknown value type id \(id) (known: 0…\(GGUFValueType.allCases.count - 1))")
        }
        return type
    }

    /// A value of `type`; arrays are walked and bounds-checked but their elements are left in the map.
    mutating func value(of type: GGUFValueType, depth: Int = 0, field: String = "value") throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try integer(UInt8.self, field: field))
        case .int8: return .int8(try integer(Int8.self, field: field))
        case .uint16: return .uint16(try integer(UInt16.self, field: field))
        case .int16: return .int16(try integer(Int16.self, field: field))
        case .uint32: return .uint32(try integer(UInt32.self, field: field))
        case .int32: return .int32(try integer(Int32.self, field: field))
        case .uint64: return .uint64(try integer(UInt64.self, field: field))
        case .int64: return .int64(try integer(Int64.self, field: field))
        case .float32: return .float32(Float(bitPattern: try integer(UInt32.self, field: field)))
        case .float64: return .float64(Double(bitPattern: try integer(UInt64.self, field: field)))
        case .bool:
            let byte = try integer(UInt8.self, field: field)
            guard byte <= 1 else { throw malformed("\(field): bool byte is \(byte), not 0 or 1") }
            return .bool(byte == 1)
        case .string: return .string(try string(field: field))
        case .array: return .array(try array(depth: depth, field: field))
        }
    }

    /// An array header and its elements, checked without decoding them.
    mutating func array(depth: Int, field: String) throws -> GGUFArray {
        guard depth < GGUFCursor.maximumDepth else {
            throw malformed("\(field): arrays nested more than \(GGUFCursor.maximumDepth) deep")
        }
        let elementType = try valueType(field: "\(field) element type")
        let count = try count(field: "\(field) element count")
        let start = position
        if let size = elementType.fixedSize {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, bytes <= remaining else {
                throw malformed("\(field): \(count) elements of \(elementType.name) need \(overflow ? "too many" : String(bytes)) bytes, only \(remaining) remain in the file")
            }
            if elementType == .bool {
                for index in 0..<count where base.load(fromByteOffset: start + index, as: UInt8.self) > 1 {
                    throw malformed("\(field)[\(index)]: bool byte is not 0 or 1")
                }
            }
            position += bytes
        } else {
            // Each element takes at least 8 bytes (a string length or an array's count), which bounds a lying count.
            guard count <= remaining / 8 else {
                throw malformed("\(field): \(count) elements of \(elementType.name) cannot fit in the \(remaining) bytes left in the file")
            }
            for index in 0..<count {
                if elementType == .string {
                    let length = try self.count(field: "\(field)[\(index)] length")
                    try skip(length, field: "\(field)[\(index)] (string of \(length) bytes)")
                } else {
                    _ = try array(depth: depth + 1, field: "\(field)[\(index)]")
                }
            }
        }
        return GGUFArray(elementType: elementType, count: count, offset: start, byteCount: position - start, file: file)
    }
}
