extension String {
  /// The text `write` appends, in one allocation of at most `capacity` UTF-8 bytes.
  ///
  /// Names the engine builds for every task (a task's text form, a target's absolute path) would
  /// otherwise allocate at each `+`; this copies each part once.
  ///
  /// ```swift
  /// let path = String(utf8Capacity: base.utf8.count + 1 + name.utf8.count) { text in
  ///   text.append(base)
  ///   text.append("/")
  ///   text.append(name)
  /// }
  /// ```
  ///
  /// - Precondition: the parts fit in `capacity` bytes.
  @inline(__always)
  package init(utf8Capacity capacity: Int, _ write: (inout UTF8Appender) -> Void) {
    self.init(unsafeUninitializedCapacity: capacity) { buffer in
      var appender = UTF8Appender(buffer: buffer)
      write(&appender)
      return appender.count
    }
  }
}

/// Appends text to the buffer of ``Swift/String/init(utf8Capacity:_:)``.
package struct UTF8Appender {
  private let buffer: UnsafeMutableBufferPointer<UInt8>
  /// The bytes written so far.
  private(set) var count = 0

  fileprivate init(buffer: UnsafeMutableBufferPointer<UInt8>) {
    self.buffer = buffer
  }

  /// Appends the UTF-8 bytes of `text`.
  @inline(__always)
  package mutating func append(_ text: String) {
    count += UnsafeMutableBufferPointer(rebasing: buffer[count...]).initialize(fromContentsOf: text.utf8)
  }

  /// Appends one ASCII character, such as `UInt8(ascii: "/")`.
  @inline(__always)
  package mutating func append(ascii byte: UInt8) {
    buffer[count] = byte
    count += 1
  }
}
