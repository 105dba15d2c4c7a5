import Foundation

/// One row of iris.data: four measurements in centimetres and the species,
/// such as `5.1,3.5,1.4,0.2,Iris-setosa`.
struct Flower: Equatable {
  /// Sepal length, sepal width, petal length, petal width.
  let measurements: [Double]
  /// `Iris-setosa`, `Iris-versicolor` or `Iris-virginica`.
  let species: String

  /// Reads the rows of iris.data, skipping blank lines.
  ///
  /// - Throws: ``MalformedFlower`` for a row that is not four numbers and a species.
  static func parse(_ lines: [String]) throws -> [Flower] {
    var flowers: [Flower] = []
    for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
      let measurements = fields.prefix(4).compactMap { Double($0) }.filter(\.isFinite)
      guard fields.count == 5, measurements.count == 4, !fields[4].isEmpty else {
        throw MalformedFlower(lineNumber: index + 1, line: line)
      }
      flowers.append(Flower(measurements: measurements, species: fields[4]))
    }
    return flowers
  }
}

/// A row of iris.data that is not four numbers and a species.
struct MalformedFlower: Error, CustomStringConvertible {
  let lineNumber: Int
  let line: String

  var description: String {
    "iris.data line \(lineNumber) is not four numbers and a species: '\(line.prefix(80))'"
  }
}
