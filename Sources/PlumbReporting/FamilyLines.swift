import PlumbCore

#if canImport(Glibc)
  import Glibc
#endif

/// The lines that list one summary category's tasks, one line per family, as Luigi groups them:
/// `- 28 Streams(date=2022-02-01...2022-02-28)`, `- 3 S(x=1,2,3)`, `- 2 P(x=1, y=k) and P(x=2, y=k)`.
struct FamilyLines {
  /// At most this many family lines, then a line `...`; `0` or less for no limit.
  let maximumLines: Int
  /// The spaces before each line: 4 for a category, 8 for a pending sub-category.
  let indent: String

  /// One line per family, families and the tasks inside each in code-point order of their names.
  func lines(for tasks: [TaskInfo]) -> [String] {
    let families = Dictionary(grouping: tasks, by: \.family)
    var lines: [String] = []
    for family in families.keys.sorted(by: precedesInCodePointOrder) {
      if maximumLines > 0 && lines.count >= maximumLines {
        lines.append(indent + "...")
        break
      }
      let group = families[family, default: []]
      lines.append(indent + "- \(group.count) " + Self.describe(group, family: family))
    }
    return lines
  }

  /// The text after the count for one family's tasks, which all share `family`, in any order:
  /// Luigi lists them in code-point order of their text forms, which only a list of values needs
  /// whole (a family's tasks are most often one range, and a sort of 100,000 names costs more
  /// than the rest of the summary).
  private static func describe(_ group: [TaskInfo], family: String) -> String {
    let inOrder = { (left: TaskInfo, right: TaskInfo) in precedesInCodePointOrder(left.description, right.description) }
    let first = group.min(by: inOrder)!
    let parameters = first.parameters
    if parameters.isEmpty { return family + "()" }
    let namesLength = parameters.reduce(0) { $0 + $1.name.unicodeScalars.count }
    let textLength = first.description.unicodeScalars.count
    // Names or values this long would make a line nobody reads; Luigi shows only the family.
    if namesLength > 60 || textLength > 200
      || (group.count == 2 && parameters.count > 1 && (namesLength > 40 || textLength > 100))
    {
      return family + "(...)"
    }
    if parameters.count == 1 {
      let name = parameters[0].name
      let values = ParameterValues(group, name: name)
      if let range = values.contiguousRange, values.distinct.count > 3 {
        return "\(family)(\(name)=\(range.first)...\(range.last))"
      }
      return
        "\(family)(\(name)=\(commaList(group.sorted(by: inOrder).map { ParameterValues.parameter(of: $0, name: name)?.value })))"
    }
    let varying = parameters.filter { ParameterValues(group, name: $0.name).distinct.count > 1 }
    if varying.count == 1 {
      let values = ParameterValues(group, name: varying[0].name)
      if let range = values.contiguousRange, values.distinct.count > 2 {
        let shown = parameters.map { parameter in
          parameter.name + "="
            + (parameter.name == varying[0].name ? "\(range.first)...\(range.last)" : parameter.value)
        }
        return family + "(" + shown.joined(separator: ", ") + ")"
      }
    }
    switch group.count {
    case 1: return first.description
    case 2: return "\(first) and \(group.max(by: inOrder)!)"
    default: return "\(first) ..."
    }
  }

  /// Values joined by commas, cut with `...` once the text reaches 30 characters with more than
  /// two values shown (unless only the last is left), or passes 200.
  private static func commaList(_ values: [String?]) -> String {
    var row = ""
    for (count, value) in values.enumerated() {
      let length = row.unicodeScalars.count
      if (length >= 30 && count > 2 && count != values.count - 1) || length > 200 {
        row += "..."
        break
      }
      row += value ?? ""
      if count < values.count - 1 { row += "," }
    }
    return row
  }
}

/// The different values one parameter takes across a family's tasks, with each value's successor.
private struct ParameterValues {
  /// The next value in order after each different value, `nil` when its type has no order.
  private let successors: [String?: String?]

  init(_ tasks: [TaskInfo], name: String) {
    let found = tasks.map { Self.parameter(of: $0, name: name) }
    successors = Dictionary(found.map { ($0?.value, $0?.successor) }, uniquingKeysWith: { first, _ in first })
  }

  /// `task`'s parameter `name`; `nil` when the task lacks it.
  static func parameter(of task: TaskInfo, name: String) -> TaskInfo.NamedValue? {
    task.parameters.first { $0.name == name }
  }

  /// The different values.
  var distinct: Dictionary<String?, String?>.Keys { successors.keys }

  /// The first and last value when the values form one unbroken run (each value's successor is
  /// the next), as Luigi's `_ranging_attributes` finds it with `next_in_enumeration`: exactly one
  /// value follows none of the others (the first), and exactly one successor is not among the
  /// values (the one after the last).
  ///
  /// Each value and its successor are read from the table as they are stored, so a 100,000-task
  /// fan-in's summary looks up each value about twice rather than sets of them built and subtracted.
  var contiguousRange: (first: String, last: String)? {
    // The successors that are values too; a successor that is not is the one after the last.
    var followers = Set<String?>(minimumCapacity: successors.count)
    var afterLast: String??
    for (_, successor) in successors {
      if successors[successor] != nil {
        followers.insert(successor)
      } else if afterLast == nil {
        afterLast = .some(successor)
      } else if afterLast != .some(successor) {
        return nil
      }
    }
    guard successors.count - followers.count == 1, let afterLast,
      case let start?? = successors.keys.first(where: { !followers.contains($0) })
    else { return nil }
    // The first in code-point order of the values followed by `afterLast`: one pass, not a sort
    // of every value.
    var last: String??
    for (value, successor) in successors where successor == afterLast {
      if last.map({ precedesInCodePointOrder(value ?? "", $0 ?? "") }) ?? true { last = value }
    }
    guard case let last?? = last else { return nil }
    return (start, last)
  }
}

/// Whether `left` sorts before `right` by Unicode code points, as Python compares strings.
///
/// Compares the UTF-8 bytes, which UTF-8 orders as their code points, and which a native string
/// holds as they are, rather than decoding each scalar.
func precedesInCodePointOrder(_ left: String, _ right: String) -> Bool {
  // memcmp, where the bytes are at hand: sorting a 100,000-task family's names compares them
  // some 1.7 million times.
  let compared = left.utf8.withContiguousStorageIfAvailable { left in
    right.utf8.withContiguousStorageIfAvailable { right in
      let shared = min(left.count, right.count)
      let order = shared == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, shared)
      return order != 0 ? order < 0 : left.count < right.count
    }
  }
  return (compared ?? nil) ?? left.utf8.lexicographicallyPrecedes(right.utf8)
}
