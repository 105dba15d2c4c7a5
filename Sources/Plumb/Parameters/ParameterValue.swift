/// A type a ``Parameter`` can hold: it reads itself from command-line or config-file text and
/// writes itself back as the text that names a task (`TopSongs(tld=rs)`).
///
/// String, Int, Double, Bool, ``Day``, ``Month``, ``Year``, ``DateHour``, ``DayInterval``, arrays of
/// parameter values and string-backed enums conform. An enum becomes a choice (Luigi's
/// `ChoiceParameter`) by declaring the conformance; its raw values are the accepted texts:
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
/// A choice always has a default: `.required` needs a marker value of the type itself, which an
/// enum would have to list among its cases and so accept as a choice.
public protocol ParameterValue {
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

/// A ``ParameterValue`` with a ``required`` marker: a parameter declared `= .required` has no default
/// and must be given in code, on the command line or in the config file.
///
/// ```swift
/// @Parameter(help: "two-letter country code") var tld: String = .required
/// ```
public protocol RequirableParameterValue: ParameterValue {
  /// A marker value meaning "this parameter has no default".
  static var required: Self { get }
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
