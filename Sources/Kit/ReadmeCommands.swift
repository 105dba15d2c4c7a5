import Foundation

/// The commands the exercises' READMEs show, in code blocks and in inline backticks, and whether
/// each works as written. The self-check runs them against the solutions, in a sandbox (see
/// `Sandbox`), so that a README whose command does not work fails `make test`.
struct ReadmeCommand: Equatable {
  enum Kind: Equatable {
    /// A `make …` command, judged by what it prints.
    case make
    /// A line of a code block that prepares files for the commands after it (`mkdir`, `printf`,
    /// `cp`, `rm`): run in the sandbox's folder, judged by its exit status.
    case setup
    /// Not run, for the reason given (a server the README starts by hand, a command that never ends).
    case skipped(String)
  }

  let readme: String
  /// The README's line, counted from 1.
  let line: Int
  let text: String
  let kind: Kind
  /// The pipeline's exit code the README's line names (`exit code 2`), if any.
  let expectedExitCode: Int32?

  var place: String { "\(readme):\(line)" }
}

enum ReadmeCommands {
  /// Plumb's exit code for a command line it cannot run as written (`PipelineCommand.usageErrorExitCode`,
  /// repeated here: the kit depends on no module of the package, so that it works when they do not build).
  private static let usageErrorExitCode: Int32 = 2

  /// The first words of the code blocks' lines that prepare files.
  private static let setupWords: Set<String> = ["mkdir", "printf", "cp", "rm"]

  /// The commands of one README's text, in order. Each line of a code block is one command, or
  /// several joined by `&&`; inline `make …` spans are taken too, except those a code block or an
  /// earlier span already shows. Other lines of code blocks (starting a server, reading a result,
  /// Swift code) are no commands to check, but a server among them is listed as skipped.
  static func commands(in text: String, readme: String) -> [ReadmeCommand] {
    var found: [ReadmeCommand] = []
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    // Whether each line is inside a code block (its fences are not).
    var inBlock = Array(repeating: false, count: lines.count)
    var open = false
    for (index, line) in lines.enumerated() {
      if line.hasPrefix("```") { open.toggle() } else { inBlock[index] = open }
    }
    let blockLines = Set(lines.indices.filter { inBlock[$0] }.map { lines[$0] })
    var inlineSeen: Set<String> = []
    // The body of a here-document (`python3 - <<'PY'` … `PY`) is the command's input, not commands.
    var hereDocumentEnd: String?
    for (index, line) in lines.enumerated() where !line.hasPrefix("```") {
      if let end = hereDocumentEnd {
        if line == end { hereDocumentEnd = nil }
        continue
      }
      if inBlock[index], let marker = line.range(of: #"<<-?'?[A-Za-z_]+'?$"#, options: .regularExpression) {
        hereDocumentEnd = line[marker].trimmingCharacters(in: CharacterSet(charactersIn: "<-'"))
        let body = lines[(index + 1)...].prefix { $0 != hereDocumentEnd }.joined(separator: "\n")
        if serverWords.contains(where: body.contains) {
          found.append(
            ReadmeCommand(readme: readme, line: index + 1, text: line, kind: serverSkip, expectedExitCode: nil))
        }
        continue
      }
      let expected = exitCode(namedIn: line)
      if inBlock[index] {
        for part in line.components(separatedBy: "&&").map({ $0.trimmingCharacters(in: .whitespaces) }) {
          guard let kind = kind(ofBlockPart: part) else { continue }
          found.append(
            ReadmeCommand(readme: readme, line: index + 1, text: part, kind: kind, expectedExitCode: expected))
        }
        continue
      }
      for span in line.split(separator: "`", omittingEmptySubsequences: false).enumerated()
      where span.offset % 2 == 1 && (span.element == "make" || span.element.hasPrefix("make ")) {
        let command = String(span.element)
        // A code block's line starts with the command and may go on with a comment.
        let shownInBlock = blockLines.contains { $0 == command || $0.hasPrefix(command + " ") }
        guard !shownInBlock, inlineSeen.insert(command).inserted else { continue }
        found.append(
          ReadmeCommand(
            readme: readme, line: index + 1, text: command, kind: kind(ofMake: command), expectedExitCode: expected))
      }
    }
    return found
  }

  /// What a part of a code block's line is, or nil when it is no command to check.
  private static func kind(ofBlockPart part: String) -> ReadmeCommand.Kind? {
    let first = part.split(separator: " ").first.map(String.init) ?? ""
    if first == "make" { return kind(ofMake: part) }
    if setupWords.contains(first) { return .setup }
    return serverWords.contains(where: part.contains) ? serverSkip : nil
  }

  /// What names a server in a line the README has the learner start by hand.
  private static let serverWords = ["moto_server", "luigid", "http.server"]
  private static let serverSkip = ReadmeCommand.Kind.skipped(
    "starts a server in the foreground, by hand, in another terminal")

  private static func kind(ofMake command: String) -> ReadmeCommand.Kind {
    let words = command.split(separator: " ")
    let target = words.count > 1 ? String(words[1]) : ""
    switch target {
    case "luigid": return .skipped("runs luigid in the foreground until Ctrl-C (a server the README starts by hand)")
    case "watch": return .skipped("never ends (it checks again on every save); its first round is make check")
    case "reset": return .skipped("puts the stub back from git into Exercises/, the learner's folder")
    case "test": return .skipped("is the self-check itself")
    default:
      return command.contains("--scheduler-host") || command.contains("--scheduler-url")
        ? .skipped("needs the luigid that `make luigid` runs by hand in another terminal") : .make
    }
  }

  /// `exit code 30` (or `exit code is 30`) on a README's line: what the command there ends with.
  static func exitCode(namedIn line: String) -> Int32? {
    guard let range = line.range(of: #"exit code (is )?[0-9]+"#, options: .regularExpression) else { return nil }
    return Int32(line[range].split(separator: " ").last ?? "")
  }

  /// Why `command`, which ended with `status` after printing `output`, does not work as written;
  /// nil when it does. A pipeline's own verdict (a failed task, missing data) is its answer, not a
  /// broken command; a command line it refuses (exit code 2) or a crash is, unless the README's
  /// line names that exit code.
  static func problem(with command: ReadmeCommand, status: Int32, output: String) -> String? {
    if status != 0 { return "it exited with status \(status)" }
    let lines = output.split(separator: "\n").map(String.init)
    if let refusal = lines.first(where: { $0.hasPrefix("kit: ") }) { return "the kit refused it: \(refusal)" }
    guard command.kind == .make else { return nil }
    let words = command.text.split(separator: " ")
    switch words.count > 1 ? words[1] : "" {
    case "check":
      return lines.contains { $0.hasPrefix("✓ Exercise ") } ? nil : "the solution did not pass the check"
    case "run":
      if lines.contains(where: { $0.contains("Your code crashed") }) { return "the pipeline crashed" }
      let code =
        lines.compactMap { line -> Int32? in
          guard let range = line.range(of: #"The pipeline exited with code [0-9]+"#, options: .regularExpression)
          else { return nil }
          return Int32(line[range].split(separator: " ").last ?? "")
        }.last ?? 0
      if let expected = command.expectedExitCode {
        return code == expected ? nil : "the pipeline exited with code \(code), the README says \(expected)"
      }
      return code == usageErrorExitCode ? "the pipeline refused its command line (exit code 2)" : nil
    default:
      return nil
    }
  }

  /// The commands of every exercise's README, in the exercises' order.
  static func all(_ exercises: [Exercise]) -> [ReadmeCommand] {
    exercises.flatMap { exercise in
      commands(
        in: (try? String(contentsOfFile: exercise.readmePath, encoding: .utf8)) ?? "", readme: exercise.readmePath)
    }
  }
}
