import Plumb

/// Downloads the Iris data set from the URL in plumb.cfg and keeps it as iris.data.
///
/// ```ini
/// [DownloadData]
/// url = http://127.0.0.1:8000/iris.data
/// ```
struct DownloadData: PipelineTask {
  @Parameter(help: "where the Iris data set is served; set it in plumb.cfg under [DownloadData]")
  var url: String = .required

  /// Not part of the task's identity: waiting longer does not make a different download.
  @Parameter(help: "seconds to wait for the server before giving up", significant: false)
  var timeout: Double = 10

  func output() -> LocalTarget { LocalTarget("iris.data") }

  func run() throws {
    // TODO: 1. Fetch the data set with Plumb's `try download(url, timeout: timeout)`.
    //          It throws a one-line error for a 404, a refused connection or a timeout: let it
    //          propagate, so the task fails and says why.
    //       2. Write the data with `try output().write(data)`: nothing appears unless all of it arrived.
    //       Then delete the line below.
    throw NotImplemented("DownloadData.run()")
  }
}
