import Foundation
import Plumb

/// A line of the price list that is not `item<TAB>price`: the run cannot go on until the file is fixed.
struct BadPrice: Error, CustomStringConvertible {
  let line: Int
  let text: String
  var description: String { "input/prices.tsv line \(line): '\(text)' is not a price" }
}

/// Checks the price list and keeps it as `prices.tsv`. A bad line fails the task, and retrying
/// cannot help: only fixing the file can. (Nothing to do here: read it, then run it.)
struct CleanPrices: PipelineTask {
  func requires() -> Prices { Prices() }
  func output() -> LocalTarget { LocalTarget("prices.tsv") }

  /// A failure that no retry can fix is not retried, whatever `--retries` says.
  var retryPolicy: RetryPolicy? { .never }

  func run() throws {
    var prices: [(item: String, price: Double)] = []
    for (index, line) in try input().lines().enumerated() where !line.isEmpty {
      let fields = line.split(separator: "\t").map(String.init)
      guard fields.count == 2, let price = Double(fields[1]) else {
        throw BadPrice(line: index + 1, text: fields.last ?? line)
      }
      prices.append((fields[0], price))
    }
    try output().write { file in
      for (item, price) in prices { file.writeLine("\(item)\t\(price)") }
    }
  }
}
