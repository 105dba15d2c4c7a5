import Foundation
import Plumb

/// Times Plumb runs of each shape and size against a plain loop writing the same files.
enum Measurements {
  /// The best of `repeats` timings of `body`, each in a fresh folder: as the C floor is timed, so
  /// that the ratio compares like with like (the machine's noise only ever adds time).
  static func best(of repeats: Int, _ body: (BenchFolder) throws -> Void) throws -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
      let folder = try BenchFolder()
      defer { folder.remove() }
      best = min(best, try seconds { try body(folder) })
    }
    return best
  }

  /// Seconds for Plumb to build a pipeline of `size` tasks of `shape` from nothing.
  static func plumb(_ shape: Shape, size: Int, workers: Int, repeats: Int) throws -> Double {
    try best(of: repeats) { folder in
      try run(shape.root(size: size), expecting: size, workers: workers, in: folder)
    }
  }

  /// Seconds for Plumb to run `count` CPU-bound tasks of `rounds` generator steps each.
  static func crunch(count: Int, rounds: Int, workers: Int, repeats: Int) throws -> Double {
    try best(of: repeats) { folder in
      try run(CrunchAll(count: count, rounds: rounds), expecting: count + 1, workers: workers, in: folder)
    }
  }

  private static func run(_ root: any PipelineTask, expecting size: Int, workers: Int, in folder: BenchFolder) throws {
    var options = RunOptions()
    options.workingDirectory = folder.path
    options.configuration = Configuration()
    options.logLevel = .error
    options.workers = workers
    let result = try build([root], options: options)
    guard result.success, result.records.count == size else {
      throw BenchError(description: "the run of \(size) tasks did not succeed:\n\(result.summary)")
    }
  }

  /// The process's peak resident memory so far, in KiB (`getrusage`'s `ru_maxrss`).
  static func peakResidentKilobytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
  }

  /// Seconds for a loop to write the same files atomically, without the engine, in a fresh folder.
  static func plainLoop(_ shape: Shape, size: Int) throws -> Double {
    let files = shape.files(size: size)
    return try best(of: 1) { folder in
      for file in files { try LocalTarget(folder.path + "/" + file.path).write(file.text) }
    }
  }
}
