// Joining tensors: concatenation along an existing axis and stacking along a new one.

extension Tensor {
    /// The tensors end to end along `axis` (negative counts from the end); every other dimension must agree.
    /// Each tensor contributes contiguous blocks, copied whole.
    public static func concatenate(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw EngineError.invalidArgument("concat needs at least one tensor") }
        guard !first.shape.isEmpty else { throw EngineError.invalidArgument("concat needs tensors with at least one axis, got a scalar") }
        let axis = try Tensor.axis(axis, ndim: first.ndim)
        for (position, tensor) in tensors.enumerated() {
            guard tensor.ndim == first.ndim,
                  zip(tensor.shape, first.shape).enumerated().allSatisfy({ $0.offset == axis || $0.element.0 == $0.element.1 }) else {
                throw EngineError.invalidArgument(
                    "concat: tensor \(position) has shape \(Shape.describe(tensor.shape)), which does not fit \(Shape.describe(first.shape)) along axis \(axis)")
            }
        }
        var shape = first.shape
        shape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        return try Tensor.build(shape: shape) { out in
            guard let base = out.baseAddress else { return }
            var offset = 0
            for block in 0..<outer {
                for tensor in tensors {
                    let length = tensor.shape[axis] * inner
                    guard length > 0 else { continue }
                    (base + offset).update(from: tensor.storage.pointer + block * length, count: length)
                    offset += length
                }
            }
        }
    }

    /// The tensors (all of one shape) along a new axis at `axis`: n tensors of 3 × 4 stacked at 0 give n × 3 × 4.
    public static func stack(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw EngineError.invalidArgument("stack needs at least one tensor") }
        if let position = tensors.firstIndex(where: { $0.shape != first.shape }) {
            throw EngineError.shapeMismatch(operation: "stack (tensor \(position))", lhs: first.shape, rhs: tensors[position].shape, name: nil)
        }
        let axis = try Tensor.axis(axis, ndim: first.ndim + 1)
        var shape = first.shape
        shape.insert(1, at: axis)
        return try concatenate(try tensors.map { try $0.reshaped(shape) }, axis: axis)
    }

    /// A possibly negative axis as a position in 0..<ndim, or an error naming the tensor's axes.
    public static func axis(_ axis: Int, ndim: Int) throws -> Int {
        let position = axis < 0 ? axis + ndim : axis
        guard position >= 0, position < ndim else {
            throw EngineError.invalidArgument("axis \(axis) out of range for a tensor of \(ndim) axes (0…\(ndim - 1), or negative from the end)")
        }
        return position
    }
}
