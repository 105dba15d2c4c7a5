import Foundation
import Synchronization

/// A Python venv holding a real server that an exercise's suite starts: moto for exercise 6's S3
/// check, Luigi's luigid for exercise 7's. `make test` installs both; a learner's first check or run
/// of such an exercise installs its venv through the Makefile's own rule (so with the pinned
/// versions), and every later one finds the rule's stamp file and calls no pip at all.
struct ServerVenv: Equatable {
  /// What pip installs, as the learner reads it: `moto`.
  let package: String
  /// The check that needs it: `S3 check`.
  let check: String
  /// The Makefile's rule that installs it: `s3-venv`.
  let makeTarget: String
  /// The venv's folder, relative to the package root; the rule writes `.installed` in it last.
  let folder: String
  /// The environment variable that names a venv kept elsewhere (the suites' helpers read it too).
  let override: String
  let duration: String
  /// The suites' helper that starts the server: a suite that calls it needs this venv.
  let server: String

  static let s3 = ServerVenv(
    package: "moto", check: "S3 check", makeTarget: "s3-venv", folder: ".build-s3/venv", override: "PLUMB_S3_VENV",
    duration: "about a minute", server: "MotoServer")
  static let luigi = ServerVenv(
    package: "Luigi", check: "luigid check", makeTarget: "luigid-venv", folder: ".build-luigi/venv",
    override: "PLUMB_LUIGI_VENV", duration: "about half a minute", server: "LuigidServer")
  static let all = [s3, luigi]

  /// The venvs the suite of `exercise` needs: those whose server its sources start.
  static func needed(by exercise: Exercise) -> [ServerVenv] {
    let source = Exercise.swiftFiles(in: exercise.suitePath).map { file in
      (try? String(contentsOfFile: "\(exercise.suitePath)/\(file)", encoding: .utf8)) ?? ""
    }.joined()
    return all.filter { source.contains("\($0.server)(") }
  }

  var stamp: String { folder + "/.installed" }

  /// Installed when the Makefile's rule finished (its stamp is there) or another venv is named.
  var isInstalled: Bool {
    FileManager.default.fileExists(atPath: stamp) || !(ProcessInfo.processInfo.environment[override] ?? "").isEmpty
  }

  /// Installs each venv `exercise` needs that is not installed yet, saying so in one line first.
  /// Returns, for each that could not be installed, what the learner is to do. A venv that failed
  /// once is not tried again by the same kit (`make watch` would call pip on every save).
  static func install(for exercise: Exercise, environment: [String: String] = [:]) -> [String] {
    needed(by: exercise).compactMap { $0.install(for: exercise, environment: environment) }
  }

  private static let failed = Mutex<Set<String>>([])

  func install(for exercise: Exercise, environment: [String: String]) -> String? {
    guard !isInstalled else { return nil }
    let what = "\(package) for exercise \(exercise.number)'s \(check)"
    if Self.failed.withLock({ $0.contains(makeTarget) }) {
      return "\(what) is not installed: installing it failed earlier (see above); restart to try again."
    }
    Terminal.say("Installing \(what) (once, \(duration))…")
    let outcome = Terminal.showingElapsed("Installing \(package)…") {
      Shell.capture(["make", "--no-print-directory", "-s", makeTarget], environment: environment)
    }
    if outcome.succeeded && isInstalled { return nil }
    Self.failed.withLock { _ = $0.insert(makeTarget) }
    let tail = outcome.output.split(separator: "\n").suffix(4).map { "    | " + $0 }.joined(separator: "\n")
    return """
      Could not install \(what) (`make \(makeTarget)` failed; its last lines:)
      \(tail)
        It needs Python 3 with venv and PyPI once: connect to the network (or set PIP_INDEX_URL to a PyPI mirror),
        then make check N=\(exercise.number) again. Until then the \(check) fails; other checks need no network.
      """
  }

  /// `verdict`, failing when a venv the suite needs could not be installed: whatever the suite
  /// says, a check that could not run must not read as passed.
  static func verdict(_ verdict: (state: Progress.State, note: String), installProblems: [String]) -> (
    state: Progress.State, note: String
  ) {
    guard let problem = installProblems.first, verdict.state == .done else { return verdict }
    return (.failing, problem)
  }
}
