import Foundation

/// Contiguous Float32 memory owned by one or more tensors (views share it; tied weights share it).
public final class TensorStorage: @unchecked Sendable {
    /// The first element (64-byte aligned).
    public let pointer: UnsafeMutablePointer<Float>
    /// The number of elements.
    public let count: Int

    /// Allocates `count` uninitialised elements.
    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
