// swift-tools-version:6.0
import Foundation
import PackageDescription

// Exercise modules read their sources from Exercises/ (what learners edit) or, with KIT_SOLUTIONS=1,
// from Solutions/. KIT_EXERCISES_ROOT lets the self-check point at a pristine copy of the committed stubs.
let environment = ProcessInfo.processInfo.environment
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let exerciseRoot =
  environment["KIT_SOLUTIONS"] == "1"
  ? "Solutions" : (environment["KIT_EXERCISES_ROOT"] ?? "Exercises")

// Exercise N lives in the folder whose name starts with "N-" (Exercises/4-dependencies), so adding
// an exercise needs no edit here. Its graded suite is Tests/ExerciseNTests.
let exerciseFolders: [(number: Int, folder: String)] =
  ((try? FileManager.default.contentsOfDirectory(atPath: "\(packageRoot)/Exercises")) ?? [])
  .compactMap { folder in
    guard let dash = folder.firstIndex(of: "-"), let number = Int(folder[..<dash]) else { return nil }
    return (number, folder)
  }
  .sorted { $0.number < $1.number }
  // KIT_LEAVE_OUT=1,3: the kit builds without exercises that do not compile, so that checking
  // another one still works whatever state the rest are in.
  .filter { exercise in
    !(environment["KIT_LEAVE_OUT"] ?? "").split(separator: ",").contains { Int($0) == exercise.number }
  }

var targets: [Target] = [
  // Debian's OpenSSL (libssl-dev, which the Makefile installs), for TLS: https:// and PostgreSQL.
  .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
  // Plumb, in layers: each module imports only those above it in this list, so the compiler keeps
  // the layers one-way. Learners and users import `Plumb`, which re-exports them all. The drawing is
  // in Sources/Plumb/Plumb.docc/Layers.md.
  // Tasks, parameters, targets, the run's context and clock, and the small helpers under them.
  .target(name: "PlumbCore"),
  // HTTP and TLS (Debian's OpenSSL) over Plumb's own sockets, and downloads; PostgreSQL's TLS too.
  .target(name: "PlumbNetwork", dependencies: ["PlumbCore", "COpenSSL"]),
  // What a run tells: the log, events, the execution summary, exit codes, webhooks, graph drawings.
  .target(name: "PlumbReporting", dependencies: ["PlumbCore", "PlumbNetwork"]),
  // Running a graph's tasks: the run's state, the local worker pool, task locks, dynamic requirements.
  .target(name: "PlumbWorkers", dependencies: ["PlumbCore", "PlumbNetwork", "PlumbReporting"]),
  // A worker of Luigi's central scheduler (luigid).
  .target(name: "PlumbLuigid", dependencies: ["PlumbCore", "PlumbNetwork", "PlumbReporting", "PlumbWorkers"]),
  // build(...): the graph of the requested tasks, checked, then run by the local or central workers.
  .target(name: "PlumbBuild", dependencies: ["PlumbCore", "PlumbReporting", "PlumbWorkers", "PlumbLuigid"]),
  // Cron schedules, data intervals and range tasks (backfill).
  .target(name: "PlumbSchedules", dependencies: ["PlumbCore", "PlumbReporting", "PlumbWorkers", "PlumbBuild"]),
  // Object stores: a folder, or S3-compatible servers.
  .target(name: "PlumbObjectStores", dependencies: ["PlumbCore", "PlumbNetwork"]),
  // PostgreSQL targets and CopyToTable, over PlumbNetwork's TLS.
  .target(name: "PlumbPostgres", dependencies: ["PlumbCore", "PlumbNetwork", "PlumbWorkers"]),
  // A pipeline's command line: Luigi's flags, config files, signals, the process lock.
  .target(
    name: "PlumbCommandLine",
    dependencies: ["PlumbCore", "PlumbReporting", "PlumbWorkers", "PlumbLuigid", "PlumbBuild", "PlumbSchedules"]),
  // The one import: every layer above, re-exported, and the DocC catalogue.
  .target(
    name: "Plumb",
    dependencies: [
      "PlumbCore", "PlumbNetwork", "PlumbReporting", "PlumbWorkers", "PlumbLuigid", "PlumbBuild", "PlumbSchedules",
      "PlumbObjectStores", "PlumbPostgres", "PlumbCommandLine",
    ]),
  .executableTarget(name: "plumb-example", dependencies: ["Plumb"], path: "Sources/PlumbExample"),
  // A pipeline whose tasks block, sleep or trap on demand, for the tests of signals and crashes.
  .executableTarget(name: "plumb-signals", dependencies: ["Plumb"], path: "Sources/PlumbSignals"),
  // Helpers for tests of pipelines: a temporary folder per test and a loopback HTTP server, used by the
  // engine's tests and the graded suites.
  .target(name: "PlumbTestSupport", dependencies: ["Plumb"]),
  .testTarget(name: "PlumbTests", dependencies: ["Plumb", "PlumbTestSupport"]),
  // What the graded suites share: running tasks in a workspace, comparing, feedback. Imports XCTest.
  .target(name: "Grading", dependencies: ["Plumb", "PlumbTestSupport"]),
  .testTarget(name: "GradingTests", dependencies: ["Grading", "Plumb", "PlumbTestSupport"]),
  // The learner's runner: progress, check, hint, solution, watch, reset. It depends on no exercise,
  // so it still works (and reports the error) when an exercise does not compile.
  .executableTarget(name: "kit", path: "Sources/Kit"),
  .testTarget(name: "KitTests", dependencies: ["kit"]),
  // Runs an exercise's pipeline from the command line: `pipelines 4 TopSongs --tld rs`.
  .executableTarget(
    name: "pipelines",
    dependencies: ["Plumb"] + exerciseFolders.map { .target(name: "Exercise\($0.number)") },
    path: "Sources/Pipelines",
    swiftSettings: exerciseFolders.map { .define("EXERCISE\($0.number)") }),
  // It starts luigid on a port PlumbTestSupport's LoopbackPort picks.
  .executableTarget(name: "plumb-bench", dependencies: ["Plumb", "PlumbTestSupport"], path: "Sources/PlumbBench"),
  // `make fuzz`: random and mutated input for the parameter, config-file and command-line parsers.
  .executableTarget(name: "plumb-fuzz", dependencies: ["Plumb"], path: "Sources/PlumbFuzz"),
  // The figures of the S3 and PostgreSQL stores (a 100 MB upload, 100,000 rows), for /usr/bin/time -v,
  // and `make bench`'s PostgreSQL comparison on a throw-away cluster (PostgresServer, from PlumbTestSupport).
  .executableTarget(
    name: "plumb-stores-bench", dependencies: ["Plumb", "PlumbTestSupport"], path: "Sources/PlumbStoresBench"),
  // `make release-smoke` (part of make test): every feature once, built in release, run by XCTest.
  .executableTarget(
    name: "plumb-release-smoke", dependencies: ["Plumb", "PlumbTestSupport"], path: "Sources/PlumbReleaseSmoke"),
]
var products: [Product] = [
  .library(name: "Plumb", targets: ["Plumb"])
]

for (number, folder) in exerciseFolders {
  targets.append(
    .target(
      name: "Exercise\(number)", dependencies: ["Plumb"], path: "\(exerciseRoot)/\(folder)",
      // The learner's folder holds the exercise's README and hints; Solutions/ holds only code.
      exclude: ["README.md", "hints.md"].filter {
        FileManager.default.fileExists(atPath: "\(packageRoot)/\(exerciseRoot)/\(folder)/\($0)")
      },
      // The learner sees Plumb's public API only: the `package` declarations its layers share
      // stay out of their completions and error messages.
      packageAccess: false,
      // Exercises 1–6 compile in Swift 5 mode: a first try such as a global `var total = 0` is a
      // warning there, and Sendable errors would teach concurrency before the exercises do. From
      // exercise 7, where several workers run tasks at once, Swift 6 mode makes that variable a
      // compile error (the kit's hint explains it in terms of workers) instead of a crash at random.
      swiftSettings: [.swiftLanguageMode(number >= 7 ? .v6 : .v5)]))
  if FileManager.default.fileExists(atPath: "\(packageRoot)/Tests/Exercise\(number)Tests") {
    targets.append(
      .testTarget(
        name: "Exercise\(number)Tests",
        dependencies: [.target(name: "Exercise\(number)"), "Grading", "Plumb", "PlumbTestSupport"]))
  }
}

let package = Package(
  name: "BatchData",
  products: products,
  targets: targets,
  swiftLanguageModes: [.v6]
)
