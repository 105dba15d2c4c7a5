import Foundation

// The learner's runner, started by the Makefile from the package's root folder:
//   kit start | check N | watch N | hint N [--all] | solution N | reset N | run N [TASK ARGS…] | doctor
//       | selfcheck [readmes]
let arguments = Array(CommandLine.arguments.dropFirst())
guard FileManager.default.fileExists(atPath: "Package.swift"), FileManager.default.fileExists(atPath: "Exercises")
else {
  Terminal.error("run the kit from the package's root folder (where Package.swift is), for example with make")
  exit(2)
}

Interrupt.install()
RunFolders.removeAbandoned()
// Output cut short (`make check N=4 | head`) ends printing, not the kit with what it has to save.
signal(SIGPIPE, SIG_IGN)

let usage = """
  usage: kit start | check N | watch N | hint N [--all] | solution N | reset N | run N [TASK ARGS…] | doctor
         | selfcheck
  (the Makefile's commands: make, make check N=4, make watch N=4, make hint N=4 [ALL=1],
   make solution N=4, make reset N=4, make run N=4 ARGS='TopSongs --tld rs', make test)
  """

/// The exercise named by N; without one, the next to do, except for reset, which must not guess.
func exercise() -> Exercise {
  let command = arguments.first ?? ""
  guard
    let exercise = Exercise.named(arguments.count > 1 ? arguments[1] : nil, for: command, orNext: command != "reset")
  else {
    exit(2)
  }
  return exercise
}

switch arguments.first ?? "start" {
case "start":
  Start.run()
case "check":
  exit(Check.run(exercise()) ? 0 : 1)
case "watch":
  Watch.run(exercise())
case "hint":
  exit(Hints.run(exercise(), all: arguments.contains("--all")))
case "solution":
  exit(Commands.solution(exercise()))
case "reset":
  exit(Commands.reset(exercise()))
case "run":
  exit(Commands.run(exercise(), arguments: Array(arguments.dropFirst(2))))
case "doctor":
  exit(Doctor.run())
case "selfcheck":
  exit(arguments.dropFirst().first == "readmes" ? SelfCheck.runReadmes() : SelfCheck.run())
default:
  Terminal.error("unknown command \(arguments[0])")
  FileHandle.standardError.write(Data((usage + "\n").utf8))
  exit(2)
}
