// Public descriptions of HDF5 contents: element types, dataset summaries, attribute values, links.

/// The element type of an HDF5 dataset or attribute, as mvs sees it.
public enum HDF5ElementType: Equatable, Sendable, CustomStringConvertible {
    /// IEEE floating point of 2, 4 or 8 bytes.
    case float(bytes: Int)
    /// Two's-complement integer.
    case integer(bytes: Int, signed: Bool)
    /// Text, fixed-length (`S10` in numpy) or variable-length (h5py's `str`).
    case string(variableLength: Bool)
    /// h5py's boolean: an 8-bit enum with members FALSE = 0 and TRUE = 1.
    case bool
    /// Anything mvs does not read (compound, reference, opaque, other enums, arrays…), by HDF5 class name.
    case other(String)

    /// The matching tensor element type, for numeric types.
    public var dtype: DType? {
        switch self {
        case let .float(bytes): return [2: .f16, 4: .f32, 8: .f64][bytes]
        case let .integer(bytes, signed):
            return signed ? [1: .i8, 2: .i16, 4: .i32, 8: .i64][bytes] : (bytes == 1 ? .u8 : .i64)
        case .bool: return .bool
        case .string, .other: return nil
        }
    }

    /// Whether the elements are numbers (integers, floats or booleans).
    public var isNumeric: Bool { dtype != nil }

    public var description: String {
        switch self {
        case let .float(bytes): return "float\(bytes * 8)"
        case let .integer(bytes, signed): return "\(signed ? "" : "u")int\(bytes * 8)"
        case let .string(variableLength): return variableLength ? "string" : "fixed-length string"
        case .bool: return "bool"
        case let .other(name): return name
        }
    }
}

/// A dataset's path, shape and element type, read without reading its data.
public struct HDF5DatasetInfo: Equatable, Sendable {
    /// Path from the root without a leading slash (`bert/encoder/kernel:0`), as h5py's `visit` names it.
    public let path: String
    /// Dimensions, outermost first; empty for a scalar.
    public let shape: [Int]
    /// The stored element type.
    public let elementType: HDF5ElementType

    /// Number of elements.
    public var count: Int { Shape.elementCount(shape) ?? 0 }
}

/// The kind of object a link points to.
public enum HDF5ObjectType: String, Sendable {
    case group, dataset, datatype
}

/// The value of an attribute (or a small dataset), decoded.
public enum HDF5AttributeValue: Equatable, Sendable {
    case string(String)
    case strings([String])
    case integer(Int)
    case integers([Int])
    case number(Double)
    case numbers([Double])
    case bool(Bool)
    case bools([Bool])
    /// An attribute with HDF5's null dataspace (h5py's `Empty`).
    case empty
    /// A type mvs does not decode, named.
    case unsupported(String)

    /// The text, when the value is one string.
    public var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    /// The texts of a string array (a single string counts as one).
    public var stringsValue: [String]? {
        switch self {
        case let .strings(texts): return texts
        case let .string(text): return [text]
        default: return nil
        }
    }

    /// The number, when the value is one number (integers included).
    public var doubleValue: Double? {
        switch self {
        case let .number(value): return value
        case let .integer(value): return Double(value)
        default: return nil
        }
    }

    /// The integer, when the value is one integer (or a whole float).
    public var intValue: Int? {
        switch self {
        case let .integer(value): return value
        case let .number(value) where value.rounded() == value && abs(value) < 9.0e15: return Int(value)
        default: return nil
        }
    }
}
