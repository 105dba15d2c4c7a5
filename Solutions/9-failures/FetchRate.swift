import Foundation
import Plumb

/// Fetches today's exchange rate from the rates API and keeps it in `rate.txt` (`1.10`).
///
/// The API is flaky: it often answers `500 Internal Server Error` a couple of times before it
/// answers. Give the task a retry policy rather than failing the whole report.
///
/// ```ini
/// [FetchRate]
/// api = http://127.0.0.1:8009
/// ```
struct FetchRate: PipelineTask {
  /// Not part of the task's identity: the same rate wherever the API is served.
  @Parameter(help: "the rates API's address; plumb.cfg may set it under [FetchRate]", significant: false)
  var api: String = "http://127.0.0.1:8009"

  func output() -> LocalTarget { LocalTarget("rate.txt") }

  /// The API fails a couple of times before it answers: 1 s, 2 s, then 4 s between tries.
  var retryPolicy: RetryPolicy? { .exponential(retries: 3, delay: 1) }

  func run() throws {
    let answer = try download("\(api)/rate", timeout: 5)
    let rate = String(decoding: answer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    try output().write(rate + "\n")
  }
}
