import Foundation

/// `make hint N=4`: one more of the exercise's hints each time, so that a learner stuck on the first
/// step does not read the whole solution at once; `make hint N=4 ALL=1` shows them all. How many
/// hints each exercise has shown is remembered in `.kit/hints`.
enum Hints {
  static var path: String { Sandbox.state + "/hints" }

  /// `watching`: asked for with the h key of `make watch`, which the page then names.
  static func run(_ exercise: Exercise, all: Bool, watching: Bool = false) -> Int32 {
    guard let text = try? String(contentsOfFile: exercise.hintsPath, encoding: .utf8) else {
      Terminal.error("\(exercise.hintsPath) is missing")
      return 1
    }
    let hints = split(text)
    var seen = Seen.load(from: path)
    let before = seen.count(for: exercise.number)
    let shown = all ? hints.count : min(before + 1, hints.count)
    seen.set(max(shown, before), for: exercise.number)
    seen.save(to: path)
    Terminal.say(
      page(hints, shown: shown, newest: !all && shown > before ? shown : nil, for: exercise, watching: watching))
    return 0
  }

  /// Makes the next `make hint` start again from the first hint (`make reset` starts the exercise over).
  static func startOver(_ exercise: Exercise) {
    var seen = Seen.load(from: path)
    seen.set(0, for: exercise.number)
    seen.save(to: path)
  }

  /// The numbered hints of a hints.md: each starts at a line `1. ` at the margin and takes the
  /// indented lines under it. A file without numbers is one hint.
  static func split(_ text: String) -> [String] {
    let lines = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
      separator: "\n", omittingEmptySubsequences: false)
    var hints: [String] = []
    for line in lines {
      let number = line.prefix { $0.isNumber }
      if hints.isEmpty || (!number.isEmpty && line.dropFirst(number.count).hasPrefix(". ")) {
        hints.append(String(line))
      } else {
        hints[hints.count - 1] += "\n" + line
      }
    }
    // A blank line between two hints belongs to neither.
    return hints.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
  }

  /// The first `shown` hints and what to type next. When one is new, `newest` (counted from 1), the
  /// hints seen before are dimmed so that it stands out.
  static func page(_ hints: [String], shown: Int, newest: Int?, for exercise: Exercise, watching: Bool = false)
    -> String
  {
    let command = "make hint N=\(exercise.number)"
    let total = hints.count
    let remaining = total - shown
    let which =
      shown == total && total > 1
      ? "All \(total) hints" : shown == 1 ? "Hint 1 of \(total)" : "Hints 1–\(shown) of \(total)"
    var lines = [
      Terminal.bold("\(which) for exercise \(exercise.number), \(exercise.title) (\(exercise.hintsPath)):"), "",
    ]
    for (index, hint) in hints.prefix(shown).enumerated() {
      lines.append(newest == nil || index + 1 == newest ? hint : Terminal.dim(hint))
    }
    lines.append("")
    if remaining > 0, watching {
      lines.append("  That was hint \(shown) of \(total); \(remaining) more: press h again for the next.")
    } else if remaining > 0 {
      lines.append(
        "  That was hint \(shown) of \(total); \(remaining) more: `\(command)` again for the next, `\(command) ALL=1` for all."
      )
    } else {
      lines.append(
        "  That is every hint (\(total) of \(total)). Still stuck? make solution N=\(exercise.number) shows the solution."
      )
    }
    if !watching { lines.append("  Then: make check N=\(exercise.number)") }
    return lines.joined(separator: "\n")
  }

  /// How many hints of each exercise have been shown: `number<TAB>count` lines.
  struct Seen {
    private var counts: [Int: Int] = [:]

    /// Reads the file; a missing or garbled one remembers nothing, so hints start from the first.
    static func load(from path: String) -> Seen {
      var seen = Seen()
      let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      for line in text.split(separator: "\n") {
        let fields = line.split(separator: "\t")
        guard fields.count == 2, let number = Int(fields[0]), let count = Int(fields[1]) else { continue }
        seen.counts[number] = count
      }
      return seen
    }

    func count(for exercise: Int) -> Int { counts[exercise] ?? 0 }

    mutating func set(_ count: Int, for exercise: Int) { counts[exercise] = count }

    /// Writes the file atomically (a failure only means the hints start again from the first).
    func save(to path: String) {
      let text = counts.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)\n" }.joined()
      let folder = (path as NSString).deletingLastPathComponent
      try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try? Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
  }
}
