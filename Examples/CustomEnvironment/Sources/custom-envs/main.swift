// custom-envs: the swiftrl command tree with this package's environments registered beside the
// bundled ones, so `custom-envs train ppo --env Corridor-v0` and every other subcommand work.
import CustomEnvironments
import SwiftRLCommandLine

CustomEnvironments.register()
SwiftRLCommand.main()
