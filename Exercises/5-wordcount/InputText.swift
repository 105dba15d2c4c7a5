import Plumb

/// One day's text, `2024-01-03.txt`: data that arrives from outside the pipeline. Plumb never runs
/// it; it only checks that the file is there.
struct InputText: ExternalTask {
  @Parameter(help: "the day of the text, such as 2024-01-03") var date: Day = .required

  /// Not part of the task's identity: the same day's text, wherever it is kept. The default fits
  /// `make run`, which runs in workspace/5-wordcount; plumb.cfg may set another under [InputText].
  @Parameter(help: "the folder holding the daily texts", significant: false)
  var folder: String = "../../data/wordcount"

  func output() -> LocalTarget { LocalTarget("\(folder)/\(date).txt") }
}
