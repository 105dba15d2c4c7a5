extension DependencyGraph {
  /// A self-contained web page: the picture of ``svg``, the legend, and the execution summary
  /// under it. It needs no script and no network, so it opens from disk or as a CI artefact.
  ///
  /// ```swift
  /// try LocalTarget("graph.html").write(DependencyGraph(result).html)
  /// ```
  public var html: String {
    let count = Self.grouped(nodes.count)
    var notes = "<p>\(count) task\(nodes.count == 1 ? "" : "s"). Each arrow goes from a requirement to the task "
    notes += "that needs it. Hover over a task for its full name, its status and why it failed.</p>\n"
    if let drawingNote { notes += "<p class=\"note\">\(TextEscaping.markup(drawingNote))</p>\n" }
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <title>Plumb: dependency graph of \(count) tasks</title>
      <style>
      body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222222; }
      .graph { overflow: auto; border: 1px solid #dddddd; }
      .graph svg { display: block; }
      .note { color: #a31f1c; }
      pre.summary { background: #f6f6f6; padding: 1em; overflow: auto; }
      </style>
      </head>
      <body>
      <h1>Dependency graph</h1>
      \(notes)<div class="graph">
      \(svgElement)</div>
      <h2>Execution summary</h2>
      <pre class="summary">\(TextEscaping.markup(summary))</pre>
      </body>
      </html>

      """
  }
}
