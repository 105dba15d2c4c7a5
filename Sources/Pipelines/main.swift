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
let exercises: [Int: [any Task.Type]] = [
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
exit(runPipeline(tasks, arguments: arguments))

// A stand-in for Plumb's PipelineCommand until it lands: `TASK --name value ...`, then the summary.
func runPipeline(_ tasks: [any Task.Type], arguments: [String]) -> Int32 {
  guard let name = arguments.first, let type = tasks.first(where: { $0.family == name }) else {
    print("name a task: " + tasks.map { $0.family }.joined(separator: ", "))
    return 2
  }
  var options = RunOptions()
  var rest = arguments.dropFirst()
  while let flag = rest.popFirst() {
    let key = String(flag.drop { $0 == "-" })
    let value = rest.first.map { $0.hasPrefix("--") } == false ? rest.popFirst()! : "true"
    options.familyValues[name, default: [:]][key] = value
  }
  do {
    let result = try build([instance(of: type)], options: options)
    print(result.summary)
    return result.exitCode
  } catch {
    print("error: \(error)")
    return 40
  }
}

func instance<T: Task>(of type: T.Type) -> any Task { T() }
