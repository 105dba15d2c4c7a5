extension DependencyGraph {
  /// The graph as a standalone SVG picture: a legend of the statuses, then the tasks as coloured
  /// boxes in columns, requirements to the left, joined by arrows towards the tasks that need them.
  ///
  /// A long text form is cut short in its box; hovering over the box shows the whole of it, the
  /// status and, for a failure, the reason. At most ``drawingLimit`` tasks are drawn, the first
  /// ones the run met, and the picture says so when some are left out.
  ///
  /// ```swift
  /// try LocalTarget("graph.svg").write(DependencyGraph(result).svg)
  /// ```
  public var svg: String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svgElement
  }

  /// The note saying how many tasks the picture leaves out, or `nil` when it shows them all.
  var drawingNote: String? {
    guard nodes.count > drawingLimit else { return nil }
    return "Showing the first \(Self.grouped(drawingLimit)) of \(Self.grouped(nodes.count)) tasks; "
      + "the DOT and Mermaid forms (--graph FILE.dot or FILE.mmd) hold them all."
  }

  /// The `<svg>` element, also embedded in ``html``.
  var svgElement: String {
    let drawn = Array(nodes.prefix(drawingLimit))
    let layout = LayeredLayout(requirements: drawn.map { $0.requirements.filter { $0 < drawn.count } })
    let labels = drawn.map { Self.shortened($0.label) }

    let columnWidths = layout.members.map { members in
      members.reduce(Drawing.minimumBoxWidth) { max($0, Drawing.textWidth(labels[$1]) + 2 * Drawing.boxPadding) }
    }
    var columnLeft: [Int] = []
    var left = Drawing.margin
    for width in columnWidths {
      columnLeft.append(left)
      left += width + Drawing.columnGap
    }
    let graphWidth = left - Drawing.columnGap + Drawing.margin
    let tallest = layout.members.map(\.count).max() ?? 0

    var top = Drawing.margin
    let legend = self.legend(top: top)
    top += Drawing.legendHeight
    var note = ""
    if let drawingNote {
      note =
        "<text class=\"note\" x=\"\(Drawing.margin)\" y=\"\(top + 12)\" fill=\"#444444\">"
        + TextEscaping.markup(drawingNote) + "</text>\n"
      top += Drawing.legendHeight
    }
    top += Drawing.rowGap
    func boxTop(_ task: Int) -> Int {
      let column = layout.columns[task]
      let offset = (tallest - layout.members[column].count) * Drawing.rowPitch / 2
      return top + offset + layout.rows[task] * Drawing.rowPitch
    }

    var edges = ""
    var boxes = ""
    for (task, node) in drawn.enumerated() {
      let x = columnLeft[layout.columns[task]]
      let y = boxTop(task)
      for requirement in node.requirements where requirement < drawn.count {
        let startX = columnLeft[layout.columns[requirement]] + columnWidths[layout.columns[requirement]]
        let startY = boxTop(requirement) + Drawing.boxHeight / 2
        let endY = y + Drawing.boxHeight / 2
        let bend = max(Drawing.columnGap / 2, (x - startX) / 2)
        edges += "<path d=\"M\(startX),\(startY) C\(startX + bend),\(startY) \(x - bend),\(endY) \(x),\(endY)\"/>\n"
      }
      let style = node.style
      boxes += "<g class=\"task \(style.className)\"><title>\(TextEscaping.markup(node.label + "\n" + node.detail))"
      boxes += "</title><rect x=\"\(x)\" y=\"\(y)\" width=\"\(columnWidths[layout.columns[task]])\" "
      boxes += "height=\"\(Drawing.boxHeight)\" rx=\"5\" fill=\"\(style.fill)\" stroke=\"\(style.stroke)\"/>"
      boxes += "<text x=\"\(x + Drawing.boxPadding)\" y=\"\(y + Drawing.textBaseline)\" fill=\"\(style.textColor)\">"
      boxes += TextEscaping.markup(labels[task]) + "</text></g>\n"
    }

    let width = max(graphWidth, legend.width + 2 * Drawing.margin, 2 * Drawing.margin)
    let height = top + tallest * Drawing.rowPitch + Drawing.margin
    return """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
      font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">
      <title>Plumb dependency graph of \(Self.grouped(nodes.count)) tasks</title>
      <defs><marker id="plumb-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" \
      orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="\(Drawing.edgeColor)"/></marker></defs>
      <rect width="100%" height="100%" fill="#ffffff"/>
      \(legend.markup)\(note)<g class="edges" fill="none" stroke="\(Drawing.edgeColor)" stroke-width="1.2" \
      marker-end="url(#plumb-arrow)">
      \(edges)</g>
      <g class="tasks">
      \(boxes)</g>
      </svg>

      """
  }

  /// A swatch and the words for each status that occurs, in one row.
  private func legend(top: Int) -> (markup: String, width: Int) {
    var markup = "<g class=\"legend\">\n"
    var x = Drawing.margin
    for (style, count) in styleCounts {
      let words = "\(style.label) (\(Self.grouped(count)))"
      markup += "<rect x=\"\(x)\" y=\"\(top)\" width=\"14\" height=\"14\" rx=\"3\" fill=\"\(style.fill)\" "
      markup += "stroke=\"\(style.stroke)\"/><text x=\"\(x + 20)\" y=\"\(top + 11)\" fill=\"#222222\">"
      markup += TextEscaping.markup(words) + "</text>\n"
      x += 20 + Drawing.textWidth(words) + 24
    }
    return (markup + "</g>\n", x - Drawing.margin)
  }

  /// `label`, cut to fit a box, with an ellipsis where it was cut.
  static func shortened(_ label: String) -> String {
    guard label.count > Drawing.longestLabel else { return label }
    return label.prefix(Drawing.longestLabel - 1) + "…"
  }

  /// `number` with commas between thousands: `100,000`.
  static func grouped(_ number: Int) -> String {
    let digits = String(number.magnitude)
    var text = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
      text.append(digit)
    }
    return (number < 0 ? "-" : "") + text
  }
}

/// The picture's measures, in pixels, for 12-pixel monospaced text.
private enum Drawing {
  static let margin = 16
  static let boxHeight = 26
  static let rowGap = 10
  static let rowPitch = boxHeight + rowGap
  static let columnGap = 64
  static let boxPadding = 8
  static let minimumBoxWidth = 60
  static let textBaseline = 17
  static let legendHeight = 24
  static let longestLabel = 48
  static let edgeColor = "#8a8a8a"

  /// The width of `text` in 12-pixel monospaced type, which is 0.6 em per character.
  static func textWidth(_ text: String) -> Int {
    (text.count * 72 + 9) / 10
  }
}
