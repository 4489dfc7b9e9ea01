"""Gymnasium spaces from the library's space JSON, and observations from its memory layout."""
import numpy as np
from gymnasium import spaces


def _bounds(values, shape):
    numbers = [float(v) for v in values]  # "inf", "-inf" and "nan" arrive as strings
    return np.asarray(numbers, dtype=np.float32).reshape(shape)


def to_gymnasium(space: dict):
    kind = space["type"]
    if kind == "box":
        shape = tuple(space["shape"])
        if space["dtype"] == "uint8":
            low = _bounds(space["low"], shape).astype(np.uint8)
            high = _bounds(space["high"], shape).astype(np.uint8)
            return spaces.Box(low=low, high=high, shape=shape, dtype=np.uint8)
        return spaces.Box(low=_bounds(space["low"], shape), high=_bounds(space["high"], shape), shape=shape, dtype=np.float32)
    if kind == "discrete":
        return spaces.Discrete(space["n"], start=space["start"])
    if kind == "multi_discrete":
        return spaces.MultiDiscrete(space["nvec"])
    if kind == "multi_binary":
        return spaces.MultiBinary(space["shape"])
    if kind == "dict":
        return spaces.Dict({key: to_gymnasium(entry) for key, entry in space["spaces"]})
    if kind == "tuple":
        return spaces.Tuple([to_gymnasium(entry) for entry in space["spaces"]])
    raise ValueError(f"unknown space type {kind}")


class ObservationLayout:
    """Reads observations of one space (possibly several rows) out of the library's byte layout."""

    def __init__(self, space: dict):
        self.space = space
        self.bytes = self._size(space)

    @classmethod
    def _size(cls, space):
        kind = space["type"]
        if kind == "box":
            count = int(np.prod(space["shape"])) if space["shape"] else 1
            return count if space["dtype"] == "uint8" else 4 * count
        if kind == "discrete":
            return 4
        if kind == "multi_discrete":
            return 4 * len(space["nvec"])
        if kind == "multi_binary":
            return 4 * int(np.prod(space["shape"]))
        if kind == "dict":
            return sum(cls._size(entry) for _, entry in space["spaces"])
        return sum(cls._size(entry) for entry in space["spaces"])

    def read(self, memory: np.ndarray, offset: int = 0):
        """The observation at `offset` bytes of `memory` (a uint8 array), as new arrays."""
        return self._read(self.space, memory, offset)[0]

    def _read(self, space, memory, offset):
        kind = space["type"]
        size = self._size(space)
        chunk = memory[offset:offset + size]
        if kind == "box":
            shape = tuple(space["shape"])
            if space["dtype"] == "uint8":
                return chunk.reshape(shape).copy(), offset + size
            return chunk.view(np.float32).reshape(shape).copy(), offset + size
        if kind == "discrete":
            return np.int64(chunk.view(np.float32)[0]), offset + size
        if kind == "multi_discrete":
            return chunk.view(np.float32).astype(np.int64), offset + size
        if kind == "multi_binary":
            return chunk.view(np.float32).astype(np.int8).reshape(tuple(space["shape"])), offset + size
        if kind == "dict":
            values = {}
            for key, entry in space["spaces"]:
                values[key], offset = self._read(entry, memory, offset)
            return values, offset
        values = []
        for entry in space["spaces"]:
            value, offset = self._read(entry, memory, offset)
            values.append(value)
        return tuple(values), offset


def parse_info(info):
    """Numbers that JSON could not hold come back as strings; lists of numbers as float arrays."""
    if not info:
        return {}
    result = {}
    for key, value in info.items():
        if isinstance(value, dict):
            result[key] = parse_info(value)
        elif isinstance(value, list) and all(isinstance(v, (int, float, str)) for v in value):
            result[key] = np.asarray([float(v) for v in value], dtype=np.float32)
        elif isinstance(value, str) and value in ("inf", "-inf", "nan"):
            result[key] = float(value)
        else:
            result[key] = value
    return result
