import Foundation
import PlumbCore

/// A JSON value as luigid's API takes and gives it.
///
/// Written by hand rather than with `JSONEncoder`: luigid's keyword arguments mix types freely
/// (`"deps": null`, `"priority": 0`, `"params": {...}`), and strings are written as Python's
/// `json.dumps` writes them (``TaskInfo/jsonString(_:)``), so luigid stores the bytes a Python
/// worker would have sent.
enum JSONValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByNilLiteral
{
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(stringLiteral value: String) { self = .string(value) }
  init(booleanLiteral value: Bool) { self = .bool(value) }
  init(integerLiteral value: Int) { self = .number(Double(value)) }
  init(nilLiteral: ()) { self = .null }

  /// The compact JSON text; object keys sorted, so the same value always gives the same text.
  var text: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .number(let value):
      if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
      return value.isFinite ? String(value) : "null"
    case .string(let value): return TaskInfo.jsonString(value)
    case .array(let values): return "[" + values.map(\.text).joined(separator: ", ") + "]"
    case .object(let members):
      return "{"
        + members.sorted { $0.key < $1.key }.map { TaskInfo.jsonString($0.key) + ": " + $0.value.text }
        .joined(separator: ", ") + "}"
    }
  }

  /// Parses JSON text.
  ///
  /// - Throws: when `data` is not JSON.
  init(parsing data: Data) throws {
    self = Self.converting(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
  }

  private static func converting(_ value: Any) -> JSONValue {
    switch value {
    case is NSNull: return .null
    case let text as String: return .string(text)
    case let values as [Any]: return .array(values.map(converting))
    case let members as [String: Any]: return .object(members.mapValues(converting))
    // JSON's true and false come as NSNumbers too; their type code `c` (a C char, which no JSON
    // number gets) tells them apart, where `as? Bool` would also take the numbers 0 and 1.
    case let number as NSNumber where String(cString: number.objCType) == "c": return .bool(number.boolValue)
    case let number as NSNumber: return .number(number.doubleValue)
    default: return .null
    }
  }

  /// The member `key` of an object; `nil` for a missing key or a value that is not an object.
  subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members[key]
  }

  /// The string, if this is one.
  var string: String? {
    guard case .string(let value) = self else { return nil }
    return value
  }

  /// The number as an integer, if this is a whole number.
  var integer: Int? {
    guard case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 else { return nil }
    return Int(value)
  }

  /// The number, if this is one: luigid's times are seconds since 1970 with a fraction.
  var double: Double? {
    guard case .number(let value) = self else { return nil }
    return value
  }

  /// The elements, if this is an array.
  var elements: [JSONValue]? {
    guard case .array(let values) = self else { return nil }
    return values
  }
}
