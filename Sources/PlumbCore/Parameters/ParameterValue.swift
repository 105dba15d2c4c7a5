/// A type a ``Parameter`` can hold: it reads itself from command-line or config-file text and
/// writes itself back as the text that names a task (`TopSongs(tld=rs)`).
///
/// String, Int, Double, Bool, ``Day``, ``Month``, ``Year``, ``DateHour``, ``DateMinute``,
/// ``DateSecond``, ``TimeDelta``, ``JSONObject``, ``DaySpan``, arrays of parameter values and
/// string-backed enums conform. An enum becomes a choice (Luigi's `ChoiceParameter`) by declaring
/// the conformance; its raw values are the accepted texts:
///
/// ```swift
/// enum Mode: String, CaseIterable, ParameterValue { case fast, thorough }
///
/// struct Train: PipelineTask {
///     @Parameter(help: "how hard to try") var mode: Mode = .fast
/// }
/// // --mode quick fails with: Train: cannot use 'quick' for parameter 'mode' (from --mode): expected one of fast, thorough
/// ```
///
/// A choice can also be required: declare `RequirableParameterValue` instead, and write `= .required`.
public protocol ParameterValue: Sendable {
  /// Reads a value from its text form, or returns `nil` when the text is not a valid value.
  init?(parameterText: String)
  /// The text form used in task names, ids and `--help`.
  var parameterText: String { get }
  /// What valid text looks like, for error messages: "an integer such as 42".
  static var expectedForm: String { get }
  /// The next value in order (the next integer, day or month), or `nil` for types without one.
  /// The execution summary uses it to print runs of tasks as ranges: `Streams(date=2022-02-01...2022-02-28)`.
  var successor: Self? { get }
}

extension ParameterValue {
  /// No successor: the values have no order to step through.
  public var successor: Self? { nil }
}

/// A ``ParameterValue`` a parameter may require: a parameter declared `= .required` has no default
/// and must be given in code, on the command line or in the config file.
///
/// ```swift
/// @Parameter(help: "two-letter country code") var tld: String = .required
/// enum Mode: String, CaseIterable, RequirableParameterValue { case fast, thorough }
/// ```
///
/// "Required" is a state of the ``Parameter``, not a value: every value of the type stays a legal
/// value (`--count -9223372036854775808` is a value like any other), and ``placeholder`` is only
/// what the parameter reads as before a run gives it one.
public protocol RequirableParameterValue: ParameterValue {
  /// What a required parameter reads as until a run gives it a value. Any value of the type will
  /// do: it is never taken for a value given in code, on the command line or in the config file.
  static var placeholder: Self { get }
}

extension RequirableParameterValue {
  /// No value: the initial value of a parameter without a default.
  ///
  /// ```swift
  /// @Parameter(help: "two-letter country code") var tld: String = .required
  /// ```
  ///
  /// It is `nil`, not a value of the type, so that nothing can take it for a value: Swift picks the
  /// ``Parameter`` initializer that takes an optional, which records that the parameter has none.
  public static var required: Self? { nil }
}

extension RequirableParameterValue where Self: CaseIterable {
  /// The first case: a required choice reads as it until a run gives it a value.
  public static var placeholder: Self { allCases.first! }
}

extension ParameterValue where Self: CaseIterable & RawRepresentable, RawValue == String {
  /// Reads a case from its raw value, exactly (case matters, as in Luigi's `ChoiceParameter`).
  public init?(parameterText: String) {
    self.init(rawValue: parameterText)
  }
  /// The case's raw value.
  public var parameterText: String { rawValue }
  /// The choices: "one of fast, thorough".
  public static var expectedForm: String {
    "one of " + allCases.map(\.rawValue).joined(separator: ", ")
  }
}
