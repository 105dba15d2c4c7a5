import Plumb

/// The tasks `make run N=6 ARGS='UploadModel'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [UploadModel.self, TrainModel.self, DownloadData.self]
