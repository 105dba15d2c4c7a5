extension DependencyGraph {
  /// The graph as a Mermaid flowchart, for Markdown that renders Mermaid (GitHub, GitLab, many
  /// editors): a box per task in its status's colour, an arrow from each requirement to the task
  /// that requires it.
  ///
  /// Nodes are named `t0`, `t1`, ... in the order the run met the tasks; each label is the
  /// task's text form, with the characters Mermaid would read as syntax or markup written as its
  /// numbered entities (`"` as `#34;`, `<` as `#60;`, and so on).
  ///
  /// ```swift
  /// let markdown = "```mermaid\n" + DependencyGraph(result).mermaid + "```\n"
  /// ```
  ///
  /// ```
  /// flowchart LR
  ///   classDef succeeded fill:#43a047,stroke:#2e7031,color:#ffffff
  ///   t0["Producer()"]:::succeeded
  ///   t1["TopSongs(tld=rs)"]:::succeeded
  ///   t0 --> t1
  /// ```
  public var mermaid: String {
    var text = "flowchart LR\n"
    for (style, _) in styleCounts {
      text += "  classDef \(style.className) fill:\(style.fill),stroke:\(style.stroke),color:\(style.textColor)\n"
    }
    for (index, node) in nodes.enumerated() {
      text += "  t\(index)[\"\(TextEscaping.mermaid(node.label))\"]:::\(node.style.className)\n"
    }
    for (index, node) in nodes.enumerated() {
      for requirement in node.requirements {
        text += "  t\(requirement) --> t\(index)\n"
      }
    }
    return text
  }
}
