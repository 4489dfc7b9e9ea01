/// A read-only view of one per-sub-environment array of a vector environment (rewards, flags,
/// infos). It does not copy: the next `step` or `reset` overwrites it, so keep `Array(view)` if
/// the values must outlive that.
public struct BatchView<Element>: RandomAccessCollection {
    /// The viewed memory.
    public let buffer: UnsafeBufferPointer<Element>
    /// Keeps the memory alive.
    let owner: AnyObject

    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.count }
    public subscript(position: Int) -> Element { buffer[position] }
}

/// Memory for one per-sub-environment array, freed with its owner.
final class BatchStorage<Element> {
    let pointer: UnsafeMutableBufferPointer<Element>

    init(count: Int, initialValue: Element) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: initialValue)
    }

    deinit {
        _ = pointer.deinitialize()
        pointer.deallocate()
    }

    var view: BatchView<Element> { BatchView(buffer: UnsafeBufferPointer(pointer), owner: self) }
}
