import Plumb

/// The tasks `make run N=7 ARGS='Assemble --workers 4'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [Assemble.self, Chunk.self]
