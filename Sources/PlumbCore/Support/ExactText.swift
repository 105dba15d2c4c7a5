#if canImport(Glibc)
  import Glibc
#endif

/// A string that equals another only when their bytes are equal.
///
/// Swift's `String` equality is canonical equivalence: `"caf\u{e9}" == "cafe\u{301}"`. Luigi compares
/// parameter values as Python strings, code point by code point, so two tasks that differ only in
/// how an accent is encoded are two tasks, with two ids and two outputs. Keys made of task names use this.
package struct ExactText: Hashable, Sendable {
  let text: String

  package init(_ text: String) { self.text = text }

  package static func == (lhs: ExactText, rhs: ExactText) -> Bool {
    let left = lhs.text.utf8
    let right = rhs.text.utf8
    guard left.count == right.count else { return false }
    // A task graph's dictionaries compare names at every probe: a byte comparison of the stored
    // text, where the generic element-by-element walk costs several times more.
    let compared = left.withContiguousStorageIfAvailable { left in
      right.withContiguousStorageIfAvailable { right in
        left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
      }
    }
    return (compared ?? nil) ?? left.elementsEqual(right)
  }

  package func hash(into hasher: inout Hasher) {
    let utf8 = text.utf8
    hasher.combine(utf8.count)
    let hashed: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    if hashed == nil {
      for byte in utf8 { hasher.combine(byte) }
    }
  }
}
