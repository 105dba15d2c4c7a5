import Plumb

/// The price list, `item<TAB>price` per line: data that arrives from outside, in `input/`.
struct Prices: ExternalTask {
  func output() -> LocalTarget { LocalTarget("input/prices.tsv") }
}

/// The stores to report on, one name per line: which files exist is known only once it is read.
struct Listing: ExternalTask {
  func output() -> LocalTarget { LocalTarget("input/listing.txt") }
}

/// One store's sales, `item<TAB>quantity` per line, as the till exported them.
struct StoreFile: ExternalTask {
  @Parameter(help: "the store, as the listing names it") var name: String = .required
  func output() -> LocalTarget { LocalTarget("input/stores/\(name).tsv") }
}
