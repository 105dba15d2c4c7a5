/// A typed task parameter: part of the task's identity, settable from code, the command line
/// or the config file.
///
/// Give a default as the initial value, or `.required` for none. Values come, first found wins,
/// from code (`TopSongs(tld: "rs")`, or `--tld rs` for the task named on the command line), from
/// `--TopSongs-tld rs` (every instance of the family), from the config file's `[TopSongs]` section,
/// then from the default.
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
@propertyWrapper
public struct Parameter<Value: ParameterValue> {
  var storage: ParameterStorage<Value>
  /// The help text shown by `--help`.
  public let help: String
  /// Whether the parameter is part of the task's identity and name. Insignificant parameters
  /// (a password, a log level) configure a run without making a different task.
  public let isSignificant: Bool

  /// Declares a parameter whose default is the property's initial value (`.required` for none).
  public init(wrappedValue: Value, help: String = "", significant: Bool = true) {
    storage = ParameterStorage(wrappedValue, isAssigned: false)
    self.help = help
    isSignificant = significant
  }

  /// The parameter's value: within a run, the one resolved from code, command line, config file or default.
  public var wrappedValue: Value {
    get { storage.value }
    set { storage = ParameterStorage(newValue, isAssigned: true) }
  }
}

/// A parameter's value and where it came from, shared by copies of a task so that resolving it
/// once for a run (from the command line or the config file) is seen by every copy.
/// Assigning a new value replaces it, so copies made before then keep theirs.
final class ParameterStorage<Value: ParameterValue> {
  /// What code gave: the declared default, an initializer argument, or an assigned value.
  private(set) var given: Value
  /// Whether `given` was assigned after the task was made, or set from the root task's own flag,
  /// which makes it the task's value even when it equals the default.
  private(set) var isAssigned: Bool
  /// Whether `given` is the `.required` marker: the code gave no value.
  private(set) var givenIsRequiredMarker: Bool
  /// The value in force: `given`, or what the run in ``resolvedBy`` found for it.
  private(set) var value: Value
  /// The run whose command line and config file ``value`` reflects. Weak, so that a task kept
  /// after its run ends is resolved afresh by the next run, which may have other settings.
  private(set) weak var resolvedBy: AnyObject?

  init(_ given: Value, isAssigned: Bool) {
    self.given = given
    self.isAssigned = isAssigned
    givenIsRequiredMarker = Self.isRequiredMarker(given)
    value = given
  }

  private static func isRequiredMarker(_ value: Value) -> Bool {
    guard let requirable = Value.self as? any RequirableParameterValue.Type else { return false }
    return value.parameterText == requirable.required.parameterText
  }

  /// Makes `value` what code chose, final for every run.
  func assign(_ newValue: Value) {
    given = newValue
    value = newValue
    isAssigned = true
    givenIsRequiredMarker = Self.isRequiredMarker(newValue)
  }

  /// Sets the value in force for `run`.
  func resolve(_ found: Value, by run: AnyObject) {
    value = found
    resolvedBy = run
  }
}

/// The type-erased view of a ``Parameter`` the engine reads through reflection.
protocol AnyParameter {
  var help: String { get }
  var isSignificant: Bool { get }
  /// The current value's text.
  var text: String { get }
  var successorText: String? { get }
  /// Whether code gave no value: the parameter is required and still has its `.required` marker.
  var isRequiredMarker: Bool { get }
  var expectedForm: String { get }
  var isBoolean: Bool { get }
  /// Sets the value from text as code would (the root task's own `--name value`); false if the
  /// text is not a valid value.
  func assign(text: String) -> Bool
  /// Whether code chose the value, given the declared default's text (`nil` when required): it was
  /// assigned, or given to the initializer and differs from the default.
  func isSetInCode(defaultText: String?) -> Bool
  /// Whether `run` has already resolved this parameter.
  func isResolved(by run: AnyObject) -> Bool
  /// Keeps what code gave (the default, or a value set in code) as `run`'s value.
  func useGivenValue(for run: AnyObject)
  /// Makes `text`, from a flag or the config file, `run`'s value; false if it is not a valid value.
  func use(text: String, for run: AnyObject) -> Bool
}

extension Parameter: AnyParameter {
  var text: String { storage.value.parameterText }
  var successorText: String? { storage.value.successor?.parameterText }
  var isRequiredMarker: Bool { storage.givenIsRequiredMarker }
  var expectedForm: String { Value.expectedForm }
  var isBoolean: Bool { Value.self == Bool.self }

  func assign(text: String) -> Bool {
    guard let value = Value(parameterText: text) else { return false }
    storage.assign(value)
    return true
  }

  func isSetInCode(defaultText: String?) -> Bool {
    storage.isAssigned || (!storage.givenIsRequiredMarker && storage.given.parameterText != defaultText)
  }

  func isResolved(by run: AnyObject) -> Bool { storage.resolvedBy === run }

  func useGivenValue(for run: AnyObject) { storage.resolve(storage.given, by: run) }

  func use(text: String, for run: AnyObject) -> Bool {
    guard let value = Value(parameterText: text) else { return false }
    storage.resolve(value, by: run)
    return true
  }
}
