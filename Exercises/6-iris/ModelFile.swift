import Foundation

/// What TrainModel writes to model.json and UploadModel uploads: the trained classifier, with
/// its predictions for the held-out test rows and the share of them it got right.
///
/// ```json
/// {
///   "accuracy" : 0.9666666666666667,
///   "classifier" : "nearest centroid",
///   "model" : { "centroids" : { "Iris-setosa" : [4.9975, 3.4175, 1.4425, 0.2525], ... } },
///   "testPredictions" : ["Iris-setosa", ...],
///   "testRows" : 30,
///   "trainingRows" : 120
/// }
/// ```
struct ModelFile: Codable, Equatable {
  var classifier = "nearest centroid"
  /// The trained classifier.
  let model: NearestCentroid
  /// How many rows it was trained on.
  let trainingRows: Int
  /// How many held-out rows it was tested on.
  let testRows: Int
  /// The species it predicts for each test row, in the rows' order.
  let testPredictions: [String]
  /// The share of test rows whose species it predicts correctly, from 0 to 1.
  let accuracy: Double

  /// Tests `model` on the held-out `test` rows and records the outcome.
  ///
  /// - Throws: ``TrainingError`` when there are no test rows.
  init(model: NearestCentroid, trainingRows: Int, test: [Flower]) throws {
    guard !test.isEmpty else { throw TrainingError("there are no test rows to measure the model on") }
    self.model = model
    self.trainingRows = trainingRows
    testRows = test.count
    testPredictions = test.map { model.predict($0.measurements) ?? "" }
    let correct = zip(testPredictions, test).filter { $0 == $1.species }.count
    accuracy = Double(correct) / Double(test.count)
  }

  /// The file's text: indented JSON with sorted keys, the same bytes for the same model.
  func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self)
  }

  /// Reads a model.json back.
  static func load(_ data: Data) throws -> ModelFile {
    try JSONDecoder().decode(ModelFile.self, from: data)
  }
}
