import Foundation

/// A target whose data can be read back: give it ``readData()`` and it gets ``read()`` and
/// ``lines()``, which decode the bytes the same way for every kind of target.
///
/// ```swift
/// struct MemoryTarget: ReadableTarget {
///     let bytes: Data?
///     var description: String { "memory" }
///     func exists() -> Bool { bytes != nil }
///     func readData() throws -> Data {
///         guard let bytes else { throw TargetError.unreadable(path: description, reason: "does not exist") }
///         return bytes
///     }
/// }
///
/// let rows = try MemoryTarget(bytes: Data("a\tb\r\nc\td\n".utf8)).lines()  // ["a\tb", "c\td"]
/// ```
///
/// The protocol does not require `Sendable`; ``LocalTarget`` and ``ObjectStoreTarget`` are.
public protocol ReadableTarget: Target {
  /// The target's whole data as bytes.
  ///
  /// Throw a one-line error naming the target when it is missing or cannot be read.
  func readData() throws -> Data
}

extension ReadableTarget {
  /// The whole data as UTF-8 text.
  ///
  /// ```swift
  /// let model = try input().read()
  /// ```
  ///
  /// - Throws: ``TargetError/notText(path:)`` naming the target (its `description`) when the bytes
  ///   are not UTF-8, or what ``readData()`` throws.
  public func read() throws -> String {
    guard let text = String(data: try readData(), encoding: .utf8) else {
      throw TargetError.notText(path: description)
    }
    return text
  }

  /// The lines of the text, without their line endings.
  ///
  /// Lines end at `\n`, `\r\n` or `\r`, as Python reads text, so files written on any system split
  /// the same way; a final line ending does not add an empty line.
  ///
  /// ```swift
  /// for row in try input().lines() {
  ///     let fields = row.split(separator: "\t")
  /// }
  /// ```
  ///
  /// - Throws: what ``read()`` throws.
  public func lines() throws -> [String] {
    let text = try read()
    let bytes = text.utf8
    var lines: [String] = []
    var start = bytes.startIndex
    var index = start
    while index != bytes.endIndex {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
        bytes.formIndex(after: &index)
        continue
      }
      lines.append(String(text[start..<index]))
      bytes.formIndex(after: &index)
      if byte == UInt8(ascii: "\r") && index != bytes.endIndex && bytes[index] == UInt8(ascii: "\n") {
        bytes.formIndex(after: &index)
      }
      start = index
    }
    if start != bytes.endIndex { lines.append(String(text[start...])) }
    return lines
  }
}
