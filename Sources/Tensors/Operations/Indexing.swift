extension Tensor {
    /// Checks an index list for gather / scatter along `axis` and returns the layout.
    private func indexLayout(
        _ name: String, axis: Int, indexShape: [Int], indices: [Int], sourceShape: [Int]
    ) throws
        -> (axis: Int, outer: Int, inner: Int)
    {
        let axis = try resolveAxis(axis, name)
        guard indexShape.count == rank, indices.count == indexShape.reduce(1, *) else {
            throw TensorError.shapeMismatch(
                "\(name): index shape \(describe(indexShape)) does not fit \(indices.count) indices and input rank \(rank)")
        }
        for dimension in 0..<rank where dimension != axis && indexShape[dimension] != sourceShape[dimension] {
            throw TensorError.shapeMismatch(
                "\(name): index shape \(describe(indexShape)) differs from \(describe(sourceShape)) outside axis \(axis)")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= shape[axis] }) {
            throw TensorError.invalidArgument(
                "\(name): index \(bad) is out of range for axis \(axis) of size \(shape[axis]) in \(describe(shape))")
        }
        return (axis, indexShape[..<axis].reduce(1, *), indexShape[(axis + 1)...].reduce(1, *))
    }

    /// PyTorch's gather: result[..., i, ...] = self[..., indices[..., i, ...], ...] along `axis`;
    /// `indices` has `indexShape`, equal to this shape except along `axis`.
    public func gather(axis: Int, indices: [Int], indexShape: [Int]) throws -> Tensor {
        let layout = try indexLayout("gather", axis: axis, indexShape: indexShape, indices: indices, sourceShape: shape)
        let length = shape[layout.axis], picked = indexShape[layout.axis]
        let result = Tensor(uninitializedShape: indexShape)
        for block in 0..<layout.outer {
            for position in 0..<picked {
                for column in 0..<layout.inner {
                    let index = (block * picked + position) * layout.inner + column
                    result.pointer[index] = pointer[(block * length + indices[index]) * layout.inner + column]
                }
            }
        }
        let inputShape = shape
        record(result, [self]) { g in
            [try Tensor.zeros(inputShape).scatterAdding(axis: layout.axis, indices: indices, source: g)]
        }
        return result
    }

    /// Gathers one element per row: result[i] = self[i, indices[i]] for a 2-D tensor (ACER's Q(s, a)).
    public func gatherRows(_ indices: [Int]) throws -> Tensor {
        guard rank == 2 else { throw TensorError.shapeMismatch("gatherRows: needs a 2-D tensor, got \(describe(shape))") }
        return try gather(axis: 1, indices: indices, indexShape: [shape[0], 1]).reshaped([shape[0]])
    }

    /// PyTorch's scatter_add: a copy of self with source[..., i, ...] added at
    /// [..., indices[..., i, ...], ...] along `axis`; `indices` has the shape of `source`.
    public func scatterAdding(axis: Int, indices: [Int], source: Tensor) throws -> Tensor {
        let layout = try indexLayout("scatter_add", axis: axis, indexShape: source.shape, indices: indices, sourceShape: shape)
        let length = shape[layout.axis], picked = source.shape[layout.axis]
        let result = copy()
        for block in 0..<layout.outer {
            for position in 0..<picked {
                for column in 0..<layout.inner {
                    let index = (block * picked + position) * layout.inner + column
                    result.pointer[(block * length + indices[index]) * layout.inner + column] += source.pointer[index]
                }
            }
        }
        let sourceShape = source.shape
        record(result, [self, source]) { g in
            [g, try g.gather(axis: layout.axis, indices: indices, indexShape: sourceShape)]
        }
        return result
    }
}
