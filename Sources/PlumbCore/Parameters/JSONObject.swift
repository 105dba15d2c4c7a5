/// A JSON object whose members keep their order: Luigi's `DictParameter`.
///
/// Its text form is JSON as Python's `json.dumps` writes it, `{"start": "1998-03-23", "num": 3}`
/// (a space after `,` and `:`, non-ASCII characters as `\u` escapes, members in the order given),
/// so a task's id is the same in Luigi's scheduler. It reads any JSON object; numbers without a
/// fraction or exponent are integers, as in Python.
///
/// ```swift
/// struct Export: PipelineTask {
///     @Parameter(help: "the export's settings") var args: JSONObject = ["format": "csv", "limit": 100]
///     func output() -> LocalTarget { LocalTarget("export-\(args["format"]?.string ?? "raw").txt") }
/// }
/// ```
public struct JSONObject: RequirableParameterValue, Hashable, Sendable, CustomStringConvertible,
  ExpressibleByDictionaryLiteral
{
  /// A JSON value.
  public indirect enum Value: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
  {
    case null
    case bool(Bool)
    /// A number without a fraction or an exponent.
    case integer(Int)
    case number(Double)
    case string(String)
    case array([Value])
    case object(JSONObject)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
      self = .object(JSONObject(members: elements.map { Member(key: $0.0, value: $0.1) }))
    }

    /// The string, or `nil` for another kind of value.
    public var string: String? {
      if case .string(let value) = self { return value }
      return nil
    }

    /// The value as Python's `json.dumps` writes it.
    package var text: String {
      switch self {
      case .null: return "null"
      case .bool(let value): return value ? "true" : "false"
      case .integer(let value): return String(value)
      // Swift's shortest round-trip text matches Python's repr: 3.0, 0.1, 1e+16, 1e-05.
      case .number(let value): return value.description
      case .string(let value): return TaskInfo.jsonString(value)
      case .array(let values): return "[" + values.map(\.text).joined(separator: ", ") + "]"
      case .object(let object): return object.parameterText
      }
    }
  }

  /// One member: a key and its value.
  public struct Member: Hashable, Sendable {
    public let key: String
    public let value: Value
  }

  /// The members, in order; no key twice.
  public let members: [Member]

  private init(members: [Member]) {
    // As Python's ordered dictionaries: a repeated key keeps its first place and its last value.
    var kept: [Member] = []
    var index: [String: Int] = [:]
    for member in members {
      if let place = index[member.key] {
        kept[place] = member
      } else {
        index[member.key] = kept.count
        kept.append(member)
      }
    }
    self.members = kept
  }

  /// The object with these members, in this order.
  public init(dictionaryLiteral elements: (String, Value)...) {
    self.init(members: elements.map { Member(key: $0.0, value: $0.1) })
  }

  /// The value of `key`, or `nil` when the object has no such member.
  public subscript(key: String) -> Value? {
    members.first { $0.key == key }?.value
  }

  /// Reads a JSON object; anything else (an array, a number, text that is not JSON) gives `nil`.
  public init?(parameterText: String) {
    var reader = Reader(Array(parameterText.utf8))
    guard let value = reader.value(depth: 0), reader.atEnd, case .object(let object) = value else { return nil }
    self = object
  }

  /// The object as Python's `json.dumps` writes it: `{"start": "1998-03-23", "num": 3}`.
  public var parameterText: String {
    "{" + members.map { TaskInfo.jsonString($0.key) + ": " + $0.value.text }.joined(separator: ", ") + "}"
  }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "a JSON object such as {\"start\": \"1998-03-23\", \"num\": 3}" }

  /// What a required JSON parameter reads as until a run gives it a value: `{}`.
  public static var placeholder: JSONObject { [:] }

  /// The text form.
  public var description: String { parameterText }

  /// A strict JSON reader (RFC 8259) that keeps the order of members.
  fileprivate struct Reader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool {
      mutating get {
        skipSpace()
        return position == bytes.count
      }
    }

    mutating func skipSpace() {
      while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
      skipSpace()
      guard position < bytes.count, bytes[position] == byte else { return false }
      position += 1
      return true
    }

    mutating func take(word: String) -> Bool {
      let word = Array(word.utf8)
      guard bytes[position...].starts(with: word) else { return false }
      position += word.count
      return true
    }

    /// A value; deep nesting is refused rather than recursed into without end.
    mutating func value(depth: Int) -> Value? {
      skipSpace()
      guard position < bytes.count, depth < 100 else { return nil }
      switch bytes[position] {
      case UInt8(ascii: "{"):
        position += 1
        var members: [Member] = []
        if take(UInt8(ascii: "}")) { return .object(JSONObject(members: members)) }
        repeat {
          skipSpace()
          guard let key = string(), take(UInt8(ascii: ":")), let value = value(depth: depth + 1) else { return nil }
          members.append(Member(key: key, value: value))
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? .object(JSONObject(members: members)) : nil
      case UInt8(ascii: "["):
        position += 1
        var values: [Value] = []
        if take(UInt8(ascii: "]")) { return .array(values) }
        repeat {
          guard let value = value(depth: depth + 1) else { return nil }
          values.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? .array(values) : nil
      case UInt8(ascii: "\""):
        return string().map(Value.string)
      case UInt8(ascii: "t"): return take(word: "true") ? .bool(true) : nil
      case UInt8(ascii: "f"): return take(word: "false") ? .bool(false) : nil
      case UInt8(ascii: "n"): return take(word: "null") ? .null : nil
      default: return number()
      }
    }

    mutating func string() -> String? {
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
      position += 1
      // Most strings (every key and id luigid sends) have no escape: their bytes are the text.
      let start = position
      while position < bytes.count, bytes[position] >= 0x20, bytes[position] != UInt8(ascii: "\""),
        bytes[position] != UInt8(ascii: "\\")
      {
        position += 1
      }
      if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
        position += 1
        return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
      }
      position = start
      var units: [UInt16] = []
      var raw: [UInt8] = []
      // Raw bytes are UTF-8; escapes are UTF-16 units (a pair for characters past U+FFFF).
      func flush() { units += String(decoding: raw, as: UTF8.self).utf16; raw = [] }
      while position < bytes.count {
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""):
          flush()
          return String(decoding: units, as: UTF16.self)
        case UInt8(ascii: "\\"):
          flush()
          guard position < bytes.count else { return nil }
          let escape = bytes[position]
          position += 1
          switch escape {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): units.append(UInt16(escape))
          case UInt8(ascii: "b"): units.append(0x08)
          case UInt8(ascii: "f"): units.append(0x0C)
          case UInt8(ascii: "n"): units.append(0x0A)
          case UInt8(ascii: "r"): units.append(0x0D)
          case UInt8(ascii: "t"): units.append(0x09)
          case UInt8(ascii: "u"):
            guard position + 4 <= bytes.count,
              let unit = UInt16(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
            else { return nil }
            units.append(unit)
            position += 4
          default: return nil
          }
        case 0x00..<0x20: return nil
        default: raw.append(byte)
        }
      }
      return nil
    }

    mutating func number() -> Value? {
      let start = position
      if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
      let digitsStart = position
      while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
      let integerDigits = position - digitsStart
      // JSON has no leading zeros: 0 alone, or a digit 1–9 first.
      guard integerDigits > 0, integerDigits == 1 || bytes[digitsStart] != 0x30 else { return nil }
      var isInteger = true
      if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
        isInteger = false
        position += 1
        let fraction = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
        guard position > fraction else { return nil }
      }
      if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
        isInteger = false
        position += 1
        if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
          position += 1
        }
        let exponent = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
        guard position > exponent else { return nil }
      }
      let text = String(decoding: bytes[start..<position], as: UTF8.self)
      if isInteger { return Int(text).map(Value.integer) }
      return Double(text).flatMap { $0.isFinite ? .number($0) : nil }
    }
  }
}

extension JSONObject.Value {
  /// Reads any JSON value from `bytes` (UTF-8), as strictly as a parameter's text is read; `nil`
  /// when they are not JSON. luigid's answers are read so too.
  package init?(jsonText bytes: [UInt8]) {
    var reader = JSONObject.Reader(bytes)
    guard let value = reader.value(depth: 0), reader.atEnd else { return nil }
    self = value
  }
}
