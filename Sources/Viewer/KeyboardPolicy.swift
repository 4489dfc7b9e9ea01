import Gym

/// Maps held keys to actions for keyboard play (as gymnasium.utils.play does): for Discrete
/// spaces the arrow keys choose the first or last action and digits choose an index, with a
/// no-op when nothing is held (the middle action for three actions, else 0); for Box spaces the
/// left/right arrows drive the first coordinate and up/down the second, to their bounds.
public struct KeyboardPolicy {
    /// The action space played.
    public let space: Space

    /// A policy for `space`; throws for spaces without an Action form.
    public init(space: Space) throws {
        guard space.supportsActions else {
            throw GymError.invalidArgument("keyboard play needs a Discrete or Float32 Box action space, got \(space)")
        }
        self.space = space
    }

    /// The action for the keys held now.
    public func action(for keys: Set<ViewerKey>) -> Action {
        switch space {
        case .discrete(let discrete):
            for key in keys {
                if case .character(let character) = key, let digit = character.wholeNumberValue, digit < discrete.n {
                    return .discrete(discrete.start + digit)
                }
            }
            if keys.contains(.left) { return .discrete(discrete.start) }
            if keys.contains(.right) { return .discrete(discrete.start + discrete.n - 1) }
            return .discrete(discrete.start + (discrete.n == 3 ? 1 : 0))
        case .box(let box):
            var values = [Float](repeating: 0, count: box.count)
            for index in 0..<box.count { values[index] = min(max(0, box.low[index]), box.high[index]) }
            if box.count > 0 {
                if keys.contains(.left) { values[0] = box.low[0] }
                if keys.contains(.right) { values[0] = box.high[0] }
            }
            if box.count > 1 {
                if keys.contains(.up) { values[1] = box.high[1] }
                if keys.contains(.down) { values[1] = box.low[1] }
            }
            // A one-sided second coordinate with a third (CarRacing's gas and brake): down brakes
            // at 0.8, as Gymnasium's keyboard demo does.
            if box.count > 2 && box.low[1] >= 0 && keys.contains(.down) { values[2] = 0.8 * box.high[2] }
            return .continuous(values)
        default:
            return .discrete(0)
        }
    }
}
