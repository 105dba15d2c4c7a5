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

  // TODO: 2. Give FetchRate a retry policy: up to 3 retries, 1 second apart at first, doubling
  //          each time (`.exponential(retries: 3, delay: 1)`). Replace `nil` below.
  var retryPolicy: RetryPolicy? { nil }

  func run() throws {
    // TODO: 1. Download `"\(api)/rate"` (`try download(..., timeout: 5)`), and write the text it
    //          answers, without surrounding whitespace, followed by a newline, to output().
    //          Let the download's error propagate: a failure is what the retry policy retries.
    //       Then delete the line below.
    throw NotImplemented("FetchRate.run()")
  }
}
