extension Tensor {
    /// Normalises a possibly negative axis; throws naming `name` when it is out of range.
    func resolveAxis(_ axis: Int, _ name: String, rank: Int? = nil) throws -> Int {
        let rank = rank ?? self.rank
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw TensorError.invalidArgument("\(name): axis \(axis) is out of range for shape \(describe(shape))")
        }
        return resolved
    }

    /// The same elements with a new shape (one axis may be -1 to infer it); shares storage.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch("reshape: cannot reshape \(describe(shape)) into \(describe(newShape))")
            }
            resolved[inferred] = count / known
        }
        guard resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == count else {
            throw TensorError.shapeMismatch("reshape: cannot reshape \(describe(shape)) (\(count) elements) into \(describe(newShape))")
        }
        let result = Tensor(shape: resolved, storage: storage, offset: pointer - storage.pointer)
        let inputShape = shape
        record(result, [self]) { g in [try g.reshaped(inputShape)] }
        return result
    }

    /// Flattens every axis from `startAxis` on (default: keep the batch axis).
    public func flattened(fromAxis startAxis: Int = 1) throws -> Tensor {
        let axis = try resolveAxis(startAxis, "flatten")
        return try reshaped(Array(shape[..<axis]) + [shape[axis...].reduce(1, *)])
    }

    /// Inserts an axis of size 1 at `axis`.
    public func expandingDimension(at axis: Int) throws -> Tensor {
        let position = try resolveAxis(axis, "unsqueeze", rank: rank + 1)
        var newShape = shape
        newShape.insert(1, at: position)
        return try reshaped(newShape)
    }

    /// Removes the axis `axis`, which must have size 1.
    public func squeezingDimension(at axis: Int) throws -> Tensor {
        let position = try resolveAxis(axis, "squeeze")
        guard shape[position] == 1 else {
            throw TensorError.shapeMismatch("squeeze: axis \(axis) of \(describe(shape)) has size \(shape[position]), not 1")
        }
        var newShape = shape
        newShape.remove(at: position)
        return try reshaped(newShape)
    }

    /// The axes reordered: result axis i is input axis `permutation[i]` (a copy).
    public func permuted(_ permutation: [Int]) throws -> Tensor {
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            throw TensorError.invalidArgument("permute: \(permutation) is not a permutation of the axes of \(describe(shape))")
        }
        let newShape = permutation.map { shape[$0] }
        let result = Tensor(uninitializedShape: newShape)
        var inputStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { inputStrides[axis] = inputStrides[axis + 1] * shape[axis + 1] }
        let permutedStrides = permutation.map { inputStrides[$0] }
        let source = pointer, target = result.pointer
        forEachBroadcastIndex(newShape, permutedStrides, permutedStrides) { index, sourceIndex, _ in
            target[index] = source[sourceIndex]
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (position, axis) in permutation.enumerated() { inverse[axis] = position }
        record(result, [self]) { g in [try g.permuted(inverse)] }
        return result
    }

    /// Swaps the last two axes (a copy).
    public func transposed() throws -> Tensor {
        guard rank >= 2 else { throw TensorError.invalidArgument("transpose: needs at least 2 axes, got \(describe(shape))") }
        var permutation = Array(0..<rank)
        permutation.swapAt(rank - 1, rank - 2)
        return try permuted(permutation)
    }

    /// Elements `start ..< start + length` along `axis` (a view for axis 0, else a copy).
    public func slice(axis: Int, start: Int, length: Int) throws -> Tensor {
        let axis = try resolveAxis(axis, "slice")
        guard start >= 0, length >= 0, start + length <= shape[axis] else {
            throw TensorError.invalidArgument(
                "slice: range \(start)..<\(start + length) is outside axis \(axis) of size \(shape[axis]) in \(describe(shape))")
        }
        var newShape = shape
        newShape[axis] = length
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let result: Tensor
        if outer == 1 {
            result = Tensor(shape: newShape, storage: storage, offset: pointer - storage.pointer + start * inner)
        } else {
            result = Tensor(uninitializedShape: newShape)
            for block in 0..<outer {
                (result.pointer + block * length * inner).update(
                    from: pointer + (block * shape[axis] + start) * inner, count: length * inner)
            }
        }
        let inputShape = shape
        record(result, [self]) { g in
            let gradient = Tensor.zeros(inputShape)
            for block in 0..<outer {
                (gradient.pointer + (block * inputShape[axis] + start) * inner).update(
                    from: g.pointer + block * length * inner, count: length * inner)
            }
            return [gradient]
        }
        return result
    }

    /// Joins tensors along `axis`; every other axis must match.
    public static func concatenate(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("concatenate: no tensors given") }
        let axis = try first.resolveAxis(axis, "concatenate")
        for tensor in tensors {
            var a = tensor.shape, b = first.shape
            guard a.count == b.count else {
                throw TensorError.shapeMismatch("concatenate: shapes \(describe(first.shape)) and \(describe(tensor.shape)) differ in rank")
            }
            a[axis] = 0; b[axis] = 0
            guard a == b else {
                throw TensorError.shapeMismatch(
                    "concatenate: shapes \(describe(first.shape)) and \(describe(tensor.shape)) differ outside axis \(axis)")
            }
        }
        var newShape = first.shape
        newShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        let result = Tensor(uninitializedShape: newShape)
        var offset = 0
        for tensor in tensors {
            let width = tensor.shape[axis] * inner
            for block in 0..<outer {
                (result.pointer + block * newShape[axis] * inner + offset).update(from: tensor.pointer + block * width, count: width)
            }
            offset += width
        }
        let sizes = tensors.map { $0.shape[axis] }
        record(result, tensors) { g in
            var start = 0
            return try sizes.map { size in
                defer { start += size }
                return try g.slice(axis: axis, start: start, length: size)
            }
        }
        return result
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the axis size).
    public func split(sizes: [Int], axis: Int) throws -> [Tensor] {
        let resolved = try resolveAxis(axis, "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[resolved] else {
            throw TensorError.invalidArgument("split: sizes \(sizes) do not add up to axis \(resolved) of \(describe(shape))")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try slice(axis: resolved, start: start, length: size)
        }
    }

    /// Splits along `axis` into `chunks` pieces of equal size (the last may be smaller), as PyTorch's chunk.
    public func chunked(_ chunks: Int, axis: Int) throws -> [Tensor] {
        let resolved = try resolveAxis(axis, "chunk")
        guard chunks > 0 else { throw TensorError.invalidArgument("chunk: needs chunks > 0, got \(chunks)") }
        let size = (shape[resolved] + chunks - 1) / chunks
        var sizes: [Int] = []
        var remaining = shape[resolved]
        while remaining > 0 { sizes.append(min(size, remaining)); remaining -= size }
        return try split(sizes: sizes, axis: resolved)
    }
}
