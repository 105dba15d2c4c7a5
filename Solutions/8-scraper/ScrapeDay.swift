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
    let page = try download("\(blog)/posts/\(date)", timeout: 10)
    // The day's data interval: from its midnight to the next, in UTC. The pinned post is not in it.
    let interval = DataInterval(date)
    let posts = try Post.parse(String(decoding: page, as: UTF8.self))
      .filter { interval.contains($0.published) }
      .sorted { $0.published < $1.published }
    try output().write { file in
      for post in posts { file.writeLine(post.line) }
    }
  }
}
