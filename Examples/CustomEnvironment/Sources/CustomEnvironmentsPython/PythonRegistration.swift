// This package's environments for Python: the library links SwiftRL's C ABI (SwiftRLEnvsABI), and the
// swiftrl_envs Python package calls this function when it loads the library, so Corridor-v0 and
// PointReach-v0 become gymnasium.make("SwiftRL/Corridor-v0") and swiftrl_envs.make_vec("PointReach-v0", ...).
import CustomEnvironments
@_exported import SwiftRLEnvsABI

/// Registers this package's environments (called by swiftrl_envs on load).
@_cdecl("swiftrl_register_user_environments")
public func swiftrl_register_user_environments() {
    CustomEnvironments.register()
}
