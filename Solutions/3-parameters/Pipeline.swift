import Plumb

/// The tasks `make run N=3 ARGS='Hello --times 2'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [Hello.self]
