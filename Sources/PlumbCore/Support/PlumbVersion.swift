/// Plumb's version, as a Plumb worker tells luigid (`["plumb", "0.11"]` in its worker info) so that
/// luigid's Workers tab tells Plumb workers from Python ones. Raised with each issue that changes
/// the engine; there are no tagged releases yet.
package enum PlumbVersion {
  package static let text = "0.11"
}
