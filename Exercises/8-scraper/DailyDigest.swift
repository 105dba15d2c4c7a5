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
    // TODO: read the day's posts from ScrapeDay's file (`try Post.parse(try input().read())`), then
    //       write `"\(date): \(posts.count) posts"` and one `"- \(post.title)"` line per post, in
    //       the file's order, with `try output().write { file in file.writeLine(...) }`.
    //       Then delete the line below.
    throw NotImplemented("DailyDigest.run()")
  }
}
