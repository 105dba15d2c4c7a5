import Plumb

/// The tasks `make run N=5 ARGS='WordCount --interval 2024-W02'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [WordCount.self, InputText.self]
