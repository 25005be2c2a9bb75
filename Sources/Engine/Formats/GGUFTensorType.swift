// GGML tensor types as GGUF stores them: ids, block geometry, and which ones mvs dequantises.

/// A GGML tensor type id with its block size and bytes per block (ggml's `type_traits`).
public enum GGUFTensorType: UInt32, Sendable, CaseIterable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_XXS = 16, iq2_XS = 17, iq3_XXS = 18, iq1_S = 19, iq4_NL = 20, iq3_S = 21, iq2_S = 22, iq4_XS = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_M = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39

    /// Elements per block (1 for plain element types, 32 or 256 for quantised ones).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .f64, .i8, .i16, .i32, .i64: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_NL, .mxfp4: return 32
        default: return 256
        }
    }

    /// Bytes per block (gguf-py's `GGML_QUANT_SIZES`).
    public var blockBytes: Int {
        switch self {
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .f64, .i64: return 8
        case .i8: return 1
        case .q4_0, .iq4_NL: return 18
        case .q4_1: return 20
        case .q5_0: return 22
        case .q5_1: return 24
        case .q8_0: return 34
        case .q8_1: return 40
        case .q2_K: return 84
        case .q3_K: return 110
        case .q4_K: return 144
        case .q5_K: return 176
        case .q6_K: return 210
        case .q8_K: return 292
        case .iq2_XXS: return 66
        case .iq2_XS: return 74
        case .iq3_XXS: return 98
        case .iq1_S: return 50
        case .iq3_S: return 110
        case .iq2_S: return 82
        case .iq4_XS: return 136
        case .iq1_M: return 56
        case .tq1_0: return 54
        case .tq2_0: return 66
        case .mxfp4: return 17
        }
    }

    /// The name llama.cpp and gguf-py use (`Q4_K`, `IQ2_XXS`, `BF16`).
    public var name: String { String(describing: self).uppercased() }

    /// The plain element type this is, when it is one (F32, F16, BF16, F64 and the integers).
    var elementType: DType? {
        switch self {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        case .f64: return .f64
        case .i8: return .i8
        case .i16: return .i16
        case .i32: return .i32
        case .i64: return .i64
        default: return nil
        }
    }

    /// The block-quantised types mvs dequantises.
    public static let dequantised: [GGUFTensorType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    /// Whether reading this type is supported (plain element types and `dequantised`).
    public var isSupported: Bool { elementType != nil || GGUFTensorType.dequantised.contains(self) }

    /// Every supported type's name, for messages.
    static var supportedNames: String {
        allCases.filter(\.isSupported).map(\.name).joined(separator: ", ")
    }

    /// Bytes of a tensor of `elements` elements whose innermost dimension is `rowLength`; nil when the row is not
    /// a whole number of blocks.
    func byteCount(elements: Int, rowLength: Int) -> Int? {
        guard rowLength % blockSize == 0 else { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }
}
