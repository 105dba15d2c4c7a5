import Plumb

/// Trains a nearest-centroid classifier on four fifths of iris.data, tests it on the rest, and
/// writes the model with its test accuracy to model.json.
struct TrainModel: PipelineTask {
  // TODO: TrainModel needs the downloaded file: make the return type DownloadData and return DownloadData().
  func requires() -> NoRequirements { NoRequirements() }

  func output() -> LocalTarget { LocalTarget("model.json") }

  func run() throws {
    // TODO: 1. Read the flowers: `let flowers = try Flower.parse(input().lines())`.
    //       2. Split them: every fifth flower (offsets 4, 9, 14, ... in `flowers.enumerated()`) is a
    //          test flower, all the others are training flowers.
    //       3. Train on the training flowers: `let model = try NearestCentroid(training: training)`.
    //       4. Test it and write model.json:
    //          `try output().write(ModelFile(model: model, trainingRows: training.count, test: test).json())`.
    //       Then delete the line below.
    throw NotImplemented("TrainModel.run()")
  }
}
