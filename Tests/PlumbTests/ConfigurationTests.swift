import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCore

final class ConfigurationTests: XCTestCase {
  private func parse(_ text: String, environment: [String: String] = [:]) throws -> Configuration {
    try Configuration(text: text, source: "test.cfg", environment: environment)
  }

  private func error(parsing text: String, environment: [String: String] = [:]) -> String? {
    thrownMessage { try parse(text, environment: environment) }
  }

  func testReadsSectionsKeysAndValues() throws {
    let configuration = try parse(
      """
      # a comment
      ; another comment
      [DownloadData]
      url = http://127.0.0.1:8000/iris.data?a=b
        # an indented comment

      [core]
      workers: 2
      empty =
      spaced   =   some words
      [ Spaced Section ]
      key=value
      """)
    XCTAssertEqual(configuration.value(section: "DownloadData", key: "url"), "http://127.0.0.1:8000/iris.data?a=b")
    XCTAssertEqual(configuration.value(section: "core", key: "workers"), "2")
    XCTAssertEqual(try configuration.integer(section: "core", key: "workers"), 2)
    XCTAssertEqual(configuration.value(section: "core", key: "empty"), "")
    XCTAssertEqual(configuration.value(section: "core", key: "spaced"), "some words")
    XCTAssertEqual(configuration.value(section: "Spaced Section", key: "key"), "value")
    XCTAssertNil(configuration.value(section: "core", key: "url"))
    XCTAssertNil(configuration.value(section: "Nowhere", key: "url"))
    XCTAssertNil(try configuration.integer(section: "core", key: "retries"))
    XCTAssertEqual(configuration.sections.keys.sorted(), ["DownloadData", "Spaced Section", "core"])
  }

  func testWindowsLineEndingsAndAByteOrderMarkAreFine() throws {
    let configuration = try parse("\u{FEFF}[Greet]\r\nname = Bob \t\r\ntimes = 2\r\n")
    XCTAssertEqual(configuration.value(section: "Greet", key: "name"), "Bob")
    XCTAssertEqual(configuration.value(section: "Greet", key: "times"), "2")
  }

  func testIndentedLinesContinueOnlyWhenDeeperThanTheirKey() throws {
    let configuration = try parse(
      """
      [Report]
      recipients = ana@example.com
        bo@example.com
      subject = weekly

      [Indented]
          name = Bob
          times = 2
      """)
    XCTAssertEqual(configuration.value(section: "Report", key: "recipients"), "ana@example.com\nbo@example.com")
    XCTAssertEqual(configuration.value(section: "Report", key: "subject"), "weekly")
    // Keys indented alike are separate keys, as in Python's configparser.
    XCTAssertEqual(configuration.value(section: "Indented", key: "name"), "Bob")
    XCTAssertEqual(configuration.value(section: "Indented", key: "times"), "2")
  }

  func testKeySpellingsNameTheSameParameter() throws {
    for key in ["date_interval", "date-interval", "dateInterval", "DATE_INTERVAL", "Date_Interval"] {
      let configuration = try parse("[Aggregate]\n\(key) = 2012-W12\n")
      XCTAssertEqual(configuration.value(section: "Aggregate", key: "dateInterval"), "2012-W12", "written as \(key)")
      XCTAssertEqual(configuration.value(section: "Aggregate", key: "date_interval"), "2012-W12", "written as \(key)")
    }
    XCTAssertNil(try parse("[Aggregate]\ndate = 2012\n").value(section: "Aggregate", key: "dateInterval"))
  }

  func testTheLastOfSeveralSpellingsWins() throws {
    let configuration = try parse("[A]\ndate_interval = 2012\ndate-interval = 2013\nn = 1\nn = 2\n")
    XCTAssertEqual(configuration.value(section: "A", key: "dateInterval"), "2013")
    XCTAssertEqual(configuration.value(section: "A", key: "n"), "2")
  }

  /// Python's configparser reads code points: an accent after `=` does not hide the `=`, and every
  /// Unicode line break ends a line, CR LF counting once.
  func testLinesAndSeparatorsAreReadAsPythonReadsThem() throws {
    let configuration = try parse("[A]\r\nname =\u{301}b\u{2028}n = 1\u{85}m: 2\r\r\nk = 3\n")
    XCTAssertEqual(configuration.value(section: "A", key: "name"), "\u{301}b")
    XCTAssertEqual(configuration.value(section: "A", key: "n"), "1")
    XCTAssertEqual(configuration.value(section: "A", key: "m"), "2")
    XCTAssertEqual(configuration.entry(section: "A", key: "k")?.line, 6, "CR, then CR LF: two line ends")
    XCTAssertEqual(try parse("\u{FEFF}[B]\nx = 1").value(section: "B", key: "x"), "1")
    XCTAssertEqual(
      error(parsing: "[A]\n\u{FEFF}x\n"), "bad config file test.cfg, line 2: expected key = value, found '\u{FEFF}x'")
  }

  func testSectionsListTheWinningSpellingOnly() throws {
    let configuration = try parse("[A]\ndate_interval = 2012\ndate-interval = 2013\nn = 1\n[B]\nN = 3\nn = 4\n")
    XCTAssertEqual(configuration.sections["A"], ["date-interval": "2013", "n": "1"])
    XCTAssertEqual(configuration.sections["B"], ["n": "4"])
    XCTAssertEqual(configuration.value(section: "B", key: "N"), "4")
  }

  /// `[resources]` keys are resource names, which luigid matches exactly as written (Luigi's
  /// parser keeps option names as written); every other section still folds spellings.
  func testResourceNamesAreKeptExactlyAsWritten() throws {
    let configuration = try parse("[resources]\nDB = 2\ndb = 3\nmy-db = 1\n[B]\nMy-Key = 1\n")
    XCTAssertEqual(configuration.sections["resources"], ["DB": "2", "db": "3", "my-db": "1"])
    XCTAssertEqual(configuration.value(section: "resources", key: "DB"), "2")
    XCTAssertNil(configuration.value(section: "resources", key: "Db"))
    XCTAssertNil(configuration.value(section: "resources", key: "my_db"))
    XCTAssertEqual(configuration.value(section: "B", key: "my_key"), "1")
  }

  /// Each continuation line used to copy the whole value so far; behaviour is what is checked here
  /// (the time is in the fuzz report): 40,000 lines make one value, its line the key's.
  func testManyContinuationLinesMakeOneValue() throws {
    let lines = (1...40_000).map { "  line \($0)" }
    let text = "[Report]\nrecipients = first\n" + lines.joined(separator: "\n") + "\nsubject = weekly\nRecipients = 2\n"
    let configuration = try parse(text)
    let value = try XCTUnwrap(configuration.value(section: "Report", key: "recipients"))
    XCTAssertEqual(value, "2", "the last spelling wins")
    let continued = try parse("[Report]\nrecipients = first\n" + lines.joined(separator: "\n") + "\n")
    let recipients = try XCTUnwrap(continued.entry(section: "Report", key: "recipients"))
    XCTAssertEqual(recipients.value.split(separator: "\n").count, 40_001)
    XCTAssertEqual(recipients.value.split(separator: "\n").last, "line 40000")
    XCTAssertEqual(recipients.line, 2)
    XCTAssertEqual(configuration.value(section: "Report", key: "subject"), "weekly")
  }

  func testEnvironmentInterpolation() throws {
    let environment = ["DATA": "/srv/data", "USER_NAME": "ana", "EMPTY": ""]
    let configuration = try parse(
      """
      [Paths]
      input = ${DATA}/in.tsv
      both = ${USER_NAME}@${DATA}
      blank = [${EMPTY}]
      plain = $DATA and {DATA}
      list = first
        ${USER_NAME}
      """, environment: environment)
    XCTAssertEqual(configuration.value(section: "Paths", key: "input"), "/srv/data/in.tsv")
    XCTAssertEqual(configuration.value(section: "Paths", key: "both"), "ana@/srv/data")
    XCTAssertEqual(configuration.value(section: "Paths", key: "blank"), "[]")
    XCTAssertEqual(configuration.value(section: "Paths", key: "plain"), "$DATA and {DATA}")
    XCTAssertEqual(configuration.value(section: "Paths", key: "list"), "first\nana")
  }

  func testErrorsNameTheFileAndTheLine() {
    XCTAssertEqual(
      error(parsing: "name = Bob\n"),
      "bad config file test.cfg, line 1: 'name = Bob' comes before any [Section] header")
    XCTAssertEqual(
      error(parsing: "[core]\n\nworkers\n"),
      "bad config file test.cfg, line 3: expected key = value, found 'workers'")
    XCTAssertEqual(
      error(parsing: "[core]\n[Greet\n"),
      "bad config file test.cfg, line 2: a section header looks like [Name], not [Greet")
    XCTAssertEqual(
      error(parsing: "[core]\n= 3\n"),
      "bad config file test.cfg, line 2: a value without a key: '= 3'")
    XCTAssertEqual(
      error(parsing: "[Paths]\n# fine\ninput = ${DATA}/in.tsv\n"),
      "bad config file test.cfg, line 3: environment variable DATA is not set (used as ${DATA})")
    XCTAssertEqual(
      error(parsing: "[Paths]\ninput = ${DATA/in.tsv\n", environment: ["DATA": "x"]),
      "bad config file test.cfg, line 2: unclosed ${ in '${DATA/in.tsv'")
  }

  /// A secret's value is never echoed, however the line is broken: a missing `=`, a line before any
  /// section, an unclosed `${` on the line or on a continuation line.
  func testNoMessageShowsTheValueOfASecret() {
    let cases = [
      (
        "[object_store]\nsecret_access_key TopSecretKey-XYZZY-123\n",
        "line 2: expected key = value, found 'secret_access_key …' (the rest is hidden: it may be a secret)"
      ),
      (
        "[postgres]\npassword TopSecretKey-XYZZY-123\n",
        "line 2: expected key = value, found 'password …' (the rest is hidden: it may be a secret)"
      ),
      (
        "aws_session_token = TopSecretKey-XYZZY-123\n",
        "line 1: 'aws_session_token …' (the rest is hidden: it may be a secret) comes before any [Section] header"
      ),
      (
        "[postgres]\npassword = TopSecretKey-${XYZZY\n",
        "line 2: unclosed ${ in the value (hidden: it is a secret's)"
      ),
      (
        "[postgres]\npassword = a\n  TopSecretKey-${XYZZY\n",
        "line 3: unclosed ${ in the value (hidden: it is a secret's)"
      ),
    ]
    for (text, expected) in cases {
      let message = error(parsing: text) ?? "no error"
      XCTAssertEqual(message, "bad config file test.cfg, " + expected)
      XCTAssertFalse(message.contains("TopSecretKey"), message)
    }
    XCTAssertEqual(
      error(parsing: "[core]\nworkers 4\n"),
      "bad config file test.cfg, line 2: expected key = value, found 'workers 4'",
      "other values are shown, to find the mistake by")
  }

  func testIntegerSettingsThatAreNotIntegersNameTheirLine() throws {
    let configuration = try parse("[core]\nname = x\nworkers = two\n")
    XCTAssertThrowsError(try configuration.integer(section: "core", key: "workers")) { error in
      XCTAssertEqual("\(error)", "bad config file test.cfg, line 3: [core] workers must be an integer, not 'two'")
    }
  }

  func testSetReplacesAValue() throws {
    var configuration = try parse("[core]\nworkers = 2\n")
    configuration.set("4", section: "core", key: "workers")
    configuration.set("Bob", section: "Greet", key: "name")
    XCTAssertEqual(configuration.value(section: "core", key: "workers"), "4")
    XCTAssertEqual(configuration.value(section: "Greet", key: "name"), "Bob")
  }

  // MARK: - Finding the file

  func testLoadReadsLuigiCfgThenPlumbCfgFromTheFolder() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertEqual(try Configuration.load(in: folder.path, environment: [:]), Configuration())
    try folder.write("[Greet]\nname = Luigi\ntimes = 3\n", to: "luigi.cfg")
    try folder.write("[Greet]\nname = Plumb\n", to: "plumb.cfg")
    let configuration = try Configuration.load(in: folder.path, environment: [:])
    XCTAssertEqual(configuration.value(section: "Greet", key: "name"), "Plumb")
    XCTAssertEqual(configuration.value(section: "Greet", key: "times"), "3")
    XCTAssertEqual(configuration.files, [folder.path(of: "luigi.cfg"), folder.path(of: "plumb.cfg")])
  }

  func testLoadReadsOnlyTheFileNamedByTheEnvironment() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Plumb\n", to: "plumb.cfg")
    try folder.write("[Greet]\nname = PlumbNamed\n", to: "plumb-named.cfg")
    try folder.write("[Greet]\nname = LuigiNamed\n", to: "luigi-named.cfg")
    func name(_ environment: [String: String]) throws -> String? {
      try Configuration.load(in: folder.path, environment: environment).value(section: "Greet", key: "name")
    }
    XCTAssertEqual(try name(["PLUMB_CONFIG_PATH": "plumb-named.cfg"]), "PlumbNamed")
    XCTAssertEqual(try name(["LUIGI_CONFIG_PATH": folder.path(of: "luigi-named.cfg")]), "LuigiNamed")
    XCTAssertEqual(
      try name(["PLUMB_CONFIG_PATH": "plumb-named.cfg", "LUIGI_CONFIG_PATH": "luigi-named.cfg"]), "PlumbNamed")
    XCTAssertEqual(try name(["PLUMB_CONFIG_PATH": "", "LUIGI_CONFIG_PATH": "luigi-named.cfg"]), "LuigiNamed")
    XCTAssertEqual(try name(["PLUMB_CONFIG_PATH": ""]), "Plumb")
    XCTAssertThrowsError(try name(["PLUMB_CONFIG_PATH": "missing.cfg"])) { error in
      XCTAssertEqual("\(error)", "bad config file \(folder.path)/missing.cfg: the config file does not exist")
    }
  }

  func testLoadReportsTheFileOfABadLine() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Bob\nthis line is wrong\n", to: "plumb.cfg")
    XCTAssertThrowsError(try Configuration.load(in: folder.path, environment: [:])) { error in
      XCTAssertEqual(
        "\(error)", "bad config file \(folder.path)/plumb.cfg, line 3: expected key = value, found 'this line is wrong'"
      )
    }
    try folder.write("[Greet]\nname = ${GREETING}\n", to: "plumb.cfg")
    XCTAssertEqual(
      try Configuration.load(in: folder.path, environment: ["GREETING": "Hej"]).value(section: "Greet", key: "name"),
      "Hej")
    try Data([0x5B, 0xFF, 0xFE, 0x5D]).write(to: URL(fileURLWithPath: folder.path(of: "plumb.cfg")))
    XCTAssertThrowsError(try Configuration.load(in: folder.path, environment: [:])) { error in
      XCTAssertEqual("\(error)", "bad config file \(folder.path)/plumb.cfg: cannot be read as UTF-8 text")
    }
  }
}
