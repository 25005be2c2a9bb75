// The n-dimensional float32 tensor value: a shape over shared immutable storage.
import Foundation

/// A dense, contiguous, row-major float32 tensor. Copies share storage; operations make new tensors.
public struct Tensor: Sendable {
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// The elements.
    public let storage: TensorStorage
    /// The type the tensor was stored as before conversion to float32.
    public let storedType: DType

    /// Wraps existing storage; `storage.count` must equal the product of `shape`.
    public init(shape: [Int], storage: TensorStorage, storedType: DType = .f32) {
        precondition(Shape.elementCount(shape) == storage.count, "storage does not match shape")
        self.shape = shape
        self.storage = storage
        self.storedType = storedType
    }

    /// A tensor holding a copy of `values`; throws when the count does not match `shape`.
    public init(shape: [Int], values: [Float], storedType: DType = .f32) throws {
        guard Shape.elementCount(shape) == values.count else {
            throw EngineError.invalidArgument("\(values.count) values cannot fill shape \(Shape.describe(shape))")
        }
        let storage = TensorStorage.make(count: values.count) { out in
            _ = out.initialize(from: values)
        }
        self.init(shape: shape, storage: storage, storedType: storedType)
    }

    /// A tensor of `shape` whose elements `fill` writes.
    public static func build(shape: [Int], storedType: DType = .f32,
                             _ fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) throws -> Tensor {
        guard let count = Shape.elementCount(shape) else {
            throw EngineError.invalidArgument("invalid shape \(Shape.describe(shape))")
        }
        let storage = try TensorStorage.make(count: count, fill)
        return Tensor(shape: shape, storage: storage, storedType: storedType)
    }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Number of dimensions.
    public var ndim: Int { shape.count }
    /// Elements as a Swift array (a copy).
    public var values: [Float] { Array(storage.buffer) }
    /// The elements, read-only.
    public var buffer: UnsafeBufferPointer<Float> { storage.buffer }

    /// Rows × columns when the tensor is a matrix (2-D); nil otherwise.
    public var matrixShape: (rows: Int, columns: Int)? {
        shape.count == 2 ? (shape[0], shape[1]) : nil
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard Shape.elementCount(newShape) == count else {
            throw EngineError.shapeMismatch(operation: "reshape", lhs: shape, rhs: newShape, name: nil)
        }
        return Tensor(shape: newShape, storage: storage, storedType: storedType)
    }
}
