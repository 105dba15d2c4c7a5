import Plumb

/// The tasks `make run N=1 ARGS='Hello'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [Hello.self]
