import Plumb

/// One store's sales summed per item, `sales/<name>.tsv`, items in alphabetical order.
/// (Nothing to do here: SalesReport requires these while it runs, one per store in the listing.)
struct StoreSales: PipelineTask {
  @Parameter(help: "the store, as the listing names it") var name: String = .required

  func requires() -> StoreFile { StoreFile(name: name) }
  func output() -> LocalTarget { LocalTarget("sales/\(name).tsv") }

  func run() throws {
    var quantities: [String: Int] = [:]
    for line in try input().lines() where !line.isEmpty {
      let fields = line.split(separator: "\t")
      quantities[String(fields[0]), default: 0] += Int(fields[1]) ?? 0
    }
    try output().write { file in
      for item in quantities.keys.sorted() { file.writeLine("\(item)\t\(quantities[item]!)") }
    }
  }
}
