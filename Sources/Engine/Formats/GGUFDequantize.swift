// Dequantisation of GGML's block-quantised types to float32, operation for operation as gguf-py computes them.
import Foundation

/// Block dequantisers for Q4_0 … Q8_0 and the K-quants. Each formula keeps gguf-py's order of float32
/// operations (`d * q + m`, `d * q - dm`, with the scale products rounded first), so results are bit-identical
/// to `gguf.quants.dequantize`; Swift does not contract `a * b + c` into a fused multiply-add.
enum GGUFDequantize {
    /// Tensors with more elements than this are split over the cores.
    static let parallelThreshold = 1 << 18

    /// Dequantises `blocks` blocks of `type` at `source` into `out` (blocks × block size elements).
    static func run(_ type: GGUFTensorType, from source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutableBufferPointer<Float>) {
        guard let destination = out.baseAddress, blocks > 0 else { return }
        let kernel = self.kernel(type)
        let workers = out.count > parallelThreshold ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, blocks)) : 1
        if workers == 1 {
            kernel(source, destination, 0..<blocks)
            return
        }
        let share = (blocks + workers - 1) / workers
        let sourceAddress = UInt(bitPattern: source), destinationAddress = UInt(bitPattern: destination)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = min(worker * share, blocks)..<min((worker + 1) * share, blocks)
            // Pointers cross the closure as addresses: each worker writes its own disjoint block range.
            guard let source = UnsafeRawPointer(bitPattern: sourceAddress),
                  let destination = UnsafeMutablePointer<Float>(bitPattern: destinationAddress) else { return }
            kernel(source, destination, range)
        }
    }

    /// Dequantises the blocks in a range: block b is read at `source + b · blockBytes`, written at `out + b · blockSize`.
    typealias Kernel = @Sendable (_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) -> Void

    static func kernel(_ type: GGUFTensorType) -> Kernel {
        switch type {
        case .q4_0: return q4_0
        case .q4_1: return q4_1
        case .q5_0: return q5_0
        case .q5_1: return q5_1
        case .q8_0: return q8_0
        case .q2_K: return q2_K
        case .q3_K: return q3_K
        case .q4_K: return q4_K
        case .q5_K: return q5_K
        case .q6_K: return q6_K
        default: return { _, _, _ in }
        }
    }

    @inline(__always) private static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        DType.halfToFloat(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    @inline(__always) private static func byte(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 {
        p.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// d (f16), 16 bytes of nibbles: element j is the low nibble of byte j, element 16 + j the high one; x = d (q − 8).
    static func q4_0(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 18, o = out + b * 32
            let d = half(p, 0)
            for j in 0..<16 {
                let q = byte(p, 2 + j)
                o[j] = d * Float(Int(q & 0x0F) - 8)
                o[j + 16] = d * Float(Int(q >> 4) - 8)
            }
        }
    }

    /// d, m (f16), 16 bytes of nibbles; x = d q + m.
    static func q4_1(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 20, o = out + b * 32
            let d = half(p, 0), m = half(p, 2)
            for j in 0..<16 {
                let q = byte(p, 4 + j)
                o[j] = d * Float(q & 0x0F) + m
                o[j + 16] = d * Float(q >> 4) + m
            }
        }
    }

    /// d (f16), 32 high bits (bit j for element j), 16 bytes of nibbles; x = d (q − 16).
    static func q5_0(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 22, o = out + b * 32
            let d = half(p, 0)
            let high = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            for j in 0..<16 {
                let q = byte(p, 6 + j)
                let low = Int(q & 0x0F) | Int((high >> UInt32(j)) & 1) << 4
                let upper = Int(q >> 4) | Int((high >> UInt32(j + 16)) & 1) << 4
                o[j] = d * Float(low - 16)
                o[j + 16] = d * Float(upper - 16)
            }
        }
    }

    /// d, m (f16), 32 high bits, 16 bytes of nibbles; x = d q + m.
    static func q5_1(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 24, o = out + b * 32
            let d = half(p, 0), m = half(p, 2)
            let high = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            for j in 0..<16 {
                let q = byte(p, 8 + j)
                let low = UInt32(q & 0x0F) | ((high >> UInt32(j)) & 1) << 4
                let upper = UInt32(q >> 4) | ((high >> UInt32(j + 16)) & 1) << 4
                o[j] = d * Float(low) + m
                o[j + 16] = d * Float(upper) + m
            }
        }
    }

    /// d (f16), 32 signed bytes; x = q d.
    static func q8_0(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 34, o = out + b * 32
            let d = half(p, 0)
            for j in 0..<32 { o[j] = Float(p.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
        }
    }

    /// 16 scale bytes (low nibble scale, high nibble min), 64 bytes of 2-bit values, d, dmin (f16).
    /// Element h·128 + s·32 + j is bits 2s…2s+1 of byte h·32 + j; x = (d sc) q − (dmin m) per group of 16.
    static func q2_K(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 84, o = out + b * 256
            let d = half(p, 80), dmin = half(p, 82)
            for group in 0..<16 {
                let scale = byte(p, group)
                let dl = d * Float(scale & 0x0F), ml = dmin * Float(scale >> 4)
                // Group g covers elements 16g ..< 16g + 16: half h = g / 8, shift s = (g / 2) % 4, bytes from (g % 2)·16.
                let h = group >> 3, shift = UInt8(((group >> 1) & 3) * 2), first = h * 32 + (group & 1) * 16
                let target = o + group * 16
                for j in 0..<16 {
                    target[j] = dl * Float((byte(p, 16 + first + j) >> shift) & 3) - ml
                }
            }
        }
    }

    /// 32 bytes of high bits, 64 bytes of 2-bit values, 12 bytes of 6-bit scales, d (f16).
    /// x = (d (sc − 32)) (q − 4·(1 − hbit)) per group of 16.
    static func q3_K(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 110, o = out + b * 256
            let d = half(p, 108)
            for group in 0..<16 {
                let low = group < 8 ? byte(p, 96 + group) & 0x0F : byte(p, 96 + group - 8) >> 4
                let high = (byte(p, 104 + (group & 3)) >> UInt8(2 * (group >> 2))) & 3
                let dl = d * Float(Int(low | high << 4) - 32)
                // Element e = 16g + i: 2-bit value from byte (e / 128)·32 + e % 32 at shift 2·((e / 32) % 4),
                // high bit from byte e % 32 at bit e / 32.
                let target = o + group * 16
                for i in 0..<16 {
                    let e = group * 16 + i
                    let q = Int((byte(p, 32 + (e >> 7) * 32 + (e & 31)) >> UInt8(2 * ((e >> 5) & 3))) & 3)
                    let bit = Int((byte(p, e & 31) >> UInt8(e >> 5)) & 1)
                    target[i] = dl * Float(q - ((bit ^ 1) << 2))
                }
            }
        }
    }

    /// The 6-bit scale and min of sub-block j (0…7) from K-quants' 12 packed bytes at `p + offset`.
    @inline(__always) private static func scaleMin(_ p: UnsafeRawPointer, _ offset: Int, _ j: Int) -> (UInt8, UInt8) {
        if j < 4 { return (byte(p, offset + j) & 0x3F, byte(p, offset + 4 + j) & 0x3F) }
        let packed = byte(p, offset + 8 + j - 4)
        return ((packed & 0x0F) | ((byte(p, offset + j - 4) >> 2) & 0x30),
                (packed >> 4) | ((byte(p, offset + j) >> 2) & 0x30))
    }

    /// d, dmin (f16), 12 bytes of scales/mins, 128 bytes of nibbles: sub-block 2c + k is nibble k of bytes
    /// 32c …< 32c + 32; x = (d sc) q − (dmin m).
    static func q4_K(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        scaledNibbles(source, out, blocks, blockBytes: 144, nibblesAt: 16, fifthBitsAt: nil)
    }

    /// As Q4_K with a fifth bit: bit `sub` of high byte j (32 bytes at offset 16), nibbles at offset 48.
    static func q5_K(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        scaledNibbles(source, out, blocks, blockBytes: 176, nibblesAt: 48, fifthBitsAt: 16)
    }

    /// The layout Q4_K and Q5_K share; inlined so each caller's constant `fifthBitsAt` folds away.
    @inline(__always)
    private static func scaledNibbles(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>,
                                      blockBytes: Int, nibblesAt: Int, fifthBitsAt: Int?) {
        for b in blocks {
            let p = source + b * blockBytes, o = out + b * 256
            let d = half(p, 0), dmin = half(p, 2)
            for sub in 0..<8 {
                let (sc, m) = scaleMin(p, 4, sub)
                let scale = d * Float(sc), offset = dmin * Float(m)
                let shift = UInt8((sub & 1) * 4), first = nibblesAt + (sub >> 1) * 32, bit = UInt8(sub)
                let target = o + sub * 32
                for j in 0..<32 {
                    var q = (byte(p, first + j) >> shift) & 0x0F
                    if let fifthBitsAt { q |= ((byte(p, fifthBitsAt + j) >> bit) & 1) << 4 }
                    target[j] = scale * Float(q) - offset
                }
            }
        }
    }

    /// 128 bytes of low nibbles, 64 bytes of 2-bit highs, 16 signed scales, d (f16); x = (d sc) (q − 32).
    /// Element h·128 + k·64 + i takes nibble k of byte h·64 + i; element h·128 + s·32 + j takes bits 2s of byte h·32 + j.
    static func q6_K(_ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, _ blocks: Range<Int>) {
        for b in blocks {
            let p = source + b * 210, o = out + b * 256
            let d = half(p, 208)
            for group in 0..<16 {
                let scale = d * Float(p.load(fromByteOffset: 192 + group, as: Int8.self))
                let target = o + group * 16
                for i in 0..<16 {
                    let e = group * 16 + i, h = e >> 7, within = e & 127
                    let low = (byte(p, h * 64 + (within & 63)) >> UInt8((within >> 6) * 4)) & 0x0F
                    let high = (byte(p, 128 + h * 32 + (within & 31)) >> UInt8((within >> 5) * 2)) & 3
                    target[i] = scale * Float(Int(low | high << 4) - 32)
                }
            }
        }
    }
}
