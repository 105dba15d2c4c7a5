import Exercise1
import Exercise2
import Exercise3
import Exercise4
import Exercise5
import Exercise6
import Foundation
import Plumb

// `pipelines 4 TopSongs --tld rs`: runs exercise 4's pipeline as Plumb's command line would.
// `make run N=4 ARGS='TopSongs --tld rs'` calls it through the kit, in workspace/4-dependencies.
let exercises: [Int: [any PipelineTask.Type]] = [
  1: Exercise1.pipelineTasks,
  2: Exercise2.pipelineTasks,
  3: Exercise3.pipelineTasks,
  4: Exercise4.pipelineTasks,
  5: Exercise5.pipelineTasks,
  6: Exercise6.pipelineTasks,
]

var arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first, let number = Int(first), let tasks = exercises[number] else {
  FileHandle.standardError.write(Data("usage: pipelines EXERCISE TASK [--parameter value ...]\n".utf8))
  exit(2)
}
arguments.removeFirst()
// The learner types `make run N=4 ARGS='…'`, so the help and the errors show that.
let command = PipelineCommand(name: "exercise\(number)", tasks: tasks) { "make run N=\(number) ARGS='\($0)'" }
command.main(arguments: arguments)
