/// "Did you mean ...?" for a mistyped task or flag: the closest candidate by edit distance, if it is
/// close enough to be a typo rather than a different word.
enum Suggestion {
  /// The candidate nearest to `word` (ignoring case), or `nil` when none is within a third of its length.
  ///
  /// The work is bounded by the candidates, not by `word`: a word many times longer than every
  /// candidate (a megabyte pasted by mistake) is no typo and is turned down unread, and the
  /// distance to each candidate is worked out only as far as it could still beat the best so far.
  static func closest(to word: String, among candidates: [String]) -> String? {
    // A typo is at most about one and a half times as long as its word, in characters; measuring
    // in UTF-8 bytes costs nothing and leaves room for characters of several bytes.
    let longest = candidates.map(\.utf8.count).max() ?? 0
    guard word.utf8.count <= 8 * longest + 16 else { return nil }
    let candidates = candidates.map { (name: $0, characters: Array($0.lowercased())) }
    let wanted = Array(word.lowercased())
    var best: (candidate: String, characters: Int, distance: Int)?
    for candidate in candidates {
      // Only a strictly closer candidate replaces the best, so the first of equals wins.
      let limit = (best?.distance ?? .max) - 1
      let distance = editDistance(wanted, candidate.characters, limit: limit)
      if distance <= limit { best = (candidate.name, candidate.characters.count, distance) }
    }
    guard let best, best.distance <= max(1, max(wanted.count, best.characters) / 3) else { return nil }
    return best.candidate
  }

  /// Levenshtein distance: the fewest insertions, deletions and substitutions turning `a` into `b`.
  ///
  /// With a `limit`, the work stops as soon as the distance is known to exceed it, and a number
  /// above `limit` (not necessarily the distance) comes back.
  static func editDistance(_ a: [Character], _ b: [Character], limit: Int = .max) -> Int {
    // The distance is at least the difference in length.
    guard abs(a.count - b.count) <= limit else { return limit &+ 1 }
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      var smallest = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
        smallest = min(smallest, current[j])
      }
      // Every later row is at least this row's smallest entry.
      if smallest > limit { return limit &+ 1 }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
