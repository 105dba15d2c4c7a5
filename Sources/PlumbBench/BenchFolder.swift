import Foundation

/// A fresh temporary folder for one measurement, removed afterwards.
struct BenchFolder {
  /// Where the measurements' folders are made: `--folder`, else the system's temporary folder.
  nonisolated(unsafe) static var base = FileManager.default.temporaryDirectory.path

  let path: String

  init() throws {
    path = (Self.base as NSString).appendingPathComponent("plumb-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Seconds taken by `body`, on the monotonic clock.
func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Why a measurement could not be taken.
struct BenchError: Error, CustomStringConvertible {
  let description: String
}
