import PlumbCore

/// A run's dependency graph with each task's status, as a picture or as graph text.
///
/// Make one from the ``RunResult`` of ``build(_:options:)-6p88s`` and take the form you need:
///
/// ```swift
/// let result = try build([AllCountries()])
/// let graph = DependencyGraph(result)
/// try LocalTarget("graph.html").write(graph.html)   // open it in a browser
/// try LocalTarget("graph.dot").write(graph.dot)     // dot -Tpng graph.dot -o graph.png
/// print(graph.mermaid)                              // paste into a Markdown file
/// ```
///
/// Every form draws an arrow from each requirement to the task that requires it, so data flows
/// along the arrows and the tasks that run first are on the left. The colours say what happened:
/// green for tasks that ran, light green for tasks already complete, red for failures, purple for
/// scheduling failures, orange for tasks left pending because a dependency failed (the summary's
/// "had failed dependencies", Airflow's `upstream_failed`), yellow for other tasks left pending, grey for missing external data and blue for
/// tasks another worker was running.
///
/// From the command line, `--graph FILE` writes the graph after the run (see ``PipelineCommand``).
public struct DependencyGraph: Sendable {
  /// How many tasks ``svg`` and ``html`` draw unless told otherwise.
  ///
  /// A picture of more tasks than this is too big to read or to open; ``dot`` and ``mermaid``
  /// always hold every task.
  ///
  /// ```swift
  /// let everything = DependencyGraph(result, drawingLimit: DependencyGraph.defaultDrawingLimit * 2)
  /// ```
  public static let defaultDrawingLimit = 2_000

  /// One task: its text form, how it is shown, and what its tooltip says.
  struct Node: Sendable {
    let label: String
    let style: NodeStyle
    /// The status in words, and the reason for a failure.
    let detail: String
    /// The positions of the tasks it requires, each once, in the order the task gave them.
    let requirements: [Int]
  }

  /// The tasks in the order the run first met them, each text form once.
  let nodes: [Node]
  /// The run's execution summary.
  let summary: String
  /// At most this many tasks are drawn in ``svg`` and ``html``: the first ones the run met.
  ///
  /// The first ones met are the requested tasks and what they need most directly, which is where a
  /// person starts reading.
  ///
  /// ```swift
  /// DependencyGraph(result, drawingLimit: 100).drawingLimit  // 100
  /// ```
  public let drawingLimit: Int

  /// The graph of `result`'s tasks.
  ///
  /// ```swift
  /// let graph = DependencyGraph(result, drawingLimit: 500)
  /// ```
  ///
  /// - Parameters:
  ///   - result: A finished run.
  ///   - drawingLimit: How many tasks the picture shows at most; the page says when some are left
  ///     out. The text forms are not limited.
  public init(_ result: RunResult, drawingLimit: Int = DependencyGraph.defaultDrawingLimit) {
    let sets = TaskSets(result.records)
    let upstreamFailed = Set(sets.upstreamFailure.map { ExactText(result.records[$0].info.description) })
    var positions: [ExactText: Int] = [:]
    var kept: [TaskRecord] = []
    for record in result.records where positions[ExactText(record.info.description)] == nil {
      positions[ExactText(record.info.description)] = kept.count
      kept.append(record)
    }
    nodes = kept.map { record in
      var seen = Set<Int>()
      let requirements = record.dependencies.compactMap { positions[ExactText($0)] }.filter {
        seen.insert($0).inserted
      }
      let style = NodeStyle(record, upstreamFailed: upstreamFailed.contains(ExactText(record.info.description)))
      let detail = record.errorMessage.map { "\(style.label): \($0)" } ?? style.label
      return Node(label: record.info.description, style: style, detail: detail, requirements: requirements)
    }
    summary = result.summary
    self.drawingLimit = max(0, drawingLimit)
  }

  /// The styles that occur, in the legend's order, with how many tasks have each.
  var styleCounts: [(style: NodeStyle, count: Int)] {
    var counts: [NodeStyle: Int] = [:]
    for node in nodes { counts[node.style, default: 0] += 1 }
    return NodeStyle.allCases.compactMap { style in counts[style].map { (style, $0) } }
  }
}
