import Foundation

/// The last verdict of each exercise, remembered in `.kit/progress` so the progress table can be
/// drawn without running every suite again. A verdict counts only while the exercise's files are
/// unchanged (same fingerprint).
struct Progress {
  enum State: String {
    case done
    case failing
    case notDone = "not-done"
    case doesNotCompile = "does-not-compile"
  }

  struct Verdict {
    let state: State
    let fingerprint: String
    /// The first line of the first failure, for the table.
    let note: String
  }

  static var path: String { Sandbox.state + "/progress" }
  private(set) var verdicts: [Int: Verdict] = [:]

  /// Reads `.kit/progress`; a missing or garbled file remembers nothing.
  static func load() -> Progress {
    var progress = Progress()
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 4, let number = Int(fields[0]), let state = State(rawValue: fields[1]) else { continue }
      progress.verdicts[number] = Verdict(state: state, fingerprint: fields[2], note: fields[3])
    }
    return progress
  }

  /// The remembered verdict of `exercise`, if its files have not changed since.
  func verdict(of exercise: Exercise) -> Verdict? {
    guard let verdict = verdicts[exercise.number], verdict.fingerprint == exercise.fingerprint else { return nil }
    return verdict
  }

  mutating func record(_ state: State, for exercise: Exercise, note: String = "") {
    let firstLine = note.split(separator: "\n").first.map(String.init) ?? ""
    verdicts[exercise.number] = Verdict(
      state: state, fingerprint: exercise.fingerprint, note: firstLine.replacingOccurrences(of: "\t", with: " "))
  }

  /// Writes `.kit/progress` (via a temporary file and a rename, so it is never half-written).
  func save() {
    let text = verdicts.sorted { $0.key < $1.key }.map { number, verdict in
      "\(number)\t\(verdict.state.rawValue)\t\(verdict.fingerprint)\t\(verdict.note)\n"
    }.joined()
    try? FileManager.default.createDirectory(atPath: Sandbox.state, withIntermediateDirectories: true)
    try? Data(text.utf8).write(to: URL(fileURLWithPath: Self.path), options: .atomic)
  }
}
