// Reductions of a tensor along one axis (sum, mean, std, norm, max, min, argmax, argmin), sorting along an axis
// (argsort, top k), and selecting by a mask.

/// How `Tensor.reduced` folds an axis.
public enum Reduction: String, Sendable, CaseIterable {
    case sum, mean, std, norm, max, min, argmax, argmin
}

extension Tensor {
    /// The tensor viewed as outer × n × inner around `axis`: each of the outer blocks holds n contiguous
    /// runs of `inner` elements, so every loop below walks memory in order.
    private func around(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// `reduction` along `axis` (negative counts from the end); the axis disappears from the shape, as in numpy.
    /// Sums accumulate in double; `std` is the population standard deviation (numpy's default, ddof 0);
    /// `argmax`/`argmin` give the first best position; NaN propagates through max and min as in numpy.
    public func reduced(_ reduction: Reduction, axis: Int) throws -> Tensor {
        guard !shape.isEmpty else { throw EngineError.invalidArgument("\(reduction.rawValue) along an axis needs a tensor with axes, got a scalar") }
        let axis = try Tensor.axis(axis, ndim: ndim)
        let (outer, n, inner) = around(axis)
        var outShape = shape
        outShape.remove(at: axis)
        if n == 0, [.max, .min, .argmax, .argmin].contains(reduction) {
            throw EngineError.invalidArgument("\(reduction.rawValue) along axis \(axis) of shape \(Shape.describe(shape)): the axis is empty")
        }
        let x = storage.pointer
        return try Tensor.build(shape: outShape) { out in
            for block in 0..<outer {
                for j in 0..<inner {
                    out[block * inner + j] = Tensor.fold(reduction, x + block * n * inner + j, count: n, stride: inner)
                }
            }
        }
    }

    /// One reduction over `count` floats `stride` apart. Sums accumulate in double in local variables, so the
    /// common case (a row's norm, stride 1) is one tight loop over contiguous memory.
    private static func fold(_ reduction: Reduction, _ x: UnsafePointer<Float>, count n: Int, stride: Int) -> Float {
        switch reduction {
        case .sum, .mean, .norm, .std:
            var total = 0.0, squares = 0.0
            for k in 0..<n {
                let value = Double(x[k * stride])
                total += value
                squares += value * value
            }
            switch reduction {
            case .sum: return Float(total)
            case .mean: return Float(total / Double(n))
            case .norm: return Float(squares.squareRoot())
            default:
                // Two passes (mean, then squared deviations): no cancellation from E[x²] − E[x]².
                let mean = total / Double(n)
                var deviations = 0.0
                for k in 0..<n { let d = Double(x[k * stride]) - mean; deviations += d * d }
                return Float((deviations / Double(n)).squareRoot())
            }
        case .max, .min, .argmax, .argmin:
            let wantsMax = reduction == .max || reduction == .argmax
            var best = x[0], position = 0
            for k in 1..<Swift.max(n, 1) where !best.isNaN {
                let value = x[k * stride]
                if value.isNaN || (wantsMax ? value > best : value < best) { best = value; position = k }
            }
            return reduction == .argmax || reduction == .argmin ? Float(position) : best
        }
    }

    /// The positions that sort each run along `axis` (ascending, or descending), stable, as float32 indices;
    /// with `limit`, only the first `limit` positions of each run (the top k when descending).
    public func argsorted(axis: Int, descending: Bool, limit: Int? = nil) throws -> Tensor {
        guard !shape.isEmpty else { throw EngineError.invalidArgument("argsort needs a tensor with axes, got a scalar") }
        let axis = try Tensor.axis(axis, ndim: ndim)
        let (outer, n, inner) = around(axis)
        let keep = Swift.min(limit ?? n, n)
        guard keep >= 0 else { throw EngineError.invalidArgument("k must not be negative, got \(keep)") }
        // Indices beyond 2^24 are not exact in float32.
        guard n <= 1 << 24 else { throw EngineError.invalidArgument("argsort: an axis of \(n) elements is too long for float32 indices") }
        var outShape = shape
        outShape[axis] = keep
        let x = storage.pointer
        return try Tensor.build(shape: outShape) { out in
            var order = [Int](repeating: 0, count: n)
            for block in 0..<outer {
                for j in 0..<inner {
                    let base = x + block * n * inner + j
                    for k in 0..<n { order[k] = k }
                    // NaN last in both directions, like numpy's ascending sort.
                    order.sort { a, b in
                        let va = base[a * inner], vb = base[b * inner]
                        if va.isNaN != vb.isNaN { return vb.isNaN }
                        if va.isNaN || va == vb { return a < b }
                        return descending ? va > vb : va < vb
                    }
                    for k in 0..<keep { out[(block * keep + k) * inner + j] = Float(order[k]) }
                }
            }
        }
    }

    /// The elements at float32 `indices` along `axis` (as from `argsorted`), e.g. the values of the top k.
    public func gathered(_ indices: Tensor, axis: Int) throws -> Tensor {
        let axis = try Tensor.axis(axis, ndim: ndim)
        let (outer, n, inner) = around(axis)
        let keep = indices.shape.count == ndim ? indices.shape[axis] : -1
        var expected = shape
        expected[axis] = Swift.max(keep, 0)
        guard indices.shape == expected else {
            throw EngineError.shapeMismatch(operation: "gather along axis \(axis)", lhs: shape, rhs: indices.shape, name: nil)
        }
        let x = storage.pointer, index = indices.storage.pointer
        return try Tensor.build(shape: indices.shape) { out in
            out.update(repeating: 0)
            for block in 0..<outer {
                for k in 0..<keep {
                    for j in 0..<inner {
                        let at = (block * keep + k) * inner + j
                        // Indices are floats: anything but a whole number inside the axis selects nothing (stays 0).
                        guard index[at].isFinite, index[at] >= 0, index[at] < Float(n) else { continue }
                        let source = Int(index[at])
                        out[at] = x[(block * n + source) * inner + j]
                    }
                }
            }
        }
    }

    /// The rows (first-axis slices) where `mask` is true when it has one entry per row, else the elements where
    /// it is true when it has one per element (numpy's `x[x > 0]`, flattened).
    public func selecting(_ mask: [Bool]) throws -> Tensor {
        guard let rows = shape.first else { throw EngineError.invalidArgument("cannot select from a scalar tensor") }
        let x = storage.pointer
        if mask.count == rows {
            let inner = count / Swift.max(rows, 1)
            let chosen = mask.indices.filter { mask[$0] }
            return try Tensor.build(shape: [chosen.count] + shape.dropFirst()) { out in
                guard let base = out.baseAddress else { return }
                for (position, row) in chosen.enumerated() { (base + position * inner).update(from: x + row * inner, count: inner) }
            }
        }
        guard mask.count == count else {
            throw EngineError.invalidArgument(
                "a mask of \(mask.count) entries fits neither the \(rows) rows nor the \(count) elements of a \(Shape.describe(shape)) tensor")
        }
        let chosen = mask.indices.filter { mask[$0] }
        return try Tensor.build(shape: [chosen.count]) { out in
            for (position, element) in chosen.enumerated() { out[position] = x[element] }
        }
    }
}
