/// One of a cron expression's five fields, read into the set of values it allows.
///
/// A bit set rather than an array: matching a minute or an hour is one shift and one test, which
/// matters when a schedule walks years of minutes.
struct CronField: Hashable, Sendable {
  /// What the field is called in messages, and the values it may hold.
  struct Kind: Sendable {
    let name: String
    let range: ClosedRange<Int>
    /// Names usable instead of numbers (`JAN`, `MON`), lower-case, with their values.
    let names: [String: Int]

    static let minute = Kind(name: "minute", range: 0...59, names: [:])
    static let hour = Kind(name: "hour", range: 0...23, names: [:])
    static let dayOfMonth = Kind(name: "day of month", range: 1...31, names: [:])
    static let month = Kind(
      name: "month", range: 1...12,
      names: Dictionary(
        uniqueKeysWithValues: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
          .enumerated().map { ($1, $0 + 1) }))
    // 7 is Sunday too, as in every cron; it is folded onto 0 once read.
    static let dayOfWeek = Kind(
      name: "day of week", range: 0...7,
      names: Dictionary(
        uniqueKeysWithValues: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].enumerated().map { ($1, $0) }))
  }

  /// Bit n is set when value n is allowed.
  let bits: UInt64
  /// The field as written.
  let text: String

  /// Whether every value of `kind` is allowed.
  func allows(all kind: Kind) -> Bool {
    let upper = kind.name == Kind.dayOfWeek.name ? 6 : kind.range.upperBound
    return (kind.range.lowerBound...upper).allSatisfy(contains)
  }

  func contains(_ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }

  /// The smallest allowed value at least `value`, or `nil`.
  func first(atLeast value: Int) -> Int? {
    guard value < 64 else { return nil }
    let remaining = bits >> UInt64(value)
    guard remaining != 0 else { return nil }
    return value + remaining.trailingZeroBitCount
  }

  /// The largest allowed value at most `value`, or `nil`.
  func last(atMost value: Int) -> Int? {
    guard value >= 0 else { return nil }
    let remaining = value >= 63 ? bits : bits & ((1 << UInt64(value + 1)) - 1)
    guard remaining != 0 else { return nil }
    return 63 - remaining.leadingZeroBitCount
  }

  /// How many values are allowed.
  var count: Int { bits.nonzeroBitCount }

  /// Reads `text` (`*`, `5`, `1-5`, `*/15`, `1-10/3`, `MON-FRI`, lists of these) as a field of `kind`.
  init(_ text: String, kind: Kind, expression: String) throws {
    func fail(_ problem: String) -> ScheduleError {
      .badCron(expression: expression, field: kind.name, problem: problem)
    }
    guard !text.isEmpty else { throw fail("is empty") }
    var bits: UInt64 = 0
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard !item.isEmpty else { throw fail("'\(text)' has an empty item in its list") }
      let parts = item.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count <= 2 else { throw fail("'\(item)' has more than one step") }
      var step = 1
      if parts.count == 2 {
        guard let number = Int(parts[1]), number > 0 else {
          throw fail("'\(item)' needs a step of at least 1 after '/'")
        }
        step = number
      }
      let base = parts[0]
      var low: Int
      var high: Int
      if base == "*" {
        (low, high) = (kind.range.lowerBound, kind.range.upperBound)
      } else {
        let ends = base.split(separator: "-", omittingEmptySubsequences: false)
        // `-1` or `5-` splits into an empty end: name what was typed, not the empty part.
        guard ends.count <= 2, !ends.contains(where: \.isEmpty) else {
          throw fail(
            "'\(item)' is not a value or a range such as 1-5 "
              + "(values are \(kind.range.lowerBound)-\(kind.range.upperBound))")
        }
        low = try Self.value(String(ends[0]), kind: kind, fail: fail)
        high = ends.count == 2 ? try Self.value(String(ends[1]), kind: kind, fail: fail) : low
        // `5/15` means from 5 to the end of the range in steps of 15, as in croniter and Vixie cron.
        if ends.count == 1 && parts.count == 2 { high = kind.range.upperBound }
        guard low <= high else { throw fail("the range '\(base)' goes backwards; write the smaller value first") }
      }
      for value in stride(from: low, through: high, by: step) {
        // Sunday may be written 7; it is stored as 0.
        bits |= 1 << UInt64(kind.name == Kind.dayOfWeek.name && value == 7 ? 0 : value)
      }
    }
    self.bits = bits
    self.text = text
  }

  private static func value(_ text: String, kind: Kind, fail: (String) -> ScheduleError) throws -> Int {
    if let number = Int(text), text.allSatisfy(\.isASCII) {
      guard kind.range.contains(number) else {
        throw fail("'\(text)' is out of range \(kind.range.lowerBound)-\(kind.range.upperBound)")
      }
      return number
    }
    if let named = kind.names[text.lowercased()] { return named }
    if kind.names.isEmpty { throw fail("'\(text)' is not a number") }
    let examples = kind.name == "month" ? "JAN-DEC" : "SUN-SAT"
    throw fail("'\(text)' is not a number or a name (\(examples))")
  }
}
