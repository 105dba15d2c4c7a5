import Foundation

/// The Python virtual environments the Makefile installs under the package's build folders
/// (`make luigid-venv`, `make s3-venv`), where the tests find the real servers they start.
enum PackageVenv {
  /// The venv in `folder` under the package root (`.build-luigi/venv`), or the one the environment
  /// variable `override` names, for a machine that keeps it elsewhere.
  static func path(_ folder: String, override: String) -> String {
    if let named = ProcessInfo.processInfo.environment[override], !named.isEmpty { return named }
    // Sources/PlumbTestSupport/PackageVenv.swift → the package root.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    return root.appendingPathComponent(folder).path
  }
}
