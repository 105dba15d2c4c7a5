import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An SVG document read with an XML parser, so a test knows it is well-formed and sees the text
/// a viewer shows: the tasks' boxes, their labels and their tooltips, entities resolved.
struct SVGReading {
  /// The status class of each task box (`failed` for `<g class="task failed">`).
  let taskClasses: [String]
  /// The text of every `<title>`, the picture's own first.
  let titles: [String]
  /// The text of every `<text>`.
  let texts: [String]

  /// Parses `svg`; throws when it is not well-formed XML.
  init(_ svg: String) throws {
    let collector = Collector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = collector
    guard parser.parse() else {
      throw XMLError(description: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "unknown error")")
    }
    taskClasses = collector.taskClasses
    titles = collector.titles
    texts = collector.texts
  }

  struct XMLError: Error, CustomStringConvertible {
    let description: String
  }

  private final class Collector: NSObject, XMLParserDelegate {
    var taskClasses: [String] = []
    var titles: [String] = []
    var texts: [String] = []
    private var current: String?

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      if elementName == "g", let names = attributes["class"]?.split(separator: " "), names.first == "task" {
        taskClasses.append(names.dropFirst().joined(separator: " "))
      }
      if elementName == "title" || elementName == "text" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      current? += string
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
      guard let text = current else { return }
      if elementName == "title" { titles.append(text) }
      if elementName == "text" { texts.append(text) }
      current = nil
    }
  }
}
