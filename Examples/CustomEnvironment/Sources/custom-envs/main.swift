// custom-envs: the swiftrl command tree with this package's environments registered beside the
// bundled ones, so `custom-envs train ppo --env Corridor-v0` and every other subcommand work.
import CustomEnvironments
import SwiftRLCommandLine
import Training

CustomEnvironments.register()
// Starting settings for `train ALGORITHM --env ID` on these environments (`train --list-presets` shows them).
try TrainingPresets.register(name: "ppo-corridor", text: "algorithm = ppo\nenv = Corridor-v0\nsteps = 20000\neval_every = 10000\n")
try TrainingPresets.register(name: "acer-corridor", text: "algorithm = acer\nenv = Corridor-v0\nsteps = 10000\neval_every = 5000\n")
try TrainingPresets.register(
    name: "sac-pointreach",
    text: """
        algorithm = sac
        env = PointReach-v0
        steps = 6000
        eval_every = 2000
        hidden_dim = 256   # a small task: 256 units learn it as well as the reference 1024, 16 times faster
        initial_steps = 500
        """)
SwiftRLCommand.main()
