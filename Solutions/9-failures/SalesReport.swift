import Foundation
import Plumb

/// The day's revenue per store, converted with today's rate, in `report.tsv`:
///
/// ```
/// north	12.54
/// south	4.95
/// east	7.92
/// total	25.41
/// ```
///
/// Which stores there are is known only once the listing is read: the report requires their
/// StoreSales while it runs.
struct SalesReport: PipelineTask {
  func requires() -> AllOf<FetchRate, CleanPrices, Listing> { AllOf(FetchRate(), CleanPrices(), Listing()) }
  func output() -> LocalTarget { LocalTarget("report.tsv") }

  func run() throws {
    let (rateFile, priceFile, listing) = try input()
    let rate = Double(try rateFile.read().trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    var prices: [String: Double] = [:]
    for line in try priceFile.lines() where !line.isEmpty {
      let fields = line.split(separator: "\t")
      prices[String(fields[0])] = Double(fields[1])
    }
    let names = try listing.lines().filter { !$0.isEmpty }
    // Known only now: each store's sales, run by the same scheduler and workers.
    let sales = try require(names.map { StoreSales(name: $0) })
    var total = 0.0
    try output().write { report in
      for (name, salesFile) in zip(names, sales) {
        var revenue = 0.0
        for line in try salesFile.lines() where !line.isEmpty {
          let fields = line.split(separator: "\t")
          revenue += Double(fields[1])! * (prices[String(fields[0])] ?? 0) * rate
        }
        total += revenue
        report.writeLine("\(name)\t\(String(format: "%.2f", revenue))")
      }
      report.writeLine("total\t\(String(format: "%.2f", total))")
    }
  }
}
