/// Rows of a `COPY … FROM STDIN` in COPY's text format, framed as a CopyData message in a buffer
/// the connection writes to the socket as it is: a million rows go out with no copy of their bytes
/// and no allocation per row. `\N` is NULL; backslash, tab, newline and return are escaped.
///
/// ```swift
/// let buffer = PostgresCopyBuffer()
/// buffer.append(["1", "tab\there", nil])   // d, length, "1\ttab\\there\t\\N\n"
/// if buffer.isFull { try send(buffer.finishedMessage()); buffer.removeAll() }
/// ```
@usableFromInline
final class PostgresCopyBuffer {
  /// How much to gather before a write: a few writes a megabyte, and little memory.
  @usableFromInline static let flushSize = 256 * 1024
  private var start: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var count = 0
  /// Where the open CopyData frame's type byte is.
  private var frameStart = 0

  /// An empty buffer.
  @usableFromInline init() {
    capacity = Self.flushSize + 64 * 1024
    start = .allocate(capacity: capacity)
    openFrame()
  }

  deinit { start.deallocate() }

  /// Whether enough has gathered for a write.
  @usableFromInline var isFull: Bool { count >= Self.flushSize }

  /// Whether no row waits.
  var isEmpty: Bool { count == 5 }

  /// Appends one row: its values separated by tabs, and a newline.
  @usableFromInline func append(_ row: [String?]) {
    for index in row.indices {
      if index > 0 { appendByte(UInt8(ascii: "\t")) }
      if var value = row[index] {
        value.withUTF8 { appendEscaped($0) }
      } else {
        reserve(2)
        start[count] = UInt8(ascii: "\\")
        start[count + 1] = UInt8(ascii: "N")
        count += 2
      }
    }
    appendByte(UInt8(ascii: "\n"))
  }

  /// The CopyData message of the rows gathered, with its length written in (nothing when no row
  /// waits); valid until the next change.
  func finishedMessage() -> UnsafeRawBufferPointer {
    closeFrame()
    return UnsafeRawBufferPointer(start: start, count: count)
  }

  /// Forgets the rows gathered, keeping the memory.
  func removeAll() {
    count = 0
    openFrame()
  }

  private func appendByte(_ byte: UInt8) {
    reserve(1)
    start[count] = byte
    count += 1
  }

  /// Appends `bytes`, escaping the four bytes COPY's text format gives meaning to. Most values
  /// have none of them and are copied whole.
  private func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
    reserve(bytes.count * 2)
    var plain = true
    for byte in bytes where byte == UInt8(ascii: "\\") || byte < 14 {
      if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
        || byte == UInt8(ascii: "\r")
      {
        plain = false
        break
      }
    }
    if plain {
      (start + count).update(from: bytes.baseAddress!, count: bytes.count)
      count += bytes.count
      return
    }
    for byte in bytes {
      let escape: UInt8? =
        switch byte {
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "\t"): UInt8(ascii: "t")
        case UInt8(ascii: "\n"): UInt8(ascii: "n")
        case UInt8(ascii: "\r"): UInt8(ascii: "r")
        default: nil
        }
      if let escape {
        start[count] = UInt8(ascii: "\\")
        start[count + 1] = escape
        count += 2
      } else {
        start[count] = byte
        count += 1
      }
    }
  }

  /// Makes room for `extra` more bytes.
  private func reserve(_ extra: Int) {
    guard count + extra > capacity else { return }
    let grown = max(capacity * 2, count + extra + 5)
    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    larger.update(from: start, count: count)
    start.deallocate()
    start = larger
    capacity = grown
  }

  /// Starts a CopyData frame: its type and room for its length.
  private func openFrame() {
    reserve(5)
    frameStart = count
    start[count] = UInt8(ascii: "d")
    count += 5
  }

  /// Writes the open frame's length, or drops it when it holds nothing.
  private func closeFrame() {
    let length = count - frameStart - 1
    if length == 4 {
      count = frameStart
      return
    }
    let bits = UInt32(length)
    start[frameStart + 1] = UInt8(truncatingIfNeeded: bits >> 24)
    start[frameStart + 2] = UInt8(truncatingIfNeeded: bits >> 16)
    start[frameStart + 3] = UInt8(truncatingIfNeeded: bits >> 8)
    start[frameStart + 4] = UInt8(truncatingIfNeeded: bits)
  }
}
