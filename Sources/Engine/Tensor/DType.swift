// Element types a stored tensor may have; Engine computes in float32 whatever the stored type.

/// The stored element type of a tensor, named as safetensors names them.
public enum DType: String, CaseIterable, Sendable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// Whether the type holds integers (exported as int64).
    public var isInteger: Bool {
        switch self {
        case .i64, .i32, .i16, .i8, .u8, .bool: return true
        default: return false
        }
    }

    /// Lower-case display name (`f32`, `bf16`, …).
    public var displayName: String { rawValue.lowercased() }
}
