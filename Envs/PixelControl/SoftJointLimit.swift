import Foundation

/// MuJoCo's soft joint limit for one limited joint, so that a scene behaves at its limit as the
/// MuJoCo model it copies (cartpole's rail, reacher's wrist): when the joint passes its range, the
/// constraint solver adds the generalized force that makes the joint's acceleration approach the
/// reference acceleration aref = -b (J v) - k d(r) r of a damped spring (solref: time constant and
/// damping ratio; solimp: the impedance d(r) in (0, 1)), softened by the regulariser
/// R = (1 - d) / d * invweight0.
///
/// With one active scalar constraint the solver's convex problem, minimise over the acceleration x
/// `1/2 |x - a0|^2_M + 1/2 D min(J x - aref, 0)^2` with D = 1 / R, has the closed form
/// `f = max(0, (aref - J a0) / (A + R))`, A = J M^-1 J' (the joint's entry of M^-1 at the current
/// state) and a0 the unconstrained acceleration; the joint gets the generalized force J f. Margin 0,
/// MuJoCo's `refsafe` (time constant at least twice the timestep) applied.
public struct SoftJointLimit: Sendable, Equatable {
    /// The joint's range.
    public let lower: Double, upper: Double
    /// solref: time constant (after refsafe) and damping ratio.
    public let timeConstant: Double, dampingRatio: Double
    /// solimp: impedance at zero and at full violation, the width of the transition, its midpoint and power.
    public let impedanceMinimum: Double, impedanceMaximum: Double, width: Double, midpoint: Double, power: Double
    /// The model's dof_invweight0: the joint's entry of M^-1 at the reference pose (MuJoCo's approximation of A in R).
    public let inverseWeight: Double

    /// A limit with MuJoCo's defaults: solref (0.02, 1), solimp (0.9, 0.95, 0.001, 0.5, 2).
    public init(
        lower: Double, upper: Double, inverseWeight: Double, timestep: Double, timeConstant: Double = 0.02, dampingRatio: Double = 1,
        impedance: (minimum: Double, maximum: Double, width: Double, midpoint: Double, power: Double) = (0.9, 0.95, 0.001, 0.5, 2)
    ) {
        self.lower = lower
        self.upper = upper
        self.inverseWeight = inverseWeight
        self.timeConstant = max(timeConstant, 2 * timestep)
        self.dampingRatio = dampingRatio
        impedanceMinimum = min(max(impedance.minimum, 1e-4), 0.9999)
        impedanceMaximum = min(max(impedance.maximum, 1e-4), 0.9999)
        width = impedance.width
        midpoint = impedance.midpoint
        power = impedance.power
    }

    /// The impedance d(r) at a violation of `distance` (MuJoCo's polynomial sigmoid from dmin to dmax over `width`).
    public func impedance(at distance: Double) -> Double {
        let x = abs(distance) / width
        guard x < 1, width > 1e-15 else { return impedanceMaximum }
        let y: Double
        if power == 1 {
            y = x
        } else if x <= midpoint {
            y = pow(x, power) / pow(midpoint, power - 1)
        } else {
            y = 1 - pow(1 - x, power) / pow(1 - midpoint, power - 1)
        }
        return impedanceMinimum + y * (impedanceMaximum - impedanceMinimum)
    }

    /// The generalized force the limit adds to the joint at `position` and `velocity`, given the joint's
    /// unconstrained acceleration `freeAcceleration` and `inverseInertia` = (M^-1)_jj (0 inside the range).
    public func force(position: Double, velocity: Double, freeAcceleration: Double, inverseInertia: Double) -> Double {
        // Lower limit: distance q - lower, J = +1; upper limit: distance upper - q, J = -1.
        let (distance, jacobian) = position < lower ? (position - lower, 1.0) : (upper - position, -1.0)
        guard distance < 0 else { return 0 }
        let impedance = impedance(at: distance)
        let stiffness = 1 / max(1e-15, pow(impedanceMaximum * timeConstant * dampingRatio, 2))
        let damping = 2 / max(1e-15, impedanceMaximum * timeConstant)
        let referenceAcceleration = -damping * jacobian * velocity - stiffness * impedance * distance
        let regulariser = max(1e-15, (1 - impedance) / impedance * inverseWeight)
        let constraintForce = max(0, (referenceAcceleration - jacobian * freeAcceleration) / (inverseInertia + regulariser))
        return jacobian * constraintForce
    }
}
