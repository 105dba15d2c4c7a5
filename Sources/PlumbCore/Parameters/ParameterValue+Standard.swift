import Foundation

/// Text, taken as given: `--name "a b"`.
extension String: RequirableParameterValue {
  /// The text itself; every text is valid.
  public init?(parameterText: String) { self = parameterText }
  /// The text itself.
  public var parameterText: String { self }
  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "any text" }
  /// What a required text parameter reads as until a run gives it a value: empty.
  public static var placeholder: String { "" }
}

/// A whole number: `--times 3`.
extension Int: RequirableParameterValue {
  /// Reads decimal digits with an optional sign; spaces around them are ignored, as Python's `int` does.
  public init?(parameterText: String) {
    guard let value = Int(parameterText.trimmingWhitespace()) else { return nil }
    self = value
  }
  /// The number in decimal.
  public var parameterText: String { String(self) }
  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "an integer such as 42" }
  /// The next integer, so that the execution summary shows runs of numbers as `1...28`.
  public var successor: Int? { self == .max ? nil : self + 1 }
  /// What a required integer parameter reads as until a run gives it a value: 0.
  public static var placeholder: Int { 0 }
}

/// A number: `--rate 0.5`.
extension Double: RequirableParameterValue {
  /// Reads a decimal number such as `0.5`, `2`, `1e-3` or `inf`, as Python's `float` does;
  /// `nan`, hexadecimal forms and text with a NUL byte in it (`0.7\0junk`) are refused.
  public init?(parameterText: String) {
    let text = parameterText.trimmingWhitespace()
    // Double(_:) hands the text to C's strtod, which stops at a NUL and would ignore the rest.
    guard !text.utf8.contains(where: { $0 == 0 || $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") }),
      let value = Double(text), !value.isNaN
    else { return nil }
    self = value
  }
  /// The shortest text that reads back as the same number, as Python prints floats: `0.5`, `1.0`, `1e-05`.
  public var parameterText: String { String(self) }
  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "a number such as 0.5" }
  /// What a required number parameter reads as until a run gives it a value: 0.
  public static var placeholder: Double { 0 }
}

/// A yes-or-no switch: `--verbose` alone sets it, `--verbose false` clears it.
extension Bool: ParameterValue {
  /// Reads `true` or `false` in any case (`True`, `FALSE`), as Luigi's `BoolParameter` does.
  public init?(parameterText: String) {
    switch parameterText.lowercased() {
    case "true": self = true
    case "false": self = false
    default: return nil
    }
  }
  /// `True` or `False`, as Luigi prints booleans.
  public var parameterText: String { self ? "True" : "False" }
  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "true or false" }
}

/// A list: `--sizes [1, 2, 3]` or `--sizes 1,2,3`.
extension Array: ParameterValue where Element: ParameterValue {
  /// Reads a JSON list (`[1, 2, 3]`, `["a", "b"]`, `[true, false]`), as Luigi's `ListParameter`
  /// does, or, more simply, comma-separated values (`1,2,3`; empty text is the empty list).
  ///
  /// The comma form has no empty items: `1,,2`, `a,` and `,` are refused rather than read as
  /// `[1, 2]`, since a doubled or trailing comma is more likely a slip than a wish. A list of
  /// strings that holds an empty string is written in JSON, which keeps it, as Luigi does:
  ///
  /// ```swift
  /// [Int](parameterText: "1,2, 3")           // [1, 2, 3]
  /// [Int](parameterText: "1,,2")             // nil
  /// [String](parameterText: #"["a", ""]"#)   // ["a", ""]
  /// ```
  public init?(parameterText: String) {
    let trimmed = parameterText.trimmingWhitespace()
    var values: [Element] = []
    if trimmed.hasPrefix("[") {
      guard let scalars = try? JSONDecoder().decode([JSONScalar].self, from: Data(trimmed.utf8)) else { return nil }
      for scalar in scalars {
        guard let value = Element(parameterText: scalar.text) else { return nil }
        values.append(value)
      }
    } else if !trimmed.isEmpty {
      // Split at every comma, found as a byte, also where a combining mark after it makes one
      // Character of the two. Each item is read as it comes: a long list with a bad first item costs little.
      let bytes = trimmed.utf8
      var start = bytes.startIndex
      while true {
        let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
        let item = trimmed.unicodeScalars[start..<end].trimmingWhitespace()
        guard !item.isEmpty, let value = Element(parameterText: item) else { return nil }
        values.append(value)
        guard end != bytes.endIndex else { break }
        start = bytes.index(after: end)
      }
    }
    self = values
  }

  /// The values as a JSON list, as Luigi's ListParameter prints them: `[1, 2]`, `["a", "b"]`, `[true, false]`.
  ///
  /// JSON has no infinite numbers, so an infinity is written as a string, `["inf"]`, which reads
  /// back as the same number.
  public var parameterText: String {
    let items = map { value -> String in
      switch value {
      case let flag as Bool: return flag ? "true" : "false"
      case let number as Double where !number.isFinite: return TaskInfo.jsonString(value.parameterText)
      case is any Numeric: return value.parameterText
      default: return TaskInfo.jsonString(value.parameterText)
      }
    }
    return "[" + items.joined(separator: ", ") + "]"
  }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String {
    "a list such as [a, b] or a,b with no empty items, each \(Element.expectedForm)"
  }
}

/// One item of a JSON list parameter, as the text its element type reads.
private struct JSONScalar: Decodable {
  let text: String

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    // A JSON string decodes as nothing else, so trying it first spares a list of strings three failures per item.
    if let string = try? container.decode(String.self) {
      text = string
    } else if let flag = try? container.decode(Bool.self) {
      text = flag ? "true" : "false"
    } else if let integer = try? container.decode(Int.self) {
      text = String(integer)
    } else {
      text = String(try container.decode(Double.self))
    }
  }
}

extension Array: RequirableParameterValue where Element: ParameterValue {
  /// What a required list parameter reads as until a run gives it a value: empty.
  public static var placeholder: [Element] { [] }
}
