/// "Did you mean ...?" for a mistyped task or flag: the closest candidate by edit distance, if it is
/// close enough to be a typo rather than a different word.
enum Suggestion {
  /// The candidate nearest to `word` (ignoring case), or `nil` when none is within a third of its length.
  static func closest(to word: String, among candidates: [String]) -> String? {
    let wanted = Array(word.lowercased())
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(wanted, Array(candidate.lowercased()))
      if distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    guard let best, best.distance <= max(1, max(wanted.count, best.candidate.count) / 3) else { return nil }
    return best.candidate
  }

  /// Levenshtein distance: the fewest insertions, deletions and substitutions turning `a` into `b`.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
