import Plumb

extension NotImplemented {
  /// The error a log line reports, such as
  /// `plumb: Hello(times=2) failed: Hello.run() is not implemented yet (/kit/Exercises/3-parameters/Hello.swift:17)`,
  /// or `nil` when the line reports none. A command line run only leaves such lines behind.
  init?(loggedIn line: String) {
    let marker = " is not implemented yet ("
    guard let found = line.range(of: marker, options: .backwards), line.hasSuffix(")") else { return nil }
    let before = line[..<found.lowerBound]
    let place = before.range(of: ": ", options: .backwards).map { before[$0.upperBound...] } ?? before
    let location = line[found.upperBound...].dropLast()
    guard let colon = location.lastIndex(of: ":"), let number = Int(location[location.index(after: colon)...])
    else { return nil }
    self.init(String(place), filePath: String(location[..<colon]), line: number)
  }
}
