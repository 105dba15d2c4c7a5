// `plumb-stores-bench`: the figures of the real stores, for `/usr/bin/time -v`.
//
//   plumb-stores-bench s3 ENDPOINT FILE          uploads FILE to bucket bench, key big.bin
//   plumb-stores-bench postgres PORT PASSWORD N  copies N rows with a CopyToTable task
//   plumb-stores-bench copy PORT PASSWORD N      the same copy, calling the task's copyRows() without build()
//   plumb-stores-bench postgres-compare ROWS REPEATS FOLDER [PYTHON SCRIPT]
//                                                 Plumb, psql's \copy and psycopg2 (PYTHON running
//                                                 Benchmarks/psycopg2_copy.py) on a cluster of its own
import Foundation
import Plumb

struct BenchRows: CopyToTable {
  @Parameter var batch: String = .required
  @Parameter var size: Int = 100_000

  var table: String { "parts" }
  var columns: [(name: String, type: String)] { [("batch", "TEXT"), ("id", "INT"), ("name", "TEXT")] }

  func rows() throws -> some Sequence<[String?]> {
    let batch = batch
    return (0..<size).lazy.map { [batch, String($0), "part \($0)"] }
  }
}

let arguments = CommandLine.arguments
let started = Date()
switch arguments.dropFirst().first {
case "s3" where arguments.count == 4:
  let store = S3ObjectStore(
    endpoint: URL(string: arguments[2])!, credentials: S3Credentials(accessKey: "bench", secretKey: "bench"))
  try store.createBucket("bench")
  try ObjectStoreTarget(bucket: "bench", key: "big.bin", store: store).upload(LocalTarget(arguments[3]))
case "postgres" where arguments.count == 5:
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-stores-bench-\(getpid())").path
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: folder) }
  var options = RunOptions()
  options.workingDirectory = folder
  options.configuration = try Configuration(
    text:
      "[postgres]\nhost = 127.0.0.1\nport = \(arguments[2])\ndatabase = plumbtest\nuser = plumb\npassword = \(arguments[3])\n"
  )
  let result = try build([BenchRows(batch: "plumb-\(getpid())", size: Int(arguments[4])!)], options: options)
  guard result.success else { FileHandle.standardError.write(Data(result.summary.utf8)); exit(1) }
case "copy" where arguments.count == 5:
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-stores-bench-\(getpid())").path
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: folder) }
  try
    "[postgres]\nhost = 127.0.0.1\nport = \(arguments[2])\ndatabase = plumbtest\nuser = plumb\npassword = \(arguments[3])\n"
    .write(toFile: folder + "/plumb.cfg", atomically: true, encoding: .utf8)
  guard FileManager.default.changeCurrentDirectoryPath(folder) else { exit(1) }
  try BenchRows(batch: "copy-\(getpid())", size: Int(arguments[4])!).copyRows()
case "postgres-compare" where arguments.count == 5 || arguments.count == 7:
  guard let rows = Int(arguments[2]), rows > 0, let repeats = Int(arguments[3]), repeats > 0 else {
    FileHandle.standardError.write(Data("postgres-compare takes a number of rows and of repeats\n".utf8))
    exit(2)
  }
  let comparison = PostgresComparison(
    rows: rows, repeats: repeats, folder: arguments[4], python: arguments.count == 7 ? arguments[5] : nil,
    script: arguments.count == 7 ? arguments[6] : "")
  do {
    try comparison.run()
  } catch {
    print("PostgreSQL not measured: \(error)")
  }
  exit(0)
default:
  FileHandle.standardError.write(
    Data(
      ("usage: plumb-stores-bench s3 ENDPOINT FILE | postgres PORT PASSWORD ROWS | copy PORT PASSWORD ROWS"
        + " | postgres-compare ROWS REPEATS FOLDER [PYTHON SCRIPT]\n").utf8))
  exit(2)
}
print(String(format: "%.2f s", Date().timeIntervalSince(started)))
