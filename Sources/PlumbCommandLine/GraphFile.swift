import PlumbCore
import PlumbReporting

/// Where `--graph FILE` writes the run's dependency graph, and in which form, told by the
/// file's extension.
struct GraphFile {
  /// The forms a graph file can take.
  enum Format {
    case html
    case svg
    case dot
    case mermaid
  }

  /// The path as given: absolute, or relative to the working folder.
  let path: String
  let format: Format

  /// What `--graph` accepts, for its help line and errors.
  static let expectedForm = "a file name ending in .html, .svg, .dot, .gv, .mmd or .mermaid"

  /// The file at `path`; `nil` when its extension names no form.
  init?(path: String) {
    let name = path.split(separator: "/").last ?? ""
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    switch name[name.index(after: dot)...].lowercased() {
    case "html", "htm": format = .html
    case "svg": format = .svg
    case "dot", "gv": format = .dot
    case "mmd", "mermaid": format = .mermaid
    default: return nil
    }
    self.path = path
  }

  /// Writes the graph of `result` atomically, a relative path resolving against `directory`.
  func write(_ result: RunResult, directory: String) throws {
    let graph = DependencyGraph(result)
    let text: String
    switch format {
    case .html: text = graph.html
    case .svg: text = graph.svg
    case .dot: text = graph.dot
    case .mermaid: text = graph.mermaid
    }
    let absolute = path.hasPrefix("/") ? path : (directory.hasSuffix("/") ? directory : directory + "/") + path
    try LocalTarget(absolute).write(text)
  }
}
