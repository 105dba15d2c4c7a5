/// An error for work that is not written yet: throw it from a task's `run()` while sketching a pipeline.
///
/// A pipeline can be laid out before its tasks do anything: the graph, the parameters and the
/// summary already work, and each unfinished task fails with a message that says where the work
/// is missing, instead of crashing the process as `fatalError` would. The exercises' stubs use it
/// to mark the places a learner edits.
///
/// ```swift
/// struct TopSongs: PipelineTask {
///     func run() throws {
///         throw NotImplemented("TopSongs.run()")
///     }
/// }
/// ```
public struct NotImplemented: Error, CustomStringConvertible, Sendable {
  /// What is missing, as the reader should find it: `TopSongs.run()`.
  public let place: String
  /// The source file that throws, as `#filePath` gave it.
  public let filePath: String
  /// The line that throws.
  public let line: Int

  /// Marks `place` as not written yet; the file and line default to where this is thrown.
  public init(_ place: String, filePath: String = #filePath, line: Int = #line) {
    self.place = place
    self.filePath = filePath
    self.line = line
  }

  /// The message, in one line.
  public var description: String {
    "\(place) is not implemented yet (\(filePath):\(line))"
  }
}
