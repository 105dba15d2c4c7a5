import Foundation

extension Error {
  /// This error as one line: its description, without Swift's type decoration, its lines joined.
  /// Every message that names an error (the log, the summary, luigid, webhooks) uses it.
  package var oneLineDescription: String {
    if let fileError = self as? CocoaError { return joiningLines(Self.describe(fileError)) }
    return joiningLines((self as? LocalizedError)?.errorDescription ?? String(describing: self))
  }

  /// Foundation's file errors describe themselves as `Error Domain=NSCocoaErrorDomain Code=260 "…"
  /// UserInfo={…}`: this says what went wrong and with which file, as `The file doesn’t exist:
  /// /data/plays.tsv`.
  private static func describe(_ error: CocoaError) -> String {
    var text = error.localizedDescription
    let generic = "The operation could not be completed. "
    if text.hasPrefix(generic) { text.removeFirst(generic.count) }
    if text.hasSuffix(".") { text.removeLast() }
    guard let path = error.filePath ?? error.url?.path else { return text }
    return "\(text): \(path)"
  }
}
