import Plumb

/// Puts the trained model into the object store configured in plumb.cfg, as models/iris/model.json.
struct UploadModel: PipelineTask {
  func requires() -> TrainModel { TrainModel() }

  func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "models", key: "iris/model.json") }

  func run() throws {
    try output().upload(input())
  }
}
