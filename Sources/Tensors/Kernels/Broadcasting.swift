/// The broadcast shape of two shapes (NumPy rules), or nil when they do not broadcast.
@usableFromInline
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for axis in 0..<rank {
        let x = axis - (rank - a.count) >= 0 ? a[axis - (rank - a.count)] : 1
        let y = axis - (rank - b.count) >= 0 ? b[axis - (rank - b.count)] : 1
        if x == y || y == 1 { result[axis] = x } else if x == 1 { result[axis] = y } else { return nil }
    }
    return result
}

/// Row-major strides of `shape` aligned to `rank` axes, with 0 for broadcast (size-1 or missing) axes
/// of a result of shape `target`.
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let rank = target.count
    var strides = [Int](repeating: 0, count: rank)
    var step = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        let targetAxis = axis + rank - shape.count
        strides[targetAxis] = shape[axis] == 1 && target[targetAxis] != 1 ? 0 : step
        step *= shape[axis]
    }
    return strides
}

/// Whether `small` equals the trailing axes of `large` (so that element i of a tensor of shape
/// `large` pairs with element i % count(small)).
func isSuffix(_ small: [Int], of large: [Int]) -> Bool {
    var smallTrimmed = small[...]
    while smallTrimmed.first == 1 { smallTrimmed = smallTrimmed.dropFirst() }
    guard smallTrimmed.count <= large.count else { return false }
    return Array(large.suffix(smallTrimmed.count)) == Array(smallTrimmed)
}

/// Calls `body(outputIndex, aIndex, bIndex)` for every element of the broadcast result.
@inline(__always)
func forEachBroadcastIndex(_ shape: [Int], _ aStrides: [Int], _ bStrides: [Int], _ body: (Int, Int, Int) -> Void) {
    let rank = shape.count
    let count = shape.reduce(1, *)
    if count == 0 { return }
    var counter = [Int](repeating: 0, count: rank)
    var aIndex = 0, bIndex = 0
    for index in 0..<count {
        body(index, aIndex, bIndex)
        var axis = rank - 1
        while axis >= 0 {
            counter[axis] += 1
            aIndex += aStrides[axis]
            bIndex += bStrides[axis]
            if counter[axis] < shape[axis] { break }
            aIndex -= aStrides[axis] * shape[axis]
            bIndex -= bStrides[axis] * shape[axis]
            counter[axis] = 0
            axis -= 1
        }
    }
}

/// When `small` broadcast to `large` varies along one contiguous run of axes only (a per-channel
/// scale [1, C, 1] against [N, C, L], a column [N, 1] against [N, L], ...), the layout of `large` as
/// [outer, middle, inner] with element (o, m, i) pairing with element m of `small`; nil otherwise.
func middleBroadcastLayout(_ small: [Int], in large: [Int]) -> (outer: Int, middle: Int, inner: Int)? {
    guard small.count <= large.count else { return nil }
    let padded = [Int](repeating: 1, count: large.count - small.count) + small
    // The axes where `small` has the full extent (extent-1 axes of `large` count as either).
    guard let first = padded.indices.first(where: { padded[$0] != 1 }) else { return nil }
    let last = padded.indices.last(where: { padded[$0] != 1 })!
    for axis in first...last where padded[axis] != large[axis] { return nil }
    let outer = large[..<first].reduce(1, *), middle = large[first...last].reduce(1, *)
    let inner = large[(last + 1)...].reduce(1, *)
    return (outer, middle, inner)
}
