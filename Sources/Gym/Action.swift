/// An action handed to `step`: an index for a Discrete action space, a vector for a Box.
///
/// This is the erased form every algorithm produces. Passing a stored `[Float]` does not copy it.
public enum Action: Sendable, Equatable, CustomStringConvertible {
    /// An element of a Discrete space.
    case discrete(Int)
    /// An element of a Float32 Box space, flattened.
    case continuous([Float])

    public var description: String {
        switch self {
        case .discrete(let index): return "\(index)"
        case .continuous(let values): return "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
        }
    }

    /// The same action as a space element.
    public var spaceValue: SpaceValue {
        switch self {
        case .discrete(let index): return .int(index)
        case .continuous(let values): return .float32(values)
        }
    }
}

extension Space {
    /// Whether actions of this space can be expressed as `Action` (Discrete or Float32 Box).
    public var supportsActions: Bool {
        switch self {
        case .discrete: return true
        case .box(let box): return box.dtype == .float32
        default: return false
        }
    }

    /// Whether `action` is an element of this space.
    @inlinable
    public func contains(_ action: Action) -> Bool {
        (try? validate(action: action)) != nil
    }

    /// Throws an error naming the problem and this space when `action` is not an element of it.
    public func validate(action: Action) throws {
        switch (self, action) {
        case (.discrete(let space), .discrete(let index)):
            if !space.contains(index) {
                throw GymError.invalidAction(
                    "action \(index) is outside the action space \(space): use an index in \(space.start)..<\(space.start + space.n)")
            }
        case (.box(let box), .continuous(let values)):
            guard box.dtype == .float32 else { break }
            guard values.count == box.count else {
                throw GymError.invalidAction(
                    "action has \(values.count) values but the action space \(box) needs \(box.count): give one value per coordinate")
            }
            if box.contains(floats: values) { return }
            for index in values.indices {
                let value = values[index]
                if value.isNaN {
                    throw GymError.invalidAction(
                        "action \(action) has NaN at index \(index), outside the action space \(box): give finite values")
                }
                if !(value >= box.low[index] && value <= box.high[index]) {
                    throw GymError.invalidAction(
                        "action \(action) is outside the action space \(box): value \(value) at index \(index) is not in [\(box.low[index]), \(box.high[index])]; clip it (ClipAction) or rescale it (RescaleAction)"
                    )
                }
            }
        case (.discrete(let space), .continuous):
            throw GymError.invalidAction(
                "a continuous action \(action) was given to the discrete action space \(space): use Action.discrete(index)")
        case (.box(let box), .discrete):
            throw GymError.invalidAction(
                "a discrete action \(action) was given to the continuous action space \(box): use Action.continuous([values])")
        default:
            throw GymError.invalidAction("the action space \(self) cannot take Action values: only Discrete and Float32 Box spaces can")
        }
    }

    /// A random action drawn with Gymnasium's sampling rules (Discrete or Float32 Box spaces).
    public func sampleAction(using generator: inout RandomGenerator) -> Action {
        switch sample(using: &generator) {
        case .int(let index): return .discrete(index)
        case .float32(let values): return .continuous(values)
        default: preconditionFailure("the space \(self) has no Action form: only Discrete and Float32 Box spaces do")
        }
    }
}
