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
    var bytes: [UInt8] = []
    write(to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the bytes of ``text`` to `bytes`: into one buffer, rather than joined from a string
  /// for each value, because every call to luigid is written so while luigid waits for it.
  func write(to bytes: inout [UInt8]) {
    switch self {
    case .null: bytes += Self.nullBytes
    case .bool(let value): bytes += value ? Self.trueBytes : Self.falseBytes
    case .number(let value):
      if value.rounded() == value, abs(value) < 1e15 {
        bytes += String(Int64(value)).utf8
      } else if value.isFinite {
        bytes += String(value).utf8
      } else {
        bytes += Self.nullBytes
      }
    case .string(let value): Self.write(value, to: &bytes)
    case .array(let values):
      bytes.append(UInt8(ascii: "["))
      for (index, value) in values.enumerated() {
        if index > 0 { bytes += Self.separator }
        value.write(to: &bytes)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      bytes.append(UInt8(ascii: "{"))
      for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
        if index > 0 { bytes += Self.separator }
        Self.write(member.key, to: &bytes)
        bytes += Self.colon
        member.value.write(to: &bytes)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  private static let nullBytes = Array("null".utf8)
  private static let trueBytes = Array("true".utf8)
  private static let falseBytes = Array("false".utf8)
  private static let separator = Array(", ".utf8)
  private static let colon = Array(": ".utf8)

  /// `text` as ``TaskInfo/jsonString(_:)`` writes it (as Python's `json.dumps` does), its bytes
  /// copied as they are while they are printable ASCII, as luigid's ids and names are.
  private static func write(_ text: String, to bytes: inout [UInt8]) {
    let start = bytes.count
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"):
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(byte)
      case 0x20..<0x7F:
        bytes.append(byte)
      default:
        // A control character, or beyond ASCII: Python escapes them UTF-16 unit by unit.
        bytes.removeSubrange(start...)
        bytes += TaskInfo.jsonString(text).utf8
        return
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Parses JSON text.
  ///
  /// Read by the strict reader that reads a `JSONObject` parameter's text, rather than with
  /// `JSONSerialization`, whose Foundation objects take several times as long to turn into these
  /// values: time luigid would spend waiting for this worker after each `get_work`.
  ///
  /// - Throws: when `data` is not JSON.
  init(parsing data: Data) throws {
    guard let value = JSONObject.Value(jsonText: Array(data)) else { throw NotJSON() }
    self.init(value)
  }

  /// Why an answer could not be read.
  struct NotJSON: Error {}

  /// `value` as luigid's answers are used: numbers as doubles; of two members of one name, the last.
  private init(_ value: JSONObject.Value) {
    switch value {
    case .null: self = .null
    case .bool(let value): self = .bool(value)
    case .integer(let value): self = .number(Double(value))
    case .number(let value): self = .number(value)
    case .string(let value): self = .string(value)
    case .array(let values): self = .array(values.map(JSONValue.init))
    case .object(let object):
      var members: [String: JSONValue] = [:]
      members.reserveCapacity(object.members.count)
      for member in object.members { members[member.key] = JSONValue(member.value) }
      self = .object(members)
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
