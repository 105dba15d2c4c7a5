import Plumb

/// Fetches the posts of one day from the blog and keeps them in `posts/<date>.tsv`, oldest first.
///
/// ```ini
/// [ScrapeDay]
/// blog = http://127.0.0.1:8000
/// ```
struct ScrapeDay: PipelineTask {
  @Parameter(help: "the day whose posts to fetch") var date: Day = .required

  /// Not part of the task's identity: the same day's posts from the same blog, wherever it is served.
  @Parameter(help: "the blog's address; plumb.cfg may set it under [ScrapeDay]", significant: false)
  var blog: String = "http://127.0.0.1:8000"

  func output() -> LocalTarget { LocalTarget("posts/\(date).tsv") }

  func run() throws {
    // TODO: 1. Fetch only this day's page: `try download("\(blog)/posts/\(date)", timeout: 10)`.
    //          Let its error propagate: a day the blog cannot serve must fail, not be written empty.
    //       2. Read it with `Post.parse(String(decoding: page, as: UTF8.self))` and keep the posts of
    //          this day's data interval, `DataInterval(date)` (`interval.contains(post.published)`):
    //          the pinned post at the top of every page is from another day.
    //       3. Write them oldest first, one `post.line` per line, with `try output().write { ... }`.
    //       Then delete the line below.
    throw NotImplemented("ScrapeDay.run()")
  }
}
