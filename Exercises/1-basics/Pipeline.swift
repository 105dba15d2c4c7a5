import Plumb

/// The tasks `make run N=1 ARGS='Hello'` can start by name.
public let pipelineTasks: [any Task.Type] = [Hello.self]
