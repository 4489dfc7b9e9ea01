// swift-tools-version: 6.1
// SwiftRL: native reinforcement-learning environments and a learning core in one Swift package.
import PackageDescription
import Foundation

/// The targets carry no unsafe flags, so SwiftRL builds as a dependency of any package (a tagged
/// `.package(url:from:)` included). The vector kernels pick AVX-512 or AVX2 at run time (CKernels).
/// Opt-in: SWIFTRL_TARGET_CPU=haswell (or native) compiles the Swift numeric modules for that CPU,
/// which widens their SIMD8 loops from SSE2 to AVX2 (no measurable change on AVX-512 CPUs, where the
/// hot loops run in CKernels). It applies to builds of this package itself or by path; a package
/// that depends on SwiftRL by URL passes `-Xswiftc -target-cpu -Xswiftc haswell` to `swift build`.
let targetCPU = ProcessInfo.processInfo.environment["SWIFTRL_TARGET_CPU"] ?? ""
#if arch(x86_64)
let numericSettings: [SwiftSetting] = targetCPU.isEmpty ? [] : [.unsafeFlags(["-target-cpu", targetCPU])]
#else
let numericSettings: [SwiftSetting] = []
#endif

/// The library modules a package that uses SwiftRL may import, each also its own product.
let libraryModules = [
    "Random", "Gym", "Render", "Viewer", "Tensors", "NN", "Agents", "Training",
    "ClassicControl", "PixelControl", "Box2DEnvs", "GridWorlds", "BundledEnvs", "SwiftRLCommandLine", "SwiftRLEnvsABI",
]

let package = Package(
    name: "SwiftRL",
    platforms: [.macOS(.v15)],
    products: [
        // Everything at once: `.product(name: "SwiftRL", package: ...)`, then import the modules needed.
        .library(name: "SwiftRL", targets: libraryModules),
        .executable(name: "swiftrl", targets: ["swiftrl"]),
        // libswiftrl_envs.so: the environments behind a C ABI, for Python (python/, through ctypes).
        .library(name: "swiftrl_envs", type: .dynamic, targets: ["SwiftRLEnvsABI"]),
    ] + libraryModules.map { .library(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The seeded random generator shared by environments and the learning core.
        .target(name: "Random"),
        // Which CPU a thread is on, and moving a thread off one (sched_getcpu, sched_setaffinity).
        .target(name: "CThreadPlacement"),
        // A low-latency second worker thread for kernels and vector environments.
        .target(name: "Parallelism", dependencies: ["CThreadPlacement"]),
        // OpenBLAS's CBLAS interface (sgemm) for the learning core.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // The environment API: protocol, spaces, seeded RNG, wrappers, vector envs, registry, checker.
        .target(name: "Gym", dependencies: ["Random", "Parallelism"]),
        // Software rasteriser (Canvas) into RGB8 frames, and video writing (GIF; MP4 through ffmpeg).
        .target(name: "Render", dependencies: ["Gym"], swiftSettings: numericSettings),
        // SDL2 for on-screen viewing and keyboard play only (never needed for training or observations).
        .systemLibrary(name: "CSDL2", pkgConfig: "sdl2", providers: [.apt(["libsdl2-dev"])]),
        .target(name: "Viewer", dependencies: ["CSDL2", "Render", "Gym"]),
        // Vector kernels in C (convolutions, sgemm, activations, Adam; AVX-512 and AVX2, chosen at run
        // time). The loops over register tiles are unrolled by pragma, so SwiftPM's release -O2 keeps them
        // in registers without an -O3 flag.
        .target(name: "CKernels"),
        // Tensors, kernels and reverse-mode autodiff.
        .target(name: "Tensors", dependencies: ["Random", "CBLAS", "CKernels", "Parallelism"], swiftSettings: numericSettings),
        // Modules with named parameters, layers, initialisers, distributions, losses, optimizers, checkpoints.
        .target(name: "NN", dependencies: ["Tensors", "CKernels"], swiftSettings: numericSettings),
        // Algorithms and their networks and storage.
        .target(name: "Agents", dependencies: ["NN", "Tensors", "Gym", "Random"], swiftSettings: numericSettings),
        // The training loop, logging (console, CSV, TensorBoard events), checkpoints, resume and evaluation.
        .target(name: "Training", dependencies: ["Agents", "NN", "Tensors", "Gym", "Render", "ConfigPresets"]),
        // The training presets of assets/configs, bundled as resources.
        .target(name: "ConfigPresets", path: "assets/configs", exclude: ["README.md"], resources: [.copy("presets")]),
        // Timed workloads behind `swiftrl bench` (learning-core speed against PyTorch).
        .target(name: "Benchmarks", dependencies: ["Agents", "NN", "Tensors", "CKernels"]),

        // Bundled environments live under Envs/ as ordinary targets.
        .target(name: "ClassicControl", dependencies: ["Gym", "Render"], path: "Envs/ClassicControl"),
        .target(name: "PixelControl", dependencies: ["Gym", "Render"], path: "Envs/PixelControl"),
        .target(name: "GridWorlds", dependencies: ["Gym", "Render"], path: "Envs/GridWorlds"),
        // The maze layouts of assets/mazes, bundled as resources.
        .target(name: "MazeLayouts", path: "assets/mazes", exclude: ["README.md"], resources: [.copy("layouts")]),
        // A C API over Box2D 2.4.1 (Debian's libbox2d-dev), and the Box2D environments on it.
        .target(name: "CBox2D", path: "Envs/CBox2D", linkerSettings: [.linkedLibrary("box2d"), .linkedLibrary("m")]),
        .target(name: "Box2DEnvs", dependencies: ["CBox2D", "Gym", "Render"], path: "Envs/Box2DEnvs"),
        .target(name: "BundledEnvs", dependencies: ["Gym", "ClassicControl", "PixelControl", "Box2DEnvs", "GridWorlds", "MazeLayouts"], path: "Envs/BundledEnvs"),

        // The command tree of `swiftrl` as a library, so that a package with its own environments runs
        // the same commands (register them, then `SwiftRLCommand.main()`).
        .target(name: "SwiftRLCommandLine", dependencies: [
            "Gym", "BundledEnvs", "Benchmarks", "Box2DEnvs", "NN", "Render", "Tensors", "Viewer", "Agents", "Training", "ConfigPresets",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The C ABI of the environment registry (make, reset, step, render, spaces as JSON, batched
        // stepping into caller-owned memory) behind the swiftrl_envs dynamic library.
        .target(name: "SwiftRLEnvsABI", dependencies: ["Gym", "Render", "BundledEnvs"]),
        // The command-line program: the command tree with the bundled environments.
        .executableTarget(name: "swiftrl", dependencies: ["SwiftRLCommandLine"]),

        .testTarget(name: "GymTests", dependencies: ["Gym", "Random"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Gym", "BundledEnvs", "ClassicControl"]),
        .testTarget(name: "GridWorldsTests", dependencies: ["GridWorlds", "Gym", "BundledEnvs", "Render"],
                    resources: [.copy("Fixtures/minigrid_empty.json")]),
        .testTarget(name: "Box2DEnvsTests", dependencies: ["Box2DEnvs", "Gym", "BundledEnvs"]),
        .testTarget(name: "ViewerTests", dependencies: ["Viewer", "Render", "Gym"]),
        .testTarget(
            name: "PixelControlTests", dependencies: ["PixelControl", "Gym", "Render", "BundledEnvs"], exclude: ["Fixtures/README.md"],
            resources: [.copy("Fixtures/dm_control_trajectories.json"), .copy("Fixtures/dm_control_frames.json")]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "CKernels"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Tensors"], exclude: ["Fixtures/README.md"],
                    resources: [.copy("Fixtures/golden.safetensors")]),
        .testTarget(name: "ClassicControlTests", dependencies: ["Gym", "ClassicControl", "BundledEnvs", "Render"],
                    exclude: ["Fixtures/README.md"], resources: [.copy("Fixtures/classic_control.json"), .copy("Fixtures/gymnasium_frames.json")]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "Agents", "NN", "Tensors"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "NN", "Tensors", "Gym", "BundledEnvs"],
                    exclude: ["Fixtures/README.md"], resources: [.copy("Fixtures/acer_objective.json")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Agents", "NN", "Gym", "BundledEnvs", "Render"]),
        .testTarget(name: "swiftrlTests", dependencies: ["swiftrl", "NN", "Tensors"]),
    ],
    swiftLanguageModes: [.v6]
)
