import Foundation
import Plumb

/// The harbour town's diary, `data/wordcount/*.txt`, the data every Chunk shares.
enum Diary {
  /// Every line of the diary in `folder`, day after day (the files in name order), empty lines
  /// left out.
  static func lines(in folder: String) throws -> [String] {
    let days = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".txt") }
    return try days.sorted().flatMap { day in
      try LocalTarget("\(folder)/\(day)").lines().filter { !$0.isEmpty }
    }
  }
}
