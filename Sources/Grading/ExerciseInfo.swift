import Foundation

/// Where an exercise lives, for messages that name the file to edit.
public struct ExerciseInfo: Sendable {
  /// The exercise's number: 4 for `Exercises/4-dependencies`.
  public let number: Int
  /// The folder's name: `4-dependencies`, or `N-?` when there is no such folder.
  public let folder: String

  /// The package's root folder, found from this file's place in `Sources/Grading`.
  public static let packageRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// Finds exercise `number`'s folder under `Exercises/`.
  public init(number: Int) {
    self.number = number
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: Self.packageRoot + "/Exercises")) ?? []
    folder = folders.first { $0.hasPrefix("\(number)-") } ?? "\(number)-?"
  }

  /// The path a learner opens for `file`: `Exercises/4-dependencies/TopSongs.swift`.
  public func path(of file: String) -> String {
    "Exercises/\(folder)/\(file)"
  }

  /// `path` relative to the package root when it is inside it.
  public static func displayPath(_ path: String) -> String {
    let root = packageRoot.hasSuffix("/") ? packageRoot : packageRoot + "/"
    return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
  }
}
