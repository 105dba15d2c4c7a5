import Plumb

/// Puts the trained model into the object store configured in plumb.cfg, as models/iris/model.json.
struct UploadModel: PipelineTask {
  // TODO: UploadModel needs the trained model: make the return type TrainModel and return TrainModel().
  func requires() -> NoRequirements { NoRequirements() }

  // TODO: the output is an object in the store, not a local file: make the return type
  //       ObjectStoreTarget and return ObjectStoreTarget(bucket: "models", key: "iris/model.json").
  func output() -> NoOutput { NoOutput() }

  func run() throws {
    // TODO: copy the local model.json into the store with `try output().upload(input())`.
    //       Then delete the line below.
    throw NotImplemented("UploadModel.run()")
  }
}
