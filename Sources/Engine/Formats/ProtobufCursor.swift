// A bounds-checked reader of the protobuf wire format over a memory map; every failure names its field.
import Foundation

/// The four wire types protobuf still uses (groups, types 3 and 4, are refused).
enum ProtobufWireType: Int {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
}

/// One field of a message: its number and wire type, and where its value lies.
struct ProtobufField {
    let number: Int
    let wireType: ProtobufWireType
    /// A varint's value, or a fixed-width value's bits (unused for length-delimited fields).
    let scalar: UInt64
    /// The payload of a length-delimited field (empty for the other types).
    let payload: Range<Int>
}

/// Reads the fields of one protobuf message lying in `position..<end` of a mapped file, refusing any varint,
/// length or fixed-width value that would run past `end`. `field` strings name what was being read.
struct ProtobufCursor {
    let file: MappedFile
    var position: Int
    let end: Int
    /// What the message is (`graph.initializer 3 'w'`), for messages.
    let context: String
    /// The schema's names of this message's fields, so that a broken field is called `graph (field 7)`.
    let fieldNames: [Int: String]

    /// A cursor over `range` of `file` (which must lie inside the file; callers pass ranges this type produced).
    init(file: MappedFile, range: Range<Int>, context: String, fieldNames: [Int: String] = [:]) {
        self.file = file
        position = range.lowerBound
        end = range.upperBound
        self.context = context
        self.fieldNames = fieldNames
    }

    func malformed(_ message: String) -> EngineError {
        .malformed(path: file.path, message: context.isEmpty ? message : "\(context): \(message)")
    }

    var atEnd: Bool { position >= end }

    private func byte(_ offset: Int) -> UInt8 {
        // Only reached with file.base non-nil: an empty file has end == 0 and no bytes to read.
        file.base.map { $0.load(fromByteOffset: offset, as: UInt8.self) } ?? 0
    }

    /// A base-128 varint of at most 10 bytes whose value fits in 64 bits.
    mutating func varint(field: String) throws -> UInt64 {
        var value: UInt64 = 0
        let start = position
        for index in 0..<10 {
            guard position < end else {
                throw malformed("\(field): truncated varint at offset \(start): the message ends at offset \(end)")
            }
            let next = byte(position)
            position += 1
            if index == 9, next > 1 { throw malformed("\(field): varint at offset \(start) overflows 64 bits") }
            value |= UInt64(next & 0x7F) << (7 * UInt64(index))
            if next & 0x80 == 0 { return value }
        }
        throw malformed("\(field): varint at offset \(start) is longer than 10 bytes")
    }

    /// The next field's tag and value; the value of a length-delimited field is left in place as a range.
    mutating func next() throws -> ProtobufField {
        let offset = position
        let tag = try varint(field: "field tag")
        let number = tag >> 3
        guard number >= 1, number <= 536_870_911 else { throw malformed("field number \(number) at offset \(offset) is not valid") }
        guard let wireType = ProtobufWireType(rawValue: Int(tag & 7)) else {
            throw malformed("field \(number) at offset \(offset) has wire type \(tag & 7), which is \(tag & 7 == 3 || tag & 7 == 4 ? "a (deprecated) group, not read" : "not a protobuf wire type")")
        }
        let field = fieldNames[Int(number)].map { "\($0) (field \(number))" } ?? "field \(number)"
        switch wireType {
        case .varint:
            return ProtobufField(number: Int(number), wireType: wireType, scalar: try varint(field: field), payload: 0..<0)
        case .fixed64, .fixed32:
            let size = wireType == .fixed64 ? 8 : 4
            guard end - position >= size else {
                throw malformed("\(field): \(size)-byte value at offset \(position) runs past the end of the message at \(end)")
            }
            var bits: UInt64 = 0
            for index in 0..<size { bits |= UInt64(byte(position + index)) << (8 * UInt64(index)) }
            position += size
            return ProtobufField(number: Int(number), wireType: wireType, scalar: bits, payload: 0..<0)
        case .lengthDelimited:
            let length = try varint(field: "\(field) length")
            guard length <= UInt64(end - position) else {
                throw malformed("\(field): length \(length) at offset \(position) runs past the end of the message (\(end - position) bytes left)")
            }
            let start = position
            position += Int(length)
            return ProtobufField(number: Int(number), wireType: wireType, scalar: 0, payload: start..<position)
        }
    }

    /// The UTF-8 text of a length-delimited field (invalid sequences become U+FFFD, as for every name mvs reads).
    func string(_ field: ProtobufField) -> String {
        guard let base = file.base, !field.payload.isEmpty else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base + field.payload.lowerBound, count: field.payload.count), as: UTF8.self)
    }

    /// The text of a field the schema declares a string, after checking its wire type.
    func text(_ field: ProtobufField, name: String) throws -> String {
        try expect(field, .lengthDelimited, name: name)
        return string(field)
    }

    /// The value of a field the schema declares an integer (a varint), after checking its wire type.
    func integer(_ field: ProtobufField, name: String) throws -> UInt64 {
        try expect(field, .varint, name: name)
        return field.scalar
    }

    /// A cursor over a field the schema declares a message, after checking its wire type.
    func message(_ field: ProtobufField, name: String, context: String, fieldNames: [Int: String] = [:]) throws -> ProtobufCursor {
        try expect(field, .lengthDelimited, name: name)
        return nested(field, context: context, fieldNames: fieldNames)
    }

    /// Checks that a field has the wire type the schema gives it.
    func expect(_ field: ProtobufField, _ wireType: ProtobufWireType, name: String) throws {
        guard field.wireType == wireType else {
            throw malformed("\(name) (field \(field.number)) has wire type \(field.wireType.rawValue), expected \(wireType.rawValue)")
        }
    }

    /// A cursor over the payload of a length-delimited field.
    func nested(_ field: ProtobufField, context: String, fieldNames: [Int: String] = [:]) -> ProtobufCursor {
        ProtobufCursor(file: file, range: field.payload, context: context, fieldNames: fieldNames)
    }
}
