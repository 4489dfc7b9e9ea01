import Foundation
import Synchronization

/// Contiguous Float32 memory owned by one or more tensors (views share it; tied weights share it).
///
/// Large blocks come from `StoragePool`, which recycles freed blocks of the same size: a training
/// step allocates the same activation sizes every time, and fresh large allocations cost page
/// faults (the kernel zeroes every page) that dominated SAC-AE's update before pooling.
///
/// Lifetimes: Swift may release an object right after its last use, and reading `pointer` is a
/// use, so a local storage whose pointer is passed on last can be freed while the callee still
/// reads it. Small blocks go back to malloc, which writes its free-list links into their first
/// bytes: the reader then sees pointer bits, NaNs with odd payloads. Scratch memory comes from
/// `withScratch`, which keeps it alive while its pointer is in use (or use `withExtendedLifetime`).
public final class TensorStorage: @unchecked Sendable {
    /// The first element (64-byte aligned).
    public let pointer: UnsafeMutablePointer<Float>
    /// The number of elements.
    public let count: Int

    /// Allocates `count` uninitialised elements.
    public init(count: Int) {
        self.count = count
        pointer = StoragePool.shared.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride).bindMemory(
            to: Float.self, capacity: max(count, 1))
        if Self.poisonsNewStorage { pointer.update(repeating: Float(bitPattern: 0x7FC0_DEAD), count: max(count, 1)) }
    }

    /// Whether new storage is filled with a marked NaN (payload 0xDEAD) instead of left uninitialised:
    /// set SWIFTRL_POISON_STORAGE=1 to find kernels that read memory they never wrote.
    static let poisonsNewStorage = ProcessInfo.processInfo.environment["SWIFTRL_POISON_STORAGE"] == "1"

    /// Runs `body` with `count` uninitialised scratch elements that stay allocated until it returns.
    @inline(__always)
    public static func withScratch<Result>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> Result) rethrows -> Result {
        let storage = TensorStorage(count: count)
        return try withExtendedLifetime(storage) { try body(storage.pointer) }
    }

    deinit {
        StoragePool.shared.release(UnsafeMutableRawPointer(pointer), byteCount: max(count, 1) * MemoryLayout<Float>.stride)
    }
}

/// A cache of freed large blocks keyed by size, shared by all threads.
public final class StoragePool: Sendable {
    /// The pool every tensor uses.
    public static let shared = StoragePool()

    /// Blocks smaller than this go straight to the system allocator (fast already).
    public static let minimumPooledBytes = 1 << 16
    /// At most this many bytes are kept cached (the rest are freed).
    public static let maximumCachedBytes = 6 << 30

    /// A cached block (only the pool touches it while cached).
    private struct Block: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private struct State: Sendable {
        var free: [Int: [Block]] = [:]
        var cachedBytes = 0
    }
    private let state = Mutex(State())

    /// A 64-byte-aligned block of `byteCount` bytes, reused when one of that size is cached.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount >= Self.minimumPooledBytes {
            let reused = state.withLock { state -> Block? in
                guard let block = state.free[byteCount]?.popLast() else { return nil }
                state.cachedBytes -= byteCount
                return block
            }
            if let reused { return reused.pointer }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    /// Returns a block for reuse (or frees it when small or when the cache is full).
    func release(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= Self.minimumPooledBytes {
            let cached = Block(pointer: block)
            let kept = state.withLock { state -> Bool in
                guard state.cachedBytes + byteCount <= Self.maximumCachedBytes else { return false }
                state.free[byteCount, default: []].append(cached)
                state.cachedBytes += byteCount
                return true
            }
            if kept { return }
        }
        block.deallocate()
    }

    /// Frees every cached block (for example after building large one-off tensors).
    public func emptyCache() {
        let blocks = state.withLock { state -> [Block] in
            defer { state.free = [:]; state.cachedBytes = 0 }
            return state.free.values.flatMap { $0 }
        }
        for block in blocks { block.pointer.deallocate() }
    }

    /// Bytes currently cached.
    public var cachedBytes: Int { state.withLock { $0.cachedBytes } }
}
