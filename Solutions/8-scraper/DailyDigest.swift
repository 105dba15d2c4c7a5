import Plumb

/// Sums up one day of the blog in `digests/<date>.txt`: a line with the count, then the titles.
///
/// ```
/// 2024-03-03: 2 posts
/// - Swift at scale
/// - Backfills at scale
/// ```
struct DailyDigest: PipelineTask {
  @Parameter(help: "the day to sum up") var date: Day = .required

  func requires() -> ScrapeDay { ScrapeDay(date: date) }
  func output() -> LocalTarget { LocalTarget("digests/\(date).txt") }

  func run() throws {
    let posts = try Post.parse(try input().read())
    try output().write { file in
      file.writeLine("\(date): \(posts.count) posts")
      for post in posts { file.writeLine("- \(post.title)") }
    }
  }
}
