import Foundation
import PlumbCore
import PlumbReporting

/// The text `--help` prints: the pipeline's tasks and options, or one task's parameters.
enum CommandHelp {
  /// `NAME --help`: usage, the tasks with their one-line help, the engine options, config and exit codes.
  static func overview(command: (String) -> String, tasks: [any PipelineTask.Type]) -> String {
    var lines = [
      "Usage: " + command("TASK [--PARAMETER VALUE ...] [OPTIONS]"),
      "",
      "Runs TASK and every task it requires that is not complete yet, then prints the execution summary.",
      "",
      "Tasks:",
    ]
    lines += table(tasks.map { ($0.family, firstLine(of: $0.help)) })
    lines += [
      "",
      "Ranges, for a task with a date parameter (also RangeHourly, RangeMonthly; RangeDaily --help lists the rest):",
      "  " + command("RangeDaily --of TASK --start 2024-01-01 --stop 2024-02-01"),
      "",
      "Schedules: every ended interval that is missing, then with --forever each new one as it ends:",
      "  " + command("schedule TASK --cron @daily --start 2024-01-01 [OPTIONS]"),
    ]
    lines += table(ScheduleInvocation.help.map { ($0.flag, $0.text) })
    lines += ["", "Options:"]
    var options = EngineOption.all.map { option in
      (option.names[0] + (option.valueName.map { " " + $0 } ?? ""), option.help)
    }
    options.append(("--FAMILY-PARAMETER VALUE", "set PARAMETER of every task of that family (--TopSongs-tld rs)"))
    options.append(("-h, --help", "show this help; \(command("TASK --help")) shows the task's parameters"))
    lines += table(options)
    let codes = ExitCodes()
    lines += [
      "",
      "Settings and parameter values also come from plumb.cfg or luigi.cfg in the working folder, or from the file",
      "named by PLUMB_CONFIG_PATH or LUIGI_CONFIG_PATH; the command line wins over the file.",
      "[webhook] url = URL in the file posts a JSON message there when a task fails.",
      "",
      "Exit codes: 0 done, \(PipelineCommand.usageErrorExitCode) usage or config error, "
        + "\(codes.alreadyRunning) already running, \(codes.missingData) missing data, \(codes.notRun) not run,",
      "\(codes.taskFailed) task failed, \(codes.schedulingError) scheduling error, "
        + "\(codes.unhandledException) unexpected error, \(codes.schedulerUnreachable) central scheduler unreachable;",
      "[retcode] in the config changes them.",
      "",
      "Tasks are scheduled in this process unless a central scheduler is named: --scheduler-host, --scheduler-port,",
      "--scheduler-url, or [core] default-scheduler-host/port/url in the config; then luigid (`make luigid`, then",
      "http://localhost:8082) hands each task to one worker, shared with other Plumb and Luigi processes.",
    ]
    return lines.joined(separator: "\n")
  }

  /// `NAME TASK --help`: usage, the task's help, and each parameter with its form and default.
  static func task(_ type: any PipelineTask.Type, command: (String) -> String) -> String {
    let family = type.family
    let declarations = ParameterSchema.declarations(of: type)
    let usage = declarations.map { declaration -> String in
      let form = flag(for: declaration, family: family) + (declaration.isBoolean ? "" : " VALUE")
      return declaration.defaultText == nil ? form : "[\(form)]"
    }
    var lines = ["Usage: " + command(([family] + usage + ["[OPTIONS]"]).joined(separator: " "))]
    if !type.help.isEmpty { lines += ["", type.help] }
    lines.append("")
    guard !declarations.isEmpty else {
      lines.append("\(family) takes no parameters. \(command("--help")) lists the options.")
      return lines.joined(separator: "\n")
    }
    lines.append("Parameters:")
    var rows: [(String, String)] = []
    for declaration in declarations {
      let name = flag(for: declaration, family: family) + (declaration.isBoolean ? "" : " VALUE")
      rows.append((name, declaration.help))
      var facts = [declaration.expectedForm]
      if let defaultText = declaration.defaultText {
        // A Bool's text is Luigi's `False` (as task ids print it); help speaks Swift, which writes `false`.
        facts.append(
          defaultText.isEmpty
            ? "default empty" : "default \(declaration.isBoolean ? defaultText.lowercased() : defaultText)")
      } else {
        facts.append("required")
      }
      if !declaration.isSignificant { facts.append("not part of the task's identity") }
      rows.append(("", facts.joined(separator: "; ")))
    }
    lines += table(rows)
    let example = declarations[0]
    let familyFlag = "--\(family)-\(ParameterDeclaration.dashed(example.name))"
    lines += [
      "",
      "A parameter can also be set for every \(family) task, as \(familyFlag) VALUE,",
      "or as \(example.name) = VALUE in section [\(family)] of plumb.cfg; the command line wins over the file.",
      "\(command("--help")) lists the options (--workers, --retries, ...).",
    ]
    return lines.joined(separator: "\n")
  }

  /// The flag that sets `declaration` on the task named on the command line: its own name, or the
  /// family form where an engine option already uses the name.
  private static func flag(for declaration: ParameterDeclaration, family: String) -> String {
    EngineOption.named(declaration.flag) == nil
      ? declaration.flag : "--\(family)-\(ParameterDeclaration.dashed(declaration.name))"
  }

  private static func firstLine(of text: String) -> String {
    String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first ?? "")
  }

  /// Two columns, the second aligned, indented by two spaces.
  private static func table(_ rows: [(String, String)]) -> [String] {
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { left, right in
      right.isEmpty ? "  " + left : "  " + left.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + right
    }
  }
}
