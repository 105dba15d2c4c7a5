/// The words of `text`, as exercise 5 counts them: split at white space, lower-cased, with every
/// character that is not a letter or a digit removed; what is left empty is not a word.
func words(in text: String) -> [String] {
  text.split(whereSeparator: \.isWhitespace).compactMap { piece in
    let word = String(piece.lowercased().filter { $0.isLetter || $0.isNumber })
    return word.isEmpty ? nil : word
  }
}
