import Foundation

/// dm_control's `rewards.tolerance`: 1 inside [lower, upper], falling off outside over `margin`
/// with the chosen sigmoid so that it equals `valueAtMargin` at distance `margin`.
enum Tolerance {
    /// The falloff shape.
    enum Sigmoid { case gaussian, quadratic }

    static func value(
        _ x: Double, lower: Double = 0, upper: Double = 0, margin: Double = 0,
        sigmoid: Sigmoid = .gaussian, valueAtMargin: Double = 0.1
    ) -> Double {
        if x >= lower && x <= upper { return 1 }
        if margin == 0 { return 0 }
        let distance = (x < lower ? lower - x : x - upper) / margin
        switch sigmoid {
        case .gaussian:
            let scale = (-2 * log(valueAtMargin)).squareRoot()
            return exp(-0.5 * (distance * scale) * (distance * scale))
        case .quadratic:
            let scale = (1 - valueAtMargin).squareRoot()
            let scaled = distance * scale
            return abs(scaled) < 1 ? 1 - scaled * scaled : 0
        }
    }
}
