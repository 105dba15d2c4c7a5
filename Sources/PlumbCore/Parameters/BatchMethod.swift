/// How the values of a batchable parameter combine into the one value a batch runs with (Luigi's
/// `batch_method`).
///
/// A task family with a batchable parameter may run as a *batch*: when several of its tasks are
/// runnable at once and differ only in batchable parameters, the scheduler (local, or luigid) hands
/// out one task whose batchable parameters are the combined values, and the outcome of that one run
/// counts for every task of the batch.
///
/// ```swift
/// struct Reindex: PipelineTask {
///     // Reindexing up to the newest day covers the older days too.
///     @Parameter(help: "the last day to index", batchMethod: .max) var day: Day = .required
/// }
///
/// struct Export: PipelineTask {
///     // One export of several tables at once: tables=users,orders,items
///     @Parameter(batchMethod: .joined(separator: ",")) var tables: String = .required
/// }
/// ```
///
/// The combination is worked out from the values' texts, as Luigi's worker reads the lists luigid
/// sends, so a batch run has the same parameters whichever scheduler formed it.
public struct BatchMethod<Value: ParameterValue>: Sendable {
  private let combination: @Sendable ([Value]) -> Value

  /// A batch method of your own: `combine` receives the values of the batch's tasks (at least one),
  /// in the order the scheduler handed them out.
  ///
  /// ```swift
  /// @Parameter(batchMethod: BatchMethod { $0.reduce(0, +) }) var rows: Int = 0
  /// ```
  public init(_ combine: @escaping @Sendable (_ values: [Value]) -> Value) {
    combination = combine
  }

  /// The one value `values` (at least one) combine into.
  ///
  /// ```swift
  /// BatchMethod<Int>.max.combine([3, 9, 4])   // 9
  /// ```
  public func combine(_ values: [Value]) -> Value {
    combination(values)
  }
}

extension BatchMethod where Value: Comparable {
  /// The greatest value (Luigi's `batch_method=max`): a task that covers everything up to its value.
  ///
  /// ```swift
  /// @Parameter(batchMethod: .max) var day: Day = .required
  /// ```
  public static var max: Self { Self { $0.max()! } }

  /// The least value (Luigi's `batch_method=min`): a task that covers everything from its value on.
  ///
  /// ```swift
  /// @Parameter(batchMethod: .min) var since: Day = .required
  /// ```
  public static var min: Self { Self { $0.min()! } }
}

extension BatchMethod where Value == String {
  /// The texts joined by `separator` (Luigi's `batch_method=",".join`): one task over a list.
  ///
  /// ```swift
  /// @Parameter(batchMethod: .joined(separator: ",")) var tables: String = .required
  /// ```
  public static func joined(separator: String) -> Self {
    Self { $0.joined(separator: separator) }
  }
}
