import Foundation
import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise4

/// Exercise 4, Dependencies: TopSongs requires Producer, reads its rows, and writes one country's top songs.
final class Exercise4Tests: GradedTestCase {
  override var exerciseNumber: Int { 4 }

  var inRun: String { todo("TopSongs.run()", in: "TopSongs.swift") }
  var inRequires: String { todo("TopSongs.requires()", in: "TopSongs.swift") }

  /// The first rows of plays.tsv, as the exercise's README documents them.
  let documentedFirstRows = [
    "Amazing Grace\tbr\t164",
    "Clair de Lune\tjp\t796",
    "Ode to Joy\tbr\t608",
  ]
  /// The sum of all plays in plays.tsv, as the README documents it.
  let documentedTotalPlays = 55151

  /// Where Producer writes its plays in these runs: a name a learner cannot guess, set in plumb.cfg,
  /// so TopSongs finds the rows only through `input()`.
  let playsFile = "plays-\(UInt32.random(in: 0...UInt32.max)).tsv"

  override func setUpWithError() throws {
    try super.setUpWithError()
    try workspace.write("[Producer]\nfile = \(playsFile)\n", to: "plumb.cfg")
  }

  func testProducerWritesTheDocumentedRows() {
    guard let run = run(Producer()), expectNoFailures(run, next: "restore Producer.swift with `make reset N=4`")
    else { return }
    let rows = workspace.contents(of: playsFile)?.split(separator: "\n").map(String.init) ?? []
    let total = rows.compactMap { $0.split(separator: "\t").last.flatMap { Int($0) } }.reduce(0, +)
    expect(
      rows.count == 100 && Array(rows.prefix(3)) == documentedFirstRows && total == documentedTotalPlays,
      "plays.tsv should hold the 100 rows the README documents.",
      expected:
        "100 rows starting \(Feedback.quoted(documentedFirstRows.joined(separator: "\n"))), \(documentedTotalPlays) plays in all",
      found:
        "\(rows.count) rows starting \(Feedback.quoted(rows.prefix(3).joined(separator: "\n"))), \(total) plays in all",
      next:
        "Producer and PlayGenerator are given: restore them with `make reset N=4` (your TopSongs.swift is kept in .kit/backup)"
    )
  }

  func testTopSongsForSeveralCountries() {
    for tld in ["rs", "de", "br"] {
      guard let run = run(TopSongs(tld: tld)), expectTopSongsDone(run, tld: tld) else { return }
      guard let plays = workspace.contents(of: playsFile) else {
        expect(
          false, "TopSongs(tld=\(tld)) ran, but Producer did not write its plays first.",
          expected: "\(playsFile), written by Producer (plumb.cfg names it)", found: "no \(playsFile)",
          next: "Producer is given: restore it with `make reset N=4` (your TopSongs.swift is kept in .kit/backup)")
        return
      }
      guard
        expectFile(
          "top-\(tld).tsv", holding: expectedTopSongs(in: plays, for: tld),
          next:
            "sum the plays of each song whose country is tld, then write \"song\\tplays\" lines, most plays first, ties by name: \(inRun)"
        )
      else { return }
    }
  }

  func testEqualPlaysAreSortedByName() {
    // A plays.tsv that is already there makes Producer complete, so TopSongs reads these rows. Six
    // songs tie at 5 plays, listed out of alphabetical order: a sort without a tie-break leaves
    // them in the dictionary's order, which changes from run to run, and is all but never this one.
    try? workspace.write(
      """
      Swan Lake\trs\t5
      Danny Boy\trs\t7
      Ode to Joy\trs\t5
      Amazing Grace\trs\t3
      Greensleeves\trs\t5
      Swan Lake\tde\t100
      Canon in D\trs\t5
      Blue Danube\trs\t5
      Clair de Lune\trs\t1
      Amazing Grace\trs\t2

      """, to: playsFile)
    guard let run = run(TopSongs(tld: "rs")), expectTopSongsDone(run, tld: "rs") else { return }
    expectFile(
      "top-rs.tsv",
      holding: """
        Danny Boy\t7
        Amazing Grace\t5
        Blue Danube\t5
        Canon in D\t5
        Greensleeves\t5
        Ode to Joy\t5
        Swan Lake\t5
        Clair de Lune\t1

        """,
      next: "sort by plays, most first, and songs with equal plays by name: \(inRun)")
  }

  func testFirstRunRunsProducerThenTopSongs() {
    guard let run = run(TopSongs(tld: "rs")) else { return }
    expectSummary(
      run,
      """
      Scheduled 2 tasks of which:
      * 2 ran successfully:
          - 1 Producer()
          - 1 TopSongs(tld=rs)

      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "return Producer() in \(inRequires), and make TopSongs.run() finish without an error")
  }

  func testAnotherCountryReusesTheCompleteProducer() {
    guard run(TopSongs(tld: "rs")) != nil, let second = run(TopSongs(tld: "de")) else { return }
    expectSummary(
      second,
      """
      Scheduled 2 tasks of which:
      * 1 complete ones were encountered:
          - 1 Producer()
      * 1 ran successfully:
          - 1 TopSongs(tld=de)

      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "return Producer() in \(inRequires); its plays.tsv from the first run makes it complete")
  }

  func testSameCountryAgainRunsNothing() {
    guard run(TopSongs(tld: "rs")) != nil, let second = run(TopSongs(tld: "rs")) else { return }
    expectSummary(
      second,
      """
      Scheduled 1 tasks of which:
      * 1 complete ones were encountered:
          - 1 TopSongs(tld=rs)

      Did not run any tasks
      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "keep output() as LocalTarget(\"top-\\(tld).tsv\") in \(exercise.path(of: "TopSongs.swift"))")
  }

  /// Checks that TopSongs(tld) required Producer and ran to the end; a failure says whether
  /// requires() or reading by name instead of through input() is the cause.
  func expectTopSongsDone(_ run: PipelineRun, tld: String, line: UInt = #line) -> Bool {
    let task = TopSongs(tld: tld)
    let scheduled = run.result.records.map { "\($0.info)" }.joined(separator: ", ")
    guard
      expect(
        run.status(of: Producer()) != nil, "\(TaskInfo(task)) does not require Producer.",
        expected: "the run schedules Producer() for TopSongs", found: "the run scheduled \(scheduled) only",
        next: "return Producer() in \(inRequires), then read its rows with `try input().lines()`", line: line)
    else { return false }
    return expectDone(
      run, task,
      next: { reason in
        // Producer writes another file here than plays.tsv, so a run() that names the file fails.
        if case .failed(let record) = reason, record.errorMessage?.contains("plays.tsv") == true {
          return
            "read Producer's rows with `try input().lines()` in \(self.inRun): input() is the file Producer wrote, whatever its name (the checks give it another than plays.tsv)"
        }
        return "fix \(self.inRun)"
      }, line: line)
  }

  /// The top songs of `tld` computed from plays.tsv here, independently of the learner's code.
  func expectedTopSongs(in plays: String, for tld: String) -> String {
    var totals: [String: Int] = [:]
    for row in plays.split(separator: "\n") {
      let fields = row.components(separatedBy: "\t")
      if fields.count == 3, fields[1] == tld, let count = Int(fields[2]) {
        totals[fields[0], default: 0] += count
      }
    }
    return totals.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key)\t\($0.value)\n" }.joined()
  }
}
