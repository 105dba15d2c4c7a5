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
    // TODO: 3. `let (rate, prices, listing) = try input()` gives the three files.
    //          Read the store names from the listing (one per line, skip empty lines), then require
    //          their sales while running: `let sales = try require(names.map { StoreSales(name: $0) })`
    //          gives one `sales/<name>.tsv` per store, in the listing's order.
    //       4. For each store, revenue = sum of quantity × price × rate; write `name<TAB>revenue` per
    //          store in the listing's order, then `total<TAB>sum`, every amount with two decimals
    //          (`String(format: "%.2f", amount)`).
    //       Then delete the line below.
    throw NotImplemented("SalesReport.run()")
  }
}
