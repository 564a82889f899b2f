// swift-tools-version:5.10
// tutor: a terminal workbench for mixed-supervision lung tumour segmentation.
// Modules, from the bottom up (each only imports those above it):
//   Volumes   - CT volumes and masks: NIfTI/NRRD I/O, box files, preprocessing, crops
//   Network   - the UNet3D engine: ops (forward + backward), safetensors, optimiser
//               (CKernels: its hand-written AVX2 kernels, in C for the target attribute)
//   Phantom   - synthetic chest CT with tumours, masks and boxes
//   Evaluation- DSC, DSC-TP, object-wise F1
//   Teacher   - box/point-guided teacher: predict, train
//   Student   - lung cropping, fully automatic students
//   Dataset   - the dataset store (SQLite index, review state, audit, export)
//   Workbench - the curses TUI (model, views, keymap)
//   TutorCLI  - one file per command; `tutor` is its thin executable
import PackageDescription

let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
// nifti2_io.h includes <znzlib.h> from /usr/include/nifti, and Debian's libnifti ships no pkg-config file.
let niftiHeaders: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/include/nifti"])]

let package = Package(
    name: "tutor",
    platforms: [.macOS(.v13)],
    products: [.executable(name: "tutor", targets: ["tutor"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CNIfTI", path: "Sources/CNIfTI"),
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        .target(name: "Volumes", dependencies: ["CNIfTI"], swiftSettings: fast + niftiHeaders),
        .target(name: "Network", dependencies: ["Volumes", "COpenBLAS", "CKernels"], swiftSettings: fast),
        .target(name: "Phantom", dependencies: ["Volumes"], swiftSettings: fast),
        .target(name: "Evaluation", dependencies: ["Volumes"], swiftSettings: fast),
        .target(name: "Teacher", dependencies: ["Volumes", "Network", "Evaluation"],
                resources: [.copy("Weights")], swiftSettings: fast),
        .target(name: "Student", dependencies: ["Volumes", "Network", "Teacher", "Evaluation"],
                resources: [.copy("Weights")], swiftSettings: fast),
        .target(name: "Dataset", dependencies: ["Volumes", "Teacher", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Workbench", dependencies: ["Volumes", "Teacher", "Dataset", "CNCurses"]),
        .target(name: "TutorCLI", dependencies: [
            "Volumes", "Network", "Phantom", "Evaluation", "Teacher", "Student", "Dataset", "Workbench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "tutor", dependencies: ["TutorCLI"]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "VolumesTests", dependencies: ["Volumes", "TestSupport"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "Volumes", "TestSupport"]),
        .testTarget(name: "PhantomTests", dependencies: ["Phantom", "Volumes"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Volumes"]),
        .testTarget(name: "TeacherTests", dependencies: ["Teacher", "Volumes", "Network", "TestSupport"]),
        .testTarget(name: "StudentTests", dependencies: ["Student", "Volumes", "Network", "Teacher", "Dataset", "TestSupport"]),
        .testTarget(name: "DatasetTests", dependencies: ["Dataset", "Volumes"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "Volumes", "Dataset", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TutorCLI", "TestSupport"]),
    ]
)
