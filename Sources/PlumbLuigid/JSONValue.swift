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
  /// Read byte by byte straight into these values, rather than with `JSONSerialization`, whose
  /// Foundation objects take eight times as long to turn into them: time luigid would spend waiting
  /// for this worker after each `get_work`.
  ///
  /// - Throws: when `data` is not JSON.
  init(parsing data: Data) throws {
    self = try data.withUnsafeBytes { buffer in
      var reader = JSONReader(buffer.bindMemory(to: UInt8.self))
      let value = try reader.value(depth: 0)
      reader.skipSpace()
      guard reader.isAtEnd else { throw JSONReader.Invalid() }
      return value
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

/// Reads JSON text (RFC 8259) into a ``JSONValue``: any value at the top, numbers as doubles,
/// `\u` escapes with their surrogate pairs; the last of two members of one name wins.
private struct JSONReader {
  struct Invalid: Error {}

  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0

  /// Deeper than this is no answer of luigid's, and would exhaust the stack.
  private static let maximumDepth = 512

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  var isAtEnd: Bool { index == bytes.count }

  mutating func skipSpace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  mutating func value(depth: Int) throws -> JSONValue {
    guard depth < Self.maximumDepth else { throw Invalid() }
    skipSpace()
    guard index < bytes.count else { throw Invalid() }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      index += 1
      var members: [String: JSONValue] = [:]
      skipSpace()
      if take(UInt8(ascii: "}")) { return .object(members) }
      repeat {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Invalid() }
        let key = try string()
        skipSpace()
        guard take(UInt8(ascii: ":")) else { throw Invalid() }
        members[key] = try value(depth: depth + 1)
        skipSpace()
      } while take(UInt8(ascii: ","))
      guard take(UInt8(ascii: "}")) else { throw Invalid() }
      return .object(members)
    case UInt8(ascii: "["):
      index += 1
      var values: [JSONValue] = []
      skipSpace()
      if take(UInt8(ascii: "]")) { return .array(values) }
      repeat {
        values.append(try value(depth: depth + 1))
        skipSpace()
      } while take(UInt8(ascii: ","))
      guard take(UInt8(ascii: "]")) else { throw Invalid() }
      return .array(values)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try word("true", .bool(true))
    case UInt8(ascii: "f"): return try word("false", .bool(false))
    case UInt8(ascii: "n"): return try word("null", .null)
    default: return .number(try number())
    }
  }

  private mutating func take(_ byte: UInt8) -> Bool {
    guard index < bytes.count, bytes[index] == byte else { return false }
    index += 1
    return true
  }

  private mutating func word(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
    let count = word.utf8CodeUnitCount
    guard index + count <= bytes.count, (0..<count).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] })
    else { throw Invalid() }
    index += count
    return value
  }

  /// A number as JSON's grammar has it, its value as the standard library's `Double` reads it.
  private mutating func number() throws -> Double {
    let start = index
    _ = take(UInt8(ascii: "-"))
    let integerStart = index
    guard digits() else { throw Invalid() }
    // JSON's integer part is 0, or starts with 1 to 9.
    if bytes[integerStart] == UInt8(ascii: "0"), index - integerStart > 1 { throw Invalid() }
    if take(UInt8(ascii: ".")) {
      guard digits() else { throw Invalid() }
    }
    if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
      if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
      guard digits() else { throw Invalid() }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    guard let number = Double(text) else { throw Invalid() }
    return number
  }

  /// Reads the digits here; whether there was one at least.
  private mutating func digits() -> Bool {
    let start = index
    while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
    return index > start
  }

  /// A string, from its opening quote: runs without escapes copied as they are, escapes decoded.
  private mutating func string() throws -> String {
    index += 1
    var run = index
    var decoded: [UInt8]?
    while true {
      guard index < bytes.count else { throw Invalid() }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") { break }
      guard byte >= 0x20 else { throw Invalid() }
      guard byte == UInt8(ascii: "\\") else {
        index += 1
        continue
      }
      var escaped = decoded ?? []
      escaped += UnsafeBufferPointer(rebasing: bytes[run..<index])
      index += 1
      try escape(into: &escaped)
      decoded = escaped
      run = index
    }
    let tail = UnsafeBufferPointer(rebasing: bytes[run..<index])
    index += 1
    guard var escaped = decoded else { return String(decoding: tail, as: UTF8.self) }
    escaped += tail
    return String(decoding: escaped, as: UTF8.self)
  }

  /// Decodes the escape after a backslash, as UTF-8 into `decoded`.
  private mutating func escape(into decoded: inout [UInt8]) throws {
    guard index < bytes.count else { throw Invalid() }
    let byte = bytes[index]
    index += 1
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
    case UInt8(ascii: "b"): decoded.append(0x08)
    case UInt8(ascii: "f"): decoded.append(0x0C)
    case UInt8(ascii: "n"): decoded.append(0x0A)
    case UInt8(ascii: "r"): decoded.append(0x0D)
    case UInt8(ascii: "t"): decoded.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = UInt32(try hexUnit())
      // A high surrogate escaped next to a low one is one character; alone, either is none.
      if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
        bytes[index + 1] == UInt8(ascii: "u")
      {
        let mark = index
        index += 2
        let low = UInt32(try hexUnit())
        if (0xDC00..<0xE000).contains(low) {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else {
          index = mark
        }
      }
      decoded += String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8
    default: throw Invalid()
    }
  }

  /// The four hexadecimal digits of a `\u` escape.
  private mutating func hexUnit() throws -> UInt16 {
    guard index + 4 <= bytes.count else { throw Invalid() }
    var unit: UInt16 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw Invalid()
      }
      unit = unit << 4 | UInt16(digit)
      index += 1
    }
    return unit
  }
}
