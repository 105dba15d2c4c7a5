/// A string that equals another only when their bytes are equal.
///
/// Swift's `String` equality is canonical equivalence: `"caf\u{e9}" == "cafe\u{301}"`. Luigi compares
/// parameter values as Python strings, code point by code point, so two tasks that differ only in
/// how an accent is encoded are two tasks, with two ids and two outputs. Keys made of task names use this.
package struct ExactText: Hashable, Sendable {
  let text: String

  package init(_ text: String) { self.text = text }

  package static func == (lhs: ExactText, rhs: ExactText) -> Bool {
    lhs.text.utf8.elementsEqual(rhs.text.utf8)
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
