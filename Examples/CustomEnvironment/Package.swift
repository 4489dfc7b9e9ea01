// swift-tools-version: 6.1
// A package of its own that adds two environments to SwiftRL and trains them with SwiftRL's
// algorithms through the `swiftrl` command tree.
import PackageDescription

let package = Package(
    name: "CustomEnvironment",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "custom-envs", targets: ["custom-envs"]),
        .library(name: "custom_envs_python", type: .dynamic, targets: ["CustomEnvironmentsPython"]),
    ],
    dependencies: [
        // From a release: .package(url: "https://github.com/OWNER/SwiftRL", from: "0.2.0"); the
        // product's `package:` is then the URL's last component ("SwiftRL"). Here, the repository two
        // folders up, named explicitly so the identity does not depend on the clone's folder name.
        .package(name: "SwiftRL", path: "../.."),
    ],
    targets: [
        // The environments: a discrete corridor and a continuous point-reaching task, both drawn on a Canvas.
        .target(name: "CustomEnvironments", dependencies: [
            .product(name: "Gym", package: "SwiftRL"),
            .product(name: "Render", package: "SwiftRL"),
        ]),
        // The program: registers the environments and their training presets, then runs the swiftrl command tree.
        .executableTarget(name: "custom-envs", dependencies: [
            "CustomEnvironments",
            .product(name: "SwiftRLCommandLine", package: "SwiftRL"),
            .product(name: "Training", package: "SwiftRL"),
        ]),
        // libcustom_envs_python.so: these environments and the bundled ones behind SwiftRL's C ABI, for
        // Python (SWIFTRL_ENVS_LIBRARY=.../libcustom_envs_python.so python -c "import swiftrl_envs").
        .target(name: "CustomEnvironmentsPython", dependencies: [
            "CustomEnvironments",
            .product(name: "SwiftRLEnvsABI", package: "SwiftRL"),
        ]),
        .testTarget(name: "CustomEnvironmentsTests", dependencies: [
            "CustomEnvironments",
            .product(name: "Gym", package: "SwiftRL"),
            .product(name: "Agents", package: "SwiftRL"),
            .product(name: "Training", package: "SwiftRL"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
