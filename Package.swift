// swift-tools-version:6.0
// mvs — model vector shell. Layering is one way: Shell → Lang → Engine → C modules.
import PackageDescription

/// The sources build in Swift 6 mode (complete concurrency checking); the tests stay in Swift 5 mode.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "mvs",
    products: [
        .executable(name: "mvs", targets: ["mvs"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Lang", targets: ["Lang"]),
    ],
    targets: [
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CLapack", path: "Sources/CLapack", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline",
                       providers: [.apt(["libreadline-dev"])]),
        // libpng and libjpeg behind a small C file: their errors longjmp, which must never cross Swift frames.
        .target(name: "CImage", path: "Sources/CImage",
                linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]),
        .target(name: "Engine", dependencies: ["CHDF5", "CLapack", "CImage"], path: "Sources/Engine", swiftSettings: swift6),
        .target(name: "Lang", dependencies: ["Engine"], path: "Sources/Lang", swiftSettings: swift6),
        .executableTarget(name: "mvs", dependencies: ["Lang", "Engine", "CReadline"], path: "Sources/Shell",
                          swiftSettings: swift6),
        .testTarget(name: "EngineTests", dependencies: ["Engine"], path: "Tests/EngineTests"),
        .testTarget(name: "LangTests", dependencies: ["Lang"], path: "Tests/LangTests",
                    resources: [.copy("Golden")]),
        .testTarget(name: "ShellTests", dependencies: ["mvs"], path: "Tests/ShellTests"),
    ],
    swiftLanguageModes: [.v5]
)

// Fuzz harnesses (Fuzz/): built only when MVS_FUZZ is set, so a plain `swift build` never sees them;
// scripts/fuzz builds them with -sanitize=fuzzer,address and -enable-testing (they use internal APIs).
if Context.environment["MVS_FUZZ"] != nil {
    let harnesses = ["FuzzSafetensors", "FuzzCheckpoint", "FuzzPickle", "FuzzZip", "FuzzJSON", "FuzzCSV",
                     "FuzzTokenizer", "FuzzParser", "FuzzInterpreter", "FuzzGGUF", "FuzzONNX", "FuzzImage", "FuzzHDF5",
                     "FuzzKeras"]
    // HDF5 files built in memory from recipes: the harnesses of readers that libhdf5 feeds.
    let recipeHarnesses: Set = ["FuzzHDF5", "FuzzKeras"]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/Driver"))
    package.targets.append(.target(name: "FuzzRecipes", dependencies: ["Engine"], path: "Fuzz/Recipes"))
    for harness in harnesses {
        let recipes: [Target.Dependency] = recipeHarnesses.contains(harness) ? ["FuzzRecipes"] : []
        package.targets.append(.executableTarget(name: harness, dependencies: ["FuzzDriver", "Engine", "Lang"] + recipes,
                                                 path: "Fuzz/Harnesses/\(harness)"))
        package.products.append(.executable(name: harness, targets: [harness]))
    }
}
