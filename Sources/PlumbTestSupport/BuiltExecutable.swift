import Foundation

/// An executable of the package that tests run as a user would (plumb-example, plumb-signals, and
/// `pipelines`, which exercise 7's suite runs twice at once).
///
/// A test target cannot depend on an executable reliably, so the executables are built by
/// `swift build --build-tests` (as `make test` runs it before `swift test`); they lie beside the
/// test bundle (`.build/debug/BatchDataPackageTests.xctest` on Linux).
public struct BuiltExecutable {
  /// Where the executable is.
  public let url: URL

  /// The executable `name`, or an error saying how to build it.
  public init(_ name: String) throws {
    let tests = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    url = tests.deletingLastPathComponent().appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: url.path) else { throw NotBuilt(path: url.path) }
  }

  /// A process of the executable run in `folder`, as a user in that folder would run it: `TMPDIR`
  /// there (so lock files stay inside), and none of the caller's config-file variables.
  public func process(_ arguments: [String], in folder: TemporaryFolder) -> Process {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasSuffix("_CONFIG_PATH") }
    environment["TMPDIR"] = folder.path
    process.environment = environment
    return process
  }

  private struct NotBuilt: Error, CustomStringConvertible {
    let path: String
    var description: String {
      "\((path as NSString).lastPathComponent) is not built at \(path): run `swift build --build-tests` (make test does) before `swift test`"
    }
  }
}
