/// An environment that wraps another and forwards what it does not change (Gymnasium's `Wrapper`).
public protocol Wrapper: Environment {
    /// The wrapped environment.
    var environment: any Environment { get }
}

extension Wrapper {
    public var observationSpace: Space { environment.observationSpace }
    public var actionSpace: Space { environment.actionSpace }
    public var metadata: EnvironmentMetadata { environment.metadata }
    public var renderMode: RenderMode? { environment.renderMode }
    public func render() throws -> Frame? { try environment.render() }
    public func close() { environment.close() }
    public var unwrapped: any Environment { environment.unwrapped }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try environment.reset(seed: seed, options: options, into: observation)
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try environment.step(action, into: observation)
    }
}

/// The chain of environment type names from the outside in, e.g. `OrderEnforcing<TimeLimit<CartPole>>`.
public func wrapperChainDescription(_ environment: any Environment) -> String {
    if let wrapper = environment as? any Wrapper {
        return "\(type(of: environment))<\(wrapperChainDescription(wrapper.environment))>"
    }
    return "\(type(of: environment))"
}
