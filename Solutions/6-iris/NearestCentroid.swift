/// A nearest-centroid classifier: it remembers the average measurements (the centroid) of each
/// species in the training rows, and names the species whose centroid is closest to a new flower.
struct NearestCentroid: Codable, Equatable {
  /// Each species' mean sepal length, sepal width, petal length and petal width.
  let centroids: [String: [Double]]

  /// Learns the centroids of the species in `flowers`.
  ///
  /// - Throws: ``TrainingError`` when there is nothing to learn from.
  init(training flowers: [Flower]) throws {
    guard !flowers.isEmpty else { throw TrainingError("there are no training rows") }
    var sums: [String: [Double]] = [:]
    var counts: [String: Int] = [:]
    for flower in flowers {
      let sum = sums[flower.species] ?? Array(repeating: 0, count: flower.measurements.count)
      sums[flower.species] = zip(sum, flower.measurements).map { $0 + $1 }
      counts[flower.species, default: 0] += 1
    }
    var centroids: [String: [Double]] = [:]
    for (species, sum) in sums {
      let count = Double(counts[species] ?? 1)
      centroids[species] = sum.map { $0 / count }
    }
    self.centroids = centroids
  }

  /// The species whose centroid is nearest to `measurements` (straight-line distance); on a tie,
  /// the species first in alphabetical order. `nil` only for a model without species.
  func predict(_ measurements: [Double]) -> String? {
    func distance(to centroid: [Double]) -> Double {
      zip(centroid, measurements).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    }
    return centroids.map { (species: $0.key, distance: distance(to: $0.value)) }
      .min { ($0.distance, $0.species) < ($1.distance, $1.species) }?.species
  }
}

/// Training that cannot be done, said in one line.
struct TrainingError: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) {
    self.description = description
  }
}
