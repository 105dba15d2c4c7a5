import Plumb

/// The tasks `make run N=2 ARGS='Hello'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [Hello.self]
