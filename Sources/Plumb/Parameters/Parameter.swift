/// A typed task parameter: part of the task's identity, settable from code, the command line
/// or the config file.
///
/// Give a default as the initial value, or `.required` for none. Values come, first found wins,
/// from code (`TopSongs(tld: "rs")`, or `--tld rs` for the task named on the command line), from
/// `--TopSongs-tld rs` (every instance of the family), from the config file's `[TopSongs]` section,
/// then from the default.
///
/// ```swift
/// struct Greet: Task {
///     @Parameter(help: "who to greet") var name: String = "World"
///     @Parameter(help: "how many times") var times: Int = 1
///     @Parameter(help: "the day", significant: true) var date: Day = .required
/// }
/// ```
///
/// A value given in code that equals the declared default counts as the default, so the command
/// line or the config file may still override it.
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
    storage = ParameterStorage(wrappedValue)
    self.help = help
    isSignificant = significant
  }

  /// The parameter's value.
  public var wrappedValue: Value {
    get { storage.value }
    set { storage = ParameterStorage(newValue, resolved: true) }
  }
}

/// Shared by copies of a task so that resolving a parameter once (from the command line or the
/// config file) is seen by every copy. Setting a new value replaces it.
final class ParameterStorage<Value: ParameterValue> {
  var value: Value
  var isResolved: Bool
  var isRequiredMarker: Bool

  init(_ value: Value, resolved: Bool = false) {
    self.value = value
    isResolved = resolved
    if let requirable = Value.self as? any RequirableParameterValue.Type {
      isRequiredMarker = value.parameterText == requirable.required.parameterText
    } else {
      isRequiredMarker = false
    }
  }
}

/// The type-erased view of a ``Parameter`` the engine reads through reflection.
protocol AnyParameter {
  var help: String { get }
  var isSignificant: Bool { get }
  var text: String { get }
  var successorText: String? { get }
  var isRequiredMarker: Bool { get }
  var isResolved: Bool { get nonmutating set }
  var expectedForm: String { get }
  var isBoolean: Bool { get }
  func assign(text: String) -> Bool
}

extension Parameter: AnyParameter {
  var text: String { storage.value.parameterText }
  var successorText: String? { storage.value.successor?.parameterText }
  var isRequiredMarker: Bool { storage.isRequiredMarker }
  var isResolved: Bool {
    get { storage.isResolved }
    nonmutating set { storage.isResolved = newValue }
  }
  var expectedForm: String { Value.expectedForm }
  var isBoolean: Bool { Value.self == Bool.self }

  func assign(text: String) -> Bool {
    guard let value = Value(parameterText: text) else { return false }
    storage.value = value
    storage.isRequiredMarker = false
    return true
  }
}
