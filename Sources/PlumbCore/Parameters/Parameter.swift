/// A typed task parameter: part of the task's identity, settable from code, the command line
/// or the config file.
///
/// Give a default as the initial value, or `.required` for none (see ``RequirableParameterValue``).
/// Values come, first found wins, from code (`TopSongs(tld: "rs")`, or `--tld rs` for the task named
/// on the command line), from `--TopSongs-tld rs` (every instance of the family), from the config
/// file's `[TopSongs]` section, then from the default.
///
/// ```swift
/// struct Greet: PipelineTask {
///     @Parameter(help: "who to greet") var name: String = "World"
///     @Parameter(help: "how many times") var times: Int = 1
///     @Parameter(help: "the day") var date: Day = .required
///     @Parameter(help: "the API token", significant: false) var token: String = ""
/// }
/// ```
///
/// A value passed to the initializer that equals the declared default counts as the default, so the
/// command line or the config file may still override it; a value assigned later
/// (`task.name = "World"`) always wins.
///
/// `.required` is `nil`, so a task's memberwise initializer takes an optional for a required
/// parameter (`tld: String?`): `TopSongs(tld: "rs")` gives a value, and leaving the argument out
/// (or passing `nil`) leaves the parameter to the command line or the config file. For a parameter
/// whose values are themselves optional (`var until: Day? = .required`), pass `Day?.none` to give
/// the value None. An initializer of your own should pass the value on (`self.init(tld: tld)`):
/// swift-frontend 6.3.1 crashes ("Invalid bitcast") on `self.init(); self.tld = tld` for a
/// required parameter.
///
/// A parameter is part of a task *value*: copies of a task never share it, and a run never changes
/// the tasks it is given. The run works on its own copies, with the values it resolved.
///
/// A parameter with a ``BatchMethod`` makes its task family batchable: tasks that differ only in
/// such parameters may run as one task whose value combines theirs (see ``BatchMethod``).
///
/// ```swift
/// @Parameter(help: "the last day to index", batchMethod: .max) var day: Day = .required
/// ```
@propertyWrapper
public struct Parameter<Value: ParameterValue>: Sendable {
  /// Where ``value`` came from, which decides whether a run may still replace it.
  enum Origin: Sendable {
    /// Declared `= .required` and given nothing yet: ``value`` is only a placeholder.
    case unset
    /// The initializer's argument: the declared default, or a value given to the task's initializer.
    case initialized
    /// Assigned after the task was made, or set by the requested task's own flag (`--tld rs`).
    case assigned
    /// Chosen by a run from code, command line, config file or default: final for that run's copy.
    case resolved
  }

  var value: Value
  var origin: Origin
  /// The help text shown by `--help`.
  public let help: String
  /// Whether the parameter is part of the task's identity and name. Insignificant parameters
  /// (a password, a log level) configure a run without making a different task.
  public let isSignificant: Bool
  /// The name Luigi gives the parameter (`task_limit`) where it is not the property's name
  /// (`taskLimit`): the name in the task's id, text form and luigid's `params`, so that a task
  /// Luigi also defines is the same task in luigid. Flags and config keys accept either spelling.
  package var luigiName: String? { rarelySet?.luigiName }
  /// How the values of a batch's tasks combine into the value the batch runs with; `nil` for a
  /// parameter that is not batchable.
  ///
  /// ```swift
  /// struct Reindex: PipelineTask { @Parameter(batchMethod: .max) var day: Day = .required }
  /// Reindex()._day.batchMethod?.combine([older, newer])   // newer
  /// ```
  public var batchMethod: BatchMethod<Value>? { rarelySet?.batchMethod }

  /// What few parameters set, kept behind one reference so that every other parameter (of every
  /// task of a million-task graph) stays 24 bytes smaller.
  private final class RarelySet: Sendable {
    let luigiName: String?
    let batchMethod: BatchMethod<Value>?

    init(luigiName: String?, batchMethod: BatchMethod<Value>?) {
      self.luigiName = luigiName
      self.batchMethod = batchMethod
    }
  }

  private let rarelySet: RarelySet?

  /// Declares a parameter whose default is the property's initial value; with a `batchMethod`,
  /// tasks that differ only in batchable parameters may run as one batch (see ``BatchMethod``).
  ///
  /// ```swift
  /// @Parameter(help: "how many times") var times: Int = 1
  /// @Parameter(help: "the newest day to index", batchMethod: .max) var day: Day = Day(year: 2024, month: 1, day: 1)!
  /// ```
  public init(
    wrappedValue: Value, help: String = "", significant: Bool = true, batchMethod: BatchMethod<Value>? = nil
  ) {
    self.init(
      value: wrappedValue, origin: .initialized, help: help, significant: significant, luigiName: nil,
      batchMethod: batchMethod)
  }

  /// A parameter that Luigi calls `luigiName` (see ``luigiName``).
  package init(wrappedValue: Value, luigiName: String, help: String) {
    self.init(
      value: wrappedValue, origin: .initialized, help: help, significant: true, luigiName: luigiName, batchMethod: nil)
  }

  private init(
    value: Value, origin: Origin, help: String, significant: Bool, luigiName: String?, batchMethod: BatchMethod<Value>?
  ) {
    self.value = value
    self.origin = origin
    self.help = help
    isSignificant = significant
    rarelySet =
      luigiName == nil && batchMethod == nil ? nil : RarelySet(luigiName: luigiName, batchMethod: batchMethod)
  }

  /// The parameter's value: in a task a run is working on, the one it resolved from code, command
  /// line, config file or default.
  public var wrappedValue: Value {
    get { value }
    set {
      value = newValue
      origin = .assigned
    }
  }
}

extension Parameter where Value: RequirableParameterValue {
  /// Declares a parameter without a default (`= .required`, which is `nil`), or sets one from an
  /// optional: `nil` leaves the parameter to the command line or the config file.
  ///
  /// ```swift
  /// @Parameter(help: "two-letter country code") var tld: String = .required
  /// ```
  ///
  /// Swift picks this initializer for `= .required`, and the task's memberwise initializer then
  /// calls it with its argument, so a left-out argument is `nil` here, parameter by parameter.
  /// A `batchMethod` makes the parameter batchable (see ``BatchMethod``):
  ///
  /// ```swift
  /// @Parameter(help: "the last day to index", batchMethod: .max) var day: Day = .required
  /// ```
  public init(
    wrappedValue: Value?, help: String = "", significant: Bool = true, batchMethod: BatchMethod<Value>? = nil
  ) {
    self.init(
      value: wrappedValue ?? Value.placeholder, origin: wrappedValue == nil ? .unset : .initialized, help: help,
      significant: significant, luigiName: nil, batchMethod: batchMethod)
  }
}

/// The type-erased view of a ``Parameter`` the engine reads through reflection. Changes make new
/// values, which the engine stores into its own copy of the task (see ``ParameterLayout``).
package protocol AnyParameter: Sendable {
  var help: String { get }
  var isSignificant: Bool { get }
  var luigiName: String? { get }
  /// The current value's text.
  var text: String { get }
  var successorText: String? { get }
  /// Whether the parameter is required and code gave it no value.
  var isUnset: Bool { get }
  /// Whether a run has already chosen the value.
  var isResolved: Bool { get }
  var expectedForm: String { get }
  var isBoolean: Bool { get }
  /// Whether the parameter has a ``BatchMethod``.
  var isBatched: Bool { get }
  /// Whether code chose the value, given the declared default's text (`nil` when required): it was
  /// assigned, or given to the initializer and differs from the default.
  func isSetInCode(defaultText: String?) -> Bool
  /// The parameter with `text` as a value set in code (the requested task's own `--name value`);
  /// `nil` if the text is not a valid value.
  func assigning(text: String) -> (any AnyParameter)?
  /// The parameter with `text`, from a flag or the config file, as the run's value, or with what
  /// code gave when `text` is `nil`; `nil` if the text is not a valid value.
  func resolving(text: String?) -> (any AnyParameter)?
  /// The parameter with the run's value combined by its batch method from `texts` (one per task of
  /// a batch, at least one); `nil` without a batch method or when a text is not a valid value.
  func combining(texts: [String]) -> (any AnyParameter)?
  /// Writes the parameter over the one stored at `address`, which must hold the same type.
  func store(at address: UnsafeMutableRawPointer)
}

extension Parameter: AnyParameter {
  package var text: String { value.parameterText }
  package var successorText: String? { value.successor?.parameterText }
  package var isUnset: Bool { origin == .unset }
  package var isResolved: Bool { origin == .resolved }
  package var expectedForm: String { Value.expectedForm }
  package var isBoolean: Bool { Value.self == Bool.self }
  package var isBatched: Bool { batchMethod != nil }

  package func isSetInCode(defaultText: String?) -> Bool {
    origin == .assigned || (origin == .initialized && value.parameterText != defaultText)
  }

  package func assigning(text: String) -> (any AnyParameter)? {
    guard let newValue = Value(parameterText: text) else { return nil }
    var copy = self
    copy.wrappedValue = newValue
    return copy
  }

  package func resolving(text: String?) -> (any AnyParameter)? {
    var copy = self
    if let text {
      guard let newValue = Value(parameterText: text) else { return nil }
      copy.value = newValue
    }
    copy.origin = .resolved
    return copy
  }

  package func combining(texts: [String]) -> (any AnyParameter)? {
    guard let batchMethod, !texts.isEmpty else { return nil }
    var values: [Value] = []
    values.reserveCapacity(texts.count)
    for text in texts {
      guard let value = Value(parameterText: text) else { return nil }
      values.append(value)
    }
    var copy = self
    copy.value = batchMethod.combine(values)
    copy.origin = .resolved
    return copy
  }

  package func store(at address: UnsafeMutableRawPointer) {
    address.assumingMemoryBound(to: Self.self).pointee = self
  }
}
