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
// an exercise needs no edit here.
let exerciseFolders: [(number: Int, folder: String)] =
  ((try? FileManager.default.contentsOfDirectory(atPath: "\(packageRoot)/Exercises")) ?? [])
  .compactMap { folder in
    guard let dash = folder.firstIndex(of: "-"), let number = Int(folder[..<dash]) else { return nil }
    return (number, folder)
  }
  .sorted { $0.number < $1.number }

var targets: [Target] = [
  .target(name: "Plumb"),
  .executableTarget(name: "plumb-example", dependencies: ["Plumb"], path: "Sources/PlumbExample"),
  .executableTarget(name: "plumb-bench", dependencies: ["Plumb"], path: "Sources/PlumbBench"),
  .testTarget(name: "PlumbTests", dependencies: ["Plumb"]),
]
var products: [Product] = [
  .library(name: "Plumb", targets: ["Plumb"])
]

for (number, folder) in exerciseFolders {
  targets.append(
    .target(
      name: "Exercise\(number)", dependencies: ["Plumb"], path: "\(exerciseRoot)/\(folder)",
      exclude: ["README.md", "hints.md"]))
}

let package = Package(
  name: "BatchData",
  products: products,
  targets: targets,
  swiftLanguageModes: [.v5]
)
