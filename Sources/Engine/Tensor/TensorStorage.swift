// Float32 element storage: either owned memory or a zero-copy view into a memory-mapped file.
import Foundation

/// Contiguous float32 elements, immutable once built; keeps its file mapping alive when it views one.
public final class TensorStorage: @unchecked Sendable {  // unchecked: the elements are written once in build, then only read
    /// First element.
    public let pointer: UnsafePointer<Float>
    /// Number of elements.
    public let count: Int
    private let owned: UnsafeMutablePointer<Float>?
    private let keepAlive: AnyObject?

    /// Takes ownership of freshly allocated elements (freed in deinit).
    init(owning pointer: UnsafeMutablePointer<Float>, count: Int) {
        self.pointer = UnsafePointer(pointer)
        self.count = count
        self.owned = pointer
        self.keepAlive = nil
    }

    /// Views elements owned by `owner` (a mapped file); nothing is copied.
    init(viewing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owned = nil
        self.keepAlive = owner
    }

    deinit { owned?.deallocate() }

    /// Allocates `count` elements and lets `fill` write every one of them.
    static func make(count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows -> TensorStorage {
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        do {
            try fill(UnsafeMutableBufferPointer(start: memory, count: count))
        } catch {
            memory.deallocate()
            throw error
        }
        return TensorStorage(owning: memory, count: count)
    }

    /// The elements as a buffer.
    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }
}
