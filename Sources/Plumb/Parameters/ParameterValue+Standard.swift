import Foundation

extension String: RequirableParameterValue {
  public init?(parameterText: String) { self = parameterText }
  public var parameterText: String { self }
  public static var expectedForm: String { "any text" }
  /// Marks a string parameter as having no default.
  public static var required: String { "\u{0}plumb-required" }
}

extension Int: RequirableParameterValue {
  public init?(parameterText: String) {
    guard let value = Int(parameterText.trimmingCharacters(in: .whitespaces)) else { return nil }
    self = value
  }
  public var parameterText: String { String(self) }
  public static var expectedForm: String { "an integer such as 42" }
  public var successor: Int? { self == .max ? nil : self + 1 }
  /// Marks an integer parameter as having no default.
  public static var required: Int { .min }
}

extension Double: RequirableParameterValue {
  public init?(parameterText: String) {
    guard let value = Double(parameterText.trimmingCharacters(in: .whitespaces)), !value.isNaN
    else { return nil }
    self = value
  }
  public var parameterText: String { String(self) }
  public static var expectedForm: String { "a number such as 0.5" }
  /// Marks a number parameter as having no default.
  public static var required: Double { -.greatestFiniteMagnitude }
}

extension Bool: ParameterValue {
  public init?(parameterText: String) {
    switch parameterText.lowercased() {
    case "true": self = true
    case "false": self = false
    default: return nil
    }
  }
  /// `True` or `False`, as Luigi prints booleans.
  public var parameterText: String { self ? "True" : "False" }
  public static var expectedForm: String { "true or false" }
}

extension Array: ParameterValue where Element: ParameterValue {
  /// Reads a JSON list (`[1, 2, 3]`, `["a", "b"]`) or, more simply, comma-separated values (`1,2,3`).
  public init?(parameterText: String) {
    let trimmed = parameterText.trimmingCharacters(in: .whitespaces)
    if trimmed.hasPrefix("[") {
      guard let data = trimmed.data(using: .utf8),
        let items = try? JSONSerialization.jsonObject(with: data) as? [Any]
      else { return nil }
      var values: [Element] = []
      for item in items {
        let text: String
        switch item {
        case let string as String: text = string
        case let number as NSNumber: text = number.stringValue
        default: return nil
        }
        guard let value = Element(parameterText: text) else { return nil }
        values.append(value)
      }
      self = values
    } else if trimmed.isEmpty {
      self = []
    } else {
      var values: [Element] = []
      for part in trimmed.split(separator: ",") {
        guard let value = Element(parameterText: part.trimmingCharacters(in: .whitespaces))
        else { return nil }
        values.append(value)
      }
      self = values
    }
  }

  /// The values as a JSON list, as Luigi's ListParameter prints them: `[1, 2]`, `["a", "b"]`.
  public var parameterText: String {
    let items = map { value -> String in
      let text = value.parameterText
      if value is any Numeric { return text }
      let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "\"", with: "\\\"")
      return "\"\(escaped)\""
    }
    return "[" + items.joined(separator: ", ") + "]"
  }

  public static var expectedForm: String {
    "a list such as [a, b] or a,b, each \(Element.expectedForm)"
  }
}

extension Array: RequirableParameterValue where Element: RequirableParameterValue {
  /// Marks a list parameter as having no default.
  public static var required: [Element] { [Element.required] }
}
