extension DependencyGraph {
  /// The graph in Graphviz's DOT language: a box per task, filled with its status's colour, and
  /// an edge from each requirement to the task that requires it.
  ///
  /// Each node is named by the task's text form; its tooltip (shown in Graphviz's SVG output)
  /// gives the status and, for a failure, the reason.
  ///
  /// ```swift
  /// try LocalTarget("graph.dot").write(DependencyGraph(result).dot)
  /// // then: dot -Tsvg graph.dot -o graph.svg
  /// ```
  ///
  /// ```
  /// digraph Plumb {
  ///   rankdir=LR;
  ///   ...
  ///   "Producer()" [label="Producer()", fillcolor="#43a047", ...];
  ///   "TopSongs(tld=rs)" [label="TopSongs(tld=rs)", fillcolor="#e53935", ...];
  ///   "Producer()" -> "TopSongs(tld=rs)";
  /// }
  /// ```
  public var dot: String {
    var text = """
      digraph Plumb {
        rankdir=LR;
        node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];
        edge [color="#8a8a8a", arrowsize=0.7];

      """
    let names = nodes.map { "\"" + TextEscaping.dot($0.label) + "\"" }
    for (index, node) in nodes.enumerated() {
      let style = node.style
      text += "  \(names[index]) [label=\(names[index]), fillcolor=\"\(style.fill)\", color=\"\(style.stroke)\", "
      text += "fontcolor=\"\(style.textColor)\", tooltip=\"\(TextEscaping.dot(node.detail))\"];\n"
    }
    for (index, node) in nodes.enumerated() {
      for requirement in node.requirements {
        text += "  \(names[requirement]) -> \(names[index]);\n"
      }
    }
    return text + "}\n"
  }
}
