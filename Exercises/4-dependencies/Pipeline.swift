import Plumb

/// The tasks `make run N=4 ARGS='TopSongs --tld rs'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [TopSongs.self, Producer.self]
