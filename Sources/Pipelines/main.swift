import Foundation
import Plumb

// The kit leaves out exercises that do not compile (KIT_LEAVE_OUT), so each one is imported only
// when Package.swift defines EXERCISEn: it is part of the build. (`canImport` would also find a
// module left over from an earlier build, and linking would then fail.)
#if EXERCISE1
  import Exercise1
#endif
#if EXERCISE2
  import Exercise2
#endif
#if EXERCISE3
  import Exercise3
#endif
#if EXERCISE4
  import Exercise4
#endif
#if EXERCISE5
  import Exercise5
#endif
#if EXERCISE6
  import Exercise6
#endif
#if EXERCISE7
  import Exercise7
#endif
#if EXERCISE8
  import Exercise8
#endif
#if EXERCISE9
  import Exercise9
#endif

// `pipelines 4 TopSongs --tld rs`: runs exercise 4's pipeline as Plumb's command line would.
// `make run N=4 ARGS='TopSongs --tld rs'` calls it through the kit, in workspace/4-dependencies.
var exercises: [Int: [any PipelineTask.Type]] = [:]
#if EXERCISE1
  exercises[1] = Exercise1.pipelineTasks
#endif
#if EXERCISE2
  exercises[2] = Exercise2.pipelineTasks
#endif
#if EXERCISE3
  exercises[3] = Exercise3.pipelineTasks
#endif
#if EXERCISE4
  exercises[4] = Exercise4.pipelineTasks
#endif
#if EXERCISE5
  exercises[5] = Exercise5.pipelineTasks
#endif
#if EXERCISE6
  exercises[6] = Exercise6.pipelineTasks
#endif
#if EXERCISE7
  exercises[7] = Exercise7.pipelineTasks
#endif
#if EXERCISE8
  exercises[8] = Exercise8.pipelineTasks
#endif
#if EXERCISE9
  exercises[9] = Exercise9.pipelineTasks
#endif

var arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first, let number = Int(first), let tasks = exercises[number] else {
  FileHandle.standardError.write(Data("usage: pipelines EXERCISE TASK [--parameter value ...]\n".utf8))
  exit(2)
}
arguments.removeFirst()
// The learner types `make run N=4 ARGS='…'`, so the help and the errors show that.
let command = PipelineCommand(name: "exercise\(number)", tasks: tasks) { "make run N=\(number) ARGS='\($0)'" }
command.main(arguments: arguments)
