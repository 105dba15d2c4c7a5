import Foundation
import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise6

/// Exercise 6, an iris-style pipeline: DownloadData fetches the data set over HTTP from the URL in
/// plumb.cfg, TrainModel trains a nearest-centroid classifier, UploadModel puts the model into the
/// object store. Each test serves data/iris.data from its own loopback server.
final class Exercise6Tests: GradedTestCase {
  override var exerciseNumber: Int { 6 }

  var server: LoopbackHTTPServer!
  let irisPath = ExerciseInfo.packageRoot + "/data/iris.data"
  /// Where the folder store of plumb.cfg keeps UploadModel's object.
  let uploadedObject = "store/models/iris/model.json"

  var dataURL: String { server.url("/iris.data").absoluteString }
  var downloadLine: String { "DownloadData(url=\(dataURL))" }

  var inDownload: String { todo("DownloadData.run()", in: "DownloadData.swift") }
  var inTrain: String { todo("TrainModel.run()", in: "TrainModel.swift") }
  var inTrainRequires: String { todo("TrainModel.requires()", in: "TrainModel.swift") }
  var inUpload: String { todo("UploadModel.run()", in: "UploadModel.swift") }
  var inUploadDeclarations: String {
    "the TODOs in UploadModel.requires() and UploadModel.output() (\(exercise.path(of: "UploadModel.swift")))"
  }

  override func setUpWithError() throws {
    try super.setUpWithError()
    server = try LoopbackHTTPServer(routes: ["/iris.data": .file(irisPath)])
    try writeConfig(timeout: 10)
  }

  override func tearDown() {
    server?.stop()
    super.tearDown()
  }

  /// plumb.cfg: DownloadData's URL and timeout, and the object store, a folder unless `store`
  /// gives another `[object_store]` section.
  func writeConfig(timeout: Int, store: String = "[object_store]\nroot = store\n") throws {
    let config = """
      [DownloadData]
      url = \(dataURL)
      timeout = \(timeout)

      \(store)
      """
    try workspace.write(config, to: "plumb.cfg")
  }

  // MARK: - DownloadData

  func testDownloadSavesTheServedFile() throws {
    guard let run = run(DownloadData()), expectNoFailures(run, next: "fix \(inDownload)") else { return }
    let served = try String(contentsOfFile: irisPath, encoding: .utf8)
    let saved = workspace.contents(of: "iris.data")
    guard
      expect(
        saved == served, "iris.data should hold exactly what the server sent.",
        expected: "\(served.utf8.count) bytes, starting \(Feedback.quoted(String(served.prefix(28))))",
        found: saved.map { "\($0.utf8.count) bytes, starting \(Feedback.quoted(String($0.prefix(28))))" }
          ?? "no iris.data (the folder has: \(workspace.listing().joined(separator: ", ")))",
        next: "write the downloaded data with `try output().write(data)` in \(inDownload)")
    else { return }
    expect(
      server.requestedPaths == ["/iris.data"], "DownloadData should fetch the URL from plumb.cfg, once.",
      expected: "one request for /iris.data", found: "requests: \(server.requestedPaths)",
      next: "call `download(url, timeout: timeout)` once in \(inDownload)")
  }

  func testDownloadFailsWhenTheServerAnswers404() {
    server.setResponse(nil, for: "/iris.data")
    expectDownloadFails(because: "HTTP 404 Not Found from \(dataURL)", when: "the server answers 404")
  }

  func testDownloadFailsWhenTheConnectionIsRefused() {
    let port = server.port
    server.stop()
    expectDownloadFails(because: "connection refused by 127.0.0.1:\(port)", when: "nothing listens on the port")
  }

  func testDownloadFailsWhenTheServerIsSilent() throws {
    server.setResponse(.noAnswer, for: "/iris.data")
    try writeConfig(timeout: 1)
    expectDownloadFails(because: "timed out after 1 s waiting for \(dataURL)", when: "the server never answers")
  }

  /// A failed download: DownloadData fails with `reason` as its one-line error, the summary
  /// lists it as failed, the exit code says a task failed, and no iris.data is left behind.
  func expectDownloadFails(because reason: String, when situation: String, line: UInt = #line) {
    guard let run = run(DownloadData(), line: line) else { return }
    let next =
      "let the error of `download(url, timeout:)` propagate out of \(inDownload), and write only after it returned"
    let error = run.failures.first.map { "\($0.error)" }
    guard
      expect(
        error == reason, "When \(situation), DownloadData should fail with a one-line reason.",
        expected: Feedback.quoted(reason), found: error.map(Feedback.quoted) ?? "no failure", next: next,
        line: line)
    else { return }
    guard
      expectSummary(
        run,
        """
        Scheduled 1 tasks of which:
        * 1 failed:
            - 1 \(downloadLine)

        This progress looks :( because there were failed tasks

        Why tasks failed:
            - \(downloadLine): \(reason)
        """, next: next, line: line)
    else { return }
    guard
      expect(
        run.result.exitCode == RunOptions().exitCodes.taskFailed,
        "A run whose task failed should say so in its exit code.",
        expected: "\(RunOptions().exitCodes.taskFailed)", found: "\(run.result.exitCode)", next: next, line: line)
    else { return }
    expectNoFile(
      "iris.data", because: "a failed download writes nothing",
      next: "write through `output().write` only: \(inDownload)",
      line: line)
  }

  // MARK: - TrainModel

  func testModelIsTrainedOnTheTrainingRowsAndReproducesItsPredictions() throws {
    guard let run = run(TrainModel()), expectNoFailures(run, next: "fix \(inTrain)") else { return }
    guard let text = workspace.contents(of: "model.json") else {
      expectFile("model.json", next: "return DownloadData() in \(inTrainRequires), then write model.json in \(inTrain)")
      return
    }
    let file: ModelFile
    do {
      file = try ModelFile.load(Data(text.utf8))
    } catch {
      expect(
        false, "model.json should load as a ModelFile.", expected: "the JSON of ModelFile.json()",
        found: "\(error)", next: "write `ModelFile(...).json()` in \(inTrain)")
      return
    }
    let (training, test) = try heldOutSplit()
    guard
      expect(
        file.trainingRows == training.count && file.testRows == test.count,
        "The model should be trained on 120 rows and tested on the other 30.",
        expected: "trainingRows \(training.count), testRows \(test.count)",
        found: "trainingRows \(file.trainingRows), testRows \(file.testRows)",
        next: "hold out every fifth flower (offsets 4, 9, 14, ...) for testing in \(inTrain)")
    else { return }
    let expectedCentroids = centroids(of: training)
    let trainedRight = sameCentroids(file.model.centroids, expectedCentroids)
    let advice = try trainedRight ? "" : splitAdvice(for: file.model.centroids)
    guard
      expect(
        trainedRight, "The centroids should be the mean measurements of each species in the training rows only.",
        expected: describe(expectedCentroids), found: describe(file.model.centroids), next: advice)
    else { return }
    // Loaded back, the model must give the predictions and the accuracy it was saved with.
    let predictions = test.map { file.model.predict($0.measurements) ?? "" }
    let accuracy = Double(zip(predictions, test).filter { $0 == $1.species }.count) / Double(test.count)
    guard
      expect(
        predictions == file.testPredictions && accuracy == file.accuracy,
        "The loaded model should reproduce its own test predictions and accuracy.",
        expected: "accuracy \(accuracy) from the loaded model", found: "accuracy \(file.accuracy) in model.json",
        next: "test the model on the held-out flowers with `ModelFile(model:trainingRows:test:)` in \(inTrain)")
    else { return }
    expect(
      file.accuracy >= 0.9, "The model should classify at least 90% of the held-out flowers correctly.",
      expected: "accuracy of at least 0.9", found: "\(file.accuracy)",
      next: "check the split in \(inTrain): every fifth flower is a test flower, the others train")
  }

  // MARK: - The whole pipeline and resuming it

  func testPipelineDownloadsTrainsAndUploadsOnTheFirstRun() {
    guard let run = run(UploadModel()) else { return }
    guard
      expectSummary(
        run,
        """
        Scheduled 3 tasks of which:
        * 3 ran successfully:
            - 1 \(downloadLine)
            - 1 TrainModel()
            - 1 UploadModel()

        This progress looks :) because there were no failed tasks or missing dependencies
        """,
        next:
          "return TrainModel() and the ObjectStoreTarget in \(inUploadDeclarations), and DownloadData() in \(inTrainRequires)"
      )
    else { return }
    expectUploadedModel(
      next: "upload model.json with `try output().upload(input())` in \(inUpload); plumb.cfg puts the store in store/")
  }

  /// The same pipeline with an S3-compatible store (moto_server), chosen in plumb.cfg alone.
  func testPipelineUploadsToAnS3StoreChosenInPlumbCfg() throws {
    let moto = try MotoServer(for: self)
    try moto.store().createBucket("models")
    try writeConfig(timeout: 10, store: moto.configuration)
    guard let first = run(UploadModel()),
      expectNoFailures(first, next: "make testPipelineDownloadsTrainsAndUploadsOnTheFirstRun pass first")
    else { return }
    let model = workspace.contents(of: "model.json")
    let stored = try? moto.store().read(bucket: "models", key: "iris/model.json")
    guard
      expect(
        stored != nil && stored.map { String(decoding: $0, as: UTF8.self) } == model,
        "With `backend = s3` in plumb.cfg, UploadModel should put model.json into the S3 bucket models.",
        expected: "the object iris/model.json in bucket models, equal to model.json",
        found: stored.map { "an object of \($0.count) bytes that differs from model.json" } ?? "no such object",
        next:
          "use ObjectStoreTarget(bucket: \"models\", key: \"iris/model.json\") without a store in \(inUploadDeclarations)"
      )
    else { return }
    guard let again = run(UploadModel()) else { return }
    expectSummary(
      again,
      """
      Scheduled 1 tasks of which:
      * 1 complete ones were encountered:
          - 1 UploadModel()

      Did not run any tasks
      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "the object in S3 makes UploadModel complete: return the ObjectStoreTarget in \(inUploadDeclarations)")
  }

  func testResumeWithEverythingDoneRunsNothing() {
    guard firstRun(), let second = run(UploadModel()) else { return }
    guard
      expectSummary(
        second,
        """
        Scheduled 1 tasks of which:
        * 1 complete ones were encountered:
            - 1 UploadModel()

        Did not run any tasks
        This progress looks :) because there were no failed tasks or missing dependencies
        """,
        next: "return the ObjectStoreTarget in \(inUploadDeclarations): the uploaded object makes UploadModel complete")
    else { return }
    expectDownloads(1, next: "return the ObjectStoreTarget in \(inUploadDeclarations)")
  }

  func testResumeAfterDeletingTheUploadOnlyUploads() {
    guard firstRun() else { return }
    // If TrainModel ran again, it would write a real model over this marker.
    try? workspace.write("{\"marker\": \"left by the first run\"}\n", to: "model.json")
    workspace.delete(uploadedObject)
    guard let again = run(UploadModel()) else { return }
    guard
      expectSummary(
        again,
        """
        Scheduled 2 tasks of which:
        * 1 complete ones were encountered:
            - 1 TrainModel()
        * 1 ran successfully:
            - 1 UploadModel()

        This progress looks :) because there were no failed tasks or missing dependencies
        """,
        next:
          "model.json is still there, so TrainModel is complete: return LocalTarget(\"model.json\") in TrainModel.output()"
      )
    else { return }
    guard
      expectFile(
        uploadedObject, holding: "{\"marker\": \"left by the first run\"}\n",
        next: "upload the local model.json as it is, `try output().upload(input())`, in \(inUpload)")
    else { return }
    expectDownloads(1, next: "the downloaded iris.data is still there: do not download in TrainModel or UploadModel")
  }

  func testResumeAfterDeletingTheLocalModelRunsNothing() {
    guard firstRun() else { return }
    workspace.delete("model.json")
    guard let again = run(UploadModel()) else { return }
    guard
      expectSummary(
        again,
        """
        Scheduled 1 tasks of which:
        * 1 complete ones were encountered:
            - 1 UploadModel()

        Did not run any tasks
        This progress looks :) because there were no failed tasks or missing dependencies
        """,
        next:
          "UploadModel's object still exists, so nothing below it is checked: return the ObjectStoreTarget in \(inUploadDeclarations)"
      )
    else { return }
    expectNoFile(
      "model.json", because: "a complete UploadModel hides its requirements, so TrainModel is not even checked",
      next: "write model.json only in TrainModel.run()")
  }

  func testResumeAfterDeletingModelAndUploadRetrainsWithoutDownloading() {
    guard firstRun() else { return }
    workspace.delete("model.json")
    workspace.delete(uploadedObject)
    guard let again = run(UploadModel()) else { return }
    guard
      expectSummary(
        again,
        """
        Scheduled 3 tasks of which:
        * 1 complete ones were encountered:
            - 1 \(downloadLine)
        * 2 ran successfully:
            - 1 TrainModel()
            - 1 UploadModel()

        This progress looks :) because there were no failed tasks or missing dependencies
        """, next: "iris.data is still there, so DownloadData is complete: keep its output LocalTarget(\"iris.data\")")
    else { return }
    guard expectUploadedModel(next: "upload model.json in \(inUpload)") else { return }
    expectDownloads(1, next: "train from the downloaded iris.data, `input()`, in \(inTrain)")
  }

  /// Runs the pipeline with its files in a folder of their own, while the process's current folder is
  /// the workspace: a run() that opens iris.data or model.json by name, rather than through input(),
  /// then finds no file there.
  func testTrainAndUploadReadTheirInputThroughInput() throws {
    let folder = workspace.path(of: "run-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    guard let run = run([UploadModel()], configure: { options in options.workingDirectory = folder }) else { return }
    let readers: [(task: any PipelineTask, file: String, place: String, source: String, writer: String)] = [
      (TrainModel(), "iris.data", "TrainModel.run()", "TrainModel.swift", "DownloadData"),
      (UploadModel(), "model.json", "UploadModel.run()", "UploadModel.swift", "TrainModel"),
    ]
    for reader in readers {
      guard
        expectDone(
          run, reader.task,
          next: { reason in
            if case .failed(let record) = reason, record.errorMessage?.contains(reader.file) == true {
              return
                "read your input through input(), not by file name, in \(self.todo(reader.place, in: reader.source)): input() is the \(reader.file) \(reader.writer) wrote, wherever the run keeps its files (here not in the current folder)"
            }
            return "make testPipelineDownloadsTrainsAndUploadsOnTheFirstRun pass first"
          })
      else { return }
    }
  }

  // MARK: - Helpers

  /// Runs the whole pipeline once and checks it finished, so a resume test starts from a full run.
  func firstRun(line: UInt = #line) -> Bool {
    guard let run = run(UploadModel(), line: line),
      expectNoFailures(
        run, next: "make the first run work: start with testPipelineDownloadsTrainsAndUploadsOnTheFirstRun", line: line)
    else { return false }
    return expect(
      workspace.contains(uploadedObject) && workspace.contains("model.json"),
      "The first run should leave model.json and the uploaded object.",
      expected: "model.json and \(uploadedObject)", found: workspace.listing().joined(separator: ", "),
      next: "make testPipelineDownloadsTrainsAndUploadsOnTheFirstRun pass first", line: line)
  }

  /// Checks that the uploaded object holds exactly what TrainModel wrote to model.json.
  @discardableResult
  func expectUploadedModel(next: String, line: UInt = #line) -> Bool {
    guard let model = workspace.contents(of: "model.json") else {
      return expectFile("model.json", next: "write model.json in \(inTrain)", line: line)
    }
    guard workspace.contains(uploadedObject) else {
      let stored = workspace.files().filter { $0.hasPrefix("store/") }.map { String($0.dropFirst("store/".count)) }
      return expect(
        false, "UploadModel did not put the model into the store as models/iris/model.json.",
        expected: "the object \(uploadedObject) (bucket models, key iris/model.json)",
        found: stored.isEmpty ? "no object in store/" : "the store has: \(stored.joined(separator: ", "))",
        next:
          "return ObjectStoreTarget(bucket: \"models\", key: \"iris/model.json\") in \(todo("UploadModel.output()", in: "UploadModel.swift"))",
        line: line)
    }
    return expectFile(uploadedObject, holding: model, next: next, line: line)
  }

  func expectDownloads(_ count: Int, next: String, line: UInt = #line) {
    expect(
      server.requestedPaths.count == count,
      "The data set should be downloaded \(count == 1 ? "once" : "\(count) times") in all.",
      expected: "\(count) request(s)", found: "\(server.requestedPaths.count) requests: \(server.requestedPaths)",
      next: next, line: line)
  }

  /// The rows of data/iris.data, read here independently of the exercise's code, split as the
  /// README says: every fifth row (offsets 4, 9, 14, …) is a test row; another `remainder` gives
  /// the split a learner may have written by mistake.
  func heldOutSplit(remainder: Int = 4) throws -> (
    training: [(measurements: [Double], species: String)], test: [(measurements: [Double], species: String)]
  ) {
    let rows = try String(contentsOfFile: irisPath, encoding: .utf8).split(separator: "\n").map { line in
      let fields = line.components(separatedBy: ",")
      return (measurements: fields.prefix(4).compactMap { Double($0) }, species: fields[4])
    }
    let indexed = Array(rows.enumerated())
    return (
      indexed.filter { $0.offset % 5 != remainder }.map(\.element),
      indexed.filter { $0.offset % 5 == remainder }.map(\.element)
    )
  }

  /// What to change when the centroids are wrong, found by trying the usual mistakes: holding out
  /// another fifth (`offset % 5 == 0`), or training on every flower.
  func splitAdvice(for found: [String: [Double]]) throws -> String {
    let split = "offsets 4, 9, 14, … in `flowers.enumerated()` (`$0.offset % 5 == 4`: the 5th, 10th, 15th flower)"
    let rows = try heldOutSplit()
    if sameCentroids(found, centroids(of: rows.training + rows.test)) {
      return "you trained on all 150 flowers: train on the training flowers only (all but \(split)), in \(inTrain)"
    }
    for remainder in 0..<4 where sameCentroids(found, centroids(of: try heldOutSplit(remainder: remainder).training)) {
      let offsets = (0..<3).map { String(remainder + 5 * $0) }.joined(separator: ", ")
      return "your test flowers are offsets \(offsets), …; they should be \(split): fix the split in \(inTrain)"
    }
    return "the test flowers are \(split); train `NearestCentroid(training: training)` on all the others, in \(inTrain)"
  }

  func centroids(of rows: [(measurements: [Double], species: String)]) -> [String: [Double]] {
    Dictionary(grouping: rows, by: \.species).mapValues { group in
      (0..<4).map { feature in group.map { $0.measurements[feature] }.reduce(0, +) / Double(group.count) }
    }
  }

  func sameCentroids(_ found: [String: [Double]], _ expected: [String: [Double]]) -> Bool {
    found.keys.sorted() == expected.keys.sorted()
      && expected.allSatisfy { species, means in
        let other = found[species] ?? []
        return other.count == means.count && zip(other, means).allSatisfy { abs($0 - $1) < 1e-9 }
      }
  }

  func describe(_ centroids: [String: [Double]]) -> String {
    centroids.sorted { $0.key < $1.key }
      .map { "\($0.key) \($0.value.map { String(format: "%.4f", $0) }.joined(separator: ","))" }
      .joined(separator: "; ")
  }
}
