import Foundation
import Plumb

/// One blog post: when it was published (UTC) and its title.
///
/// The blog serves the page of one day at `/posts/2024-03-03`, one post per line,
/// `2024-03-03T09:15Z<TAB>Title`, newest first. Like many blogs, every page starts with a pinned
/// post from another day.
public struct Post: Equatable {
  /// When the post was published.
  public let published: Date
  /// Its title.
  public let title: String

  /// The post's line: `2024-03-03T09:15Z<TAB>Title`.
  public var line: String {
    let day = Day(published)
    let minutes = Int(published.timeIntervalSince(day.date)) / 60
    return "\(day)T" + String(format: "%02d:%02dZ", minutes / 60, minutes % 60) + "\t" + title
  }

  /// Reads the posts of a page (or of a file written with ``line``); blank lines are skipped.
  ///
  /// - Throws: ``PostError`` for a line that is not a post.
  public static func parse(_ text: String) throws -> [Post] {
    try text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.map { line in
      let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
      guard parts.count == 2, parts[0].count == 17, parts[0].hasSuffix("Z"),
        let day = Day(parameterText: String(parts[0].prefix(10))),
        let hour = Int(parts[0].dropFirst(11).prefix(2)), let minute = Int(parts[0].dropFirst(14).prefix(2)),
        hour < 24, minute < 60
      else { throw PostError(line: String(line)) }
      return Post(published: day.date.addingTimeInterval(Double(hour * 3600 + minute * 60)), title: parts[1])
    }
  }
}

/// A line of a page that is not a post.
public struct PostError: Error, CustomStringConvertible {
  /// The line.
  public let line: String
  /// The message: the line, and what a post looks like.
  public var description: String { "not a post: '\(line)' (expected 2024-03-03T09:15Z<TAB>Title)" }
}
