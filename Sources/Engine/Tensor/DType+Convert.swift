// Conversion of stored elements (any DType, little-endian, possibly unaligned) to float32.
import Foundation

extension DType {
    /// Writes `out.count` elements read from `source` (stored as `self`, little-endian) as float32.
    /// `source` need not be aligned: every element is read with an unaligned load.
    func convert(from source: UnsafeRawPointer, into out: UnsafeMutableBufferPointer<Float>) {
        let count = out.count
        switch self {
        case .f32:
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f64:
            for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
        case .f16:
            for i in 0..<count { out[i] = DType.halfToFloat(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bf16:
            // bfloat16 is the top half of a float32.
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
        case .i64:
            for i in 0..<count { out[i] = Float(Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
        case .i32:
            for i in 0..<count { out[i] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
        case .i16:
            for i in 0..<count { out[i] = Float(Int16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
        case .i8:
            for i in 0..<count { out[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) }
        case .u8:
            for i in 0..<count { out[i] = Float(source.load(fromByteOffset: i, as: UInt8.self)) }
        case .bool:
            for i in 0..<count { out[i] = source.load(fromByteOffset: i, as: UInt8.self) == 0 ? 0 : 1 }
        }
    }

    /// IEEE 754 half precision to float32, subnormals, infinities and NaN included.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13))
        }
    }

    /// The stored tensor at `source` as a float32 tensor: a zero-copy view of the map when the elements
    /// are float32 and aligned, a converted copy otherwise.
    static func tensor(shape: [Int], dtype: DType, at source: UnsafeRawPointer, file: MappedFile) throws -> Tensor {
        let count = Shape.elementCount(shape) ?? 0
        if dtype == .f32, Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0 {
            let storage = TensorStorage(viewing: source.assumingMemoryBound(to: Float.self), count: count, owner: file)
            return Tensor(shape: shape, storage: storage, storedType: .f32)
        }
        return try Tensor.build(shape: shape, storedType: dtype) { out in dtype.convert(from: source, into: out) }
    }
}
