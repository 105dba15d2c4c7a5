import Plumb

/// Trains a nearest-centroid classifier on four fifths of iris.data, tests it on the rest, and
/// writes the model with its test accuracy to model.json.
struct TrainModel: PipelineTask {
  func requires() -> DownloadData { DownloadData() }

  func output() -> LocalTarget { LocalTarget("model.json") }

  func run() throws {
    let flowers = try Flower.parse(input().lines())
    // Every fifth row (the 5th, 10th, 15th, ...) is held out for testing: the same split on
    // every run, and each species keeps the same share of test rows.
    let test = flowers.enumerated().filter { $0.offset % 5 == 4 }.map(\.element)
    let training = flowers.enumerated().filter { $0.offset % 5 != 4 }.map(\.element)
    let model = try NearestCentroid(training: training)
    let file = try ModelFile(model: model, trainingRows: training.count, test: test)
    try output().write(file.json())
  }
}
