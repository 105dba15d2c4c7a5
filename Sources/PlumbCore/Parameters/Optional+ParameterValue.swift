/// An optional parameter: `None` (Luigi's word, as Luigi prints a parameter left at `None`) or an
/// empty text for no value, else the wrapped type's text.
///
/// ```swift
/// struct Report: PipelineTask {
///     @Parameter(help: "the last day, if any") var until: Day? = nil
/// }
/// // --until 2024-01-31 sets it; --until None clears it; Report(until=None) in the summary
/// ```
extension Optional: ParameterValue where Wrapped: ParameterValue {
  /// Reads `None` or an empty text as `nil`, anything else as the wrapped type reads it.
  ///
  /// ```swift
  /// Day?(parameterText: "None")   // .some(nil): a valid value, none
  /// Day?(parameterText: "2024-01-01")   // .some(2024-01-01)
  /// ```
  public init?(parameterText: String) {
    if parameterText.isEmpty || parameterText == "None" {
      self = .none
      return
    }
    guard let value = Wrapped(parameterText: parameterText) else { return nil }
    self = .some(value)
  }

  /// `None`, or the value's text.
  ///
  /// ```swift
  /// (nil as Day?).parameterText   // None
  /// ```
  public var parameterText: String { map(\.parameterText) ?? "None" }

  /// The wrapped type's form, or None.
  public static var expectedForm: String { Wrapped.expectedForm + ", or None for none" }

  /// The wrapped value's successor, so that runs of optional days still show as ranges.
  public var successor: Wrapped?? {
    guard let value = self else { return nil }
    return value.successor.map { .some($0) }
  }
}

/// An optional parameter may be required too: it must then be given, if only as None.
///
/// ```swift
/// @Parameter(help: "the last day, or None for no limit") var until: Day? = .required
/// ```
extension Optional: RequirableParameterValue where Wrapped: ParameterValue {
  /// None: a required optional parameter reads as it until a run gives it a value.
  public static var placeholder: Wrapped? { nil }
}

extension Optional where Wrapped: ExpressibleByNilLiteral & ParameterValue {
  /// No value for a parameter whose values are optional: `var until: Day? = .required`.
  ///
  /// ```swift
  /// @Parameter(help: "the last day, or None for no limit") var until: Day? = .required
  /// ```
  ///
  /// `Wrapped` is the parameter's own optional type here (`Day?`), so this is the `nil` of the
  /// optional around it, which picks the initializer for required parameters. It is found before
  /// ``RequirableParameterValue/required`` of `Day`, which would make `nil` a default.
  public static var required: Self { nil }
}
