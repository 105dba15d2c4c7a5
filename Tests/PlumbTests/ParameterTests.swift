import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbWorkers

private enum Mode: String, CaseIterable, ParameterValue {
  case fast, thorough
}

/// Writes the values it ran with, so a test sees what the run resolved.
private struct Greet: PipelineTask {
  @Parameter(help: "who to greet") var name: String = "World"
  @Parameter(help: "how many times") var times: Int = 1
  @Parameter(help: "an API token", significant: false) var token: String = "none"

  func output() -> LocalTarget { LocalTarget("greet-\(name)-\(times).txt") }
  func run() throws { try output().write("\(name) \(times) \(token)") }
}

/// Requires two Greet tasks, so that family values and config reach tasks made in requires().
private struct GreetTwice: PipelineTask {
  func requires() -> [Greet] { [Greet(), Greet(times: 2)] }
  func output() -> LocalTarget { LocalTarget("twice.txt") }
  func run() throws { try output().write(input().map { try $0.read() }.joined(separator: "|")) }
}

private struct Kinds: PipelineTask {
  @Parameter var day: Day = .required
  @Parameter var dateInterval: DaySpan = .required
  @Parameter var flag: Bool = false
  @Parameter var mode: Mode = .fast
  @Parameter var rate: Double = 0.5
  @Parameter var sizes: [Int] = []

  func output() -> LocalTarget { LocalTarget("kinds.txt") }
  func run() throws { try output().write(TaskInfo(self).description) }
}

private struct NeedsName: PipelineTask {
  @Parameter var name: String = .required
  func run() throws {}
}

/// Requires a NeedsName without giving it a name, so only a family flag or the config can.
private struct GreetsSomeone: PipelineTask {
  func requires() -> NeedsName { NeedsName() }
  func run() throws {}
}

final class ParameterTests: XCTestCase {
  // MARK: - Reading each kind

  func testStringsAreTakenAsGiven() {
    for text in ["", "a b", " padded ", "ünïcödé", "--not-a-flag"] {
      XCTAssertEqual(String(parameterText: text), text)
    }
  }

  func testIntegers() {
    XCTAssertEqual(Int(parameterText: "42"), 42)
    XCTAssertEqual(Int(parameterText: " 7 "), 7)
    XCTAssertEqual(Int(parameterText: "-3"), -3)
    XCTAssertEqual(Int(parameterText: "+3"), 3)
    for text in ["", "4.5", "abc", "1e3", "0x10", "99999999999999999999"] {
      XCTAssertNil(Int(parameterText: text), "'\(text)' must not read as an integer")
    }
    XCTAssertEqual(41.successor, 42)
    XCTAssertNil(Int.max.successor)
  }

  func testNumbers() {
    XCTAssertEqual(Double(parameterText: "0.5"), 0.5)
    XCTAssertEqual(Double(parameterText: "2"), 2)
    XCTAssertEqual(Double(parameterText: "1e-3"), 0.001)
    XCTAssertEqual(Double(parameterText: "-inf"), -.infinity)
    for text in ["", "nan", "0x10", "abc", "1,5"] {
      XCTAssertNil(Double(parameterText: text), "'\(text)' must not read as a number")
    }
    XCTAssertEqual(1.0.parameterText, "1.0")
    XCTAssertEqual(0.00001.parameterText, "1e-05")
  }

  /// Swift's Double(_:) reads through C's strtod, which stops at a NUL byte.
  func testNumbersWithANulByteAreRefused() {
    for text in ["0.7\u{0}junk", "0.7\u{0}", "\u{0}0.7", "1\u{0}2", "inf\u{0}"] {
      XCTAssertNil(Double(parameterText: text), "'\(text.debugDescription)' must not read as a number")
    }
    XCTAssertNil([Double](parameterText: "0.5,0.7\u{0}junk"))
    XCTAssertNil(Int(parameterText: "7\u{0}"))
  }

  func testBooleans() {
    for text in ["true", "True", "TRUE"] { XCTAssertEqual(Bool(parameterText: text), true) }
    for text in ["false", "False", "fAlSe"] { XCTAssertEqual(Bool(parameterText: text), false) }
    for text in ["", "yes", "1", "t", "on"] {
      XCTAssertNil(Bool(parameterText: text), "'\(text)' must not read as a boolean")
    }
    XCTAssertEqual(true.parameterText, "True")
    XCTAssertEqual(false.parameterText, "False")
  }

  func testChoices() {
    XCTAssertEqual(Mode(parameterText: "thorough"), .thorough)
    XCTAssertNil(Mode(parameterText: "Thorough"), "choices are exact, as in Luigi")
    XCTAssertNil(Mode(parameterText: "quick"))
    XCTAssertEqual(Mode.thorough.parameterText, "thorough")
    XCTAssertEqual(Mode.expectedForm, "one of fast, thorough")
  }

  func testLists() {
    XCTAssertEqual([Int](parameterText: "[1, 2, 3]"), [1, 2, 3])
    XCTAssertEqual([Int](parameterText: "1,2, 3"), [1, 2, 3])
    XCTAssertEqual([Int](parameterText: "[]"), [])
    XCTAssertEqual([Int](parameterText: ""), [])
    XCTAssertEqual([String](parameterText: #"["a", "b c"]"#), ["a", "b c"])
    XCTAssertEqual([String](parameterText: "[1, 2]"), ["1", "2"])
    XCTAssertEqual([Bool](parameterText: "[true, false]"), [true, false])
    XCTAssertEqual([Double](parameterText: "[1, 2.5]"), [1, 2.5])
    XCTAssertEqual([Day](parameterText: #"["2024-01-03"]"#), [Day(year: 2024, month: 1, day: 3)].compactMap { $0 })
    for text in ["[1, 2.5]", "[1, [2]]", "[1, ", "[\"a\"]", "1,x", "[true]"] {
      XCTAssertNil([Int](parameterText: text), "'\(text)' must not read as a list of integers")
    }
    XCTAssertEqual([1, 2].parameterText, "[1, 2]")
    XCTAssertEqual(["a", "b"].parameterText, #"["a", "b"]"#)
    XCTAssertEqual([true, false].parameterText, "[true, false]")
    XCTAssertEqual([1.5].parameterText, "[1.5]")
    XCTAssertEqual([Double.infinity, -.infinity].parameterText, #"["inf", "-inf"]"#)
    XCTAssertEqual([Double](parameterText: [-Double.infinity, 1].parameterText), [-.infinity, 1])
    XCTAssertEqual(["say \"hi\"\n", "ü"].parameterText, #"["say \"hi\"\n", "\u00fc"]"#)
    XCTAssertEqual([String](parameterText: ["say \"hi\"\n", "ü"].parameterText), ["say \"hi\"\n", "ü"])
    XCTAssertEqual([String](parameterText: "a, b"), ["a", "b"])
    XCTAssertEqual([Int].expectedForm, "a list such as [a, b] or a,b with no empty items, each an integer such as 42")
  }

  func testTrimmingWhitespaceAgreesWithFoundation() {
    for text in [
      "", " ", "\t42 ", "\u{A0}42\u{3000}", " \n1\n ", "a b", " \u{301}x ", "\u{2028} x", "é\t",
      String(repeating: " ", count: 100),
    ] {
      XCTAssertEqual(text.trimmingWhitespace(), text.trimmingCharacters(in: .whitespaces), text.debugDescription)
      XCTAssertEqual(text[...].trimmingWhitespace(), text.trimmingCharacters(in: .whitespaces), text.debugDescription)
    }
  }

  func testCommaListsRefuseEmptyItems() {
    for text in ["1,,2", "1,2,", ",1", ",", " , ", "1, ,2", "1,\t,2"] {
      XCTAssertNil([Int](parameterText: text), "'\(text)' must not read as a list of integers")
      XCTAssertNil([String](parameterText: text), "'\(text)' must not read as a list of strings")
    }
    XCTAssertNil([String](parameterText: "a,,b"))
    // JSON keeps empty strings, as Luigi's ListParameter (json.loads) does.
    XCTAssertEqual([String](parameterText: #"["a", "", "b"]"#), ["a", "", "b"])
    XCTAssertEqual([String](parameterText: ["a", ""].parameterText), ["a", ""])
    // The comma is a scalar: a combining mark after it belongs to the next item.
    XCTAssertEqual([String](parameterText: "a,\u{301}b"), ["a", "\u{301}b"])
  }

  // MARK: - Errors, through real runs

  private func error(building tasks: [any PipelineTask], options: RunOptions) -> String? {
    thrownMessage { try build(tasks, options: options) }
  }

  func testAMissingRequiredParameterSaysHowToSetIt() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertEqual(
      error(building: [NeedsName()], options: folder.options()),
      "NeedsName requires the 'name' parameter to be set: pass --name VALUE, or set name in section [NeedsName] of plumb.cfg"
    )
    XCTAssertThrowsError(try build([NeedsName()], options: folder.options())) { error in
      XCTAssertEqual(error as? ParameterError, .missing(family: "NeedsName", parameter: "name", flag: "--name"))
    }
  }

  func testAMissingParameterOfARequiredTaskSaysToUseTheFamilyFlag() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let result = try build([GreetsSomeone()], options: folder.options())
    XCTAssertEqual(
      result.records.first?.errorMessage,
      "NeedsName requires the 'name' parameter to be set: pass --NeedsName-name VALUE, or set name in section [NeedsName] of plumb.cfg",
      "--name would set a parameter of the task named on the command line, not of one it requires")
  }

  func testAMalformedFamilyValueNamesTaskParameterValueAndForm() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var options = folder.options()
    options.familyValues = ["Greet": ["times": "many"]]
    XCTAssertEqual(
      error(building: [Greet()], options: options),
      "Greet: cannot use 'many' for parameter 'times' (from --Greet-times): expected an integer such as 42")
    XCTAssertThrowsError(try build([Greet()], options: options)) { error in
      XCTAssertEqual(
        error as? ParameterError,
        .malformed(
          family: "Greet", parameter: "times", value: "many", expected: "an integer such as 42", source: "--Greet-times"
        ))
    }
  }

  func testEachKindsErrorMessage() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let valid = ["day": "2024-01-03", "dateInterval": "2012-W12"]
    let cases: [(parameter: String, value: String, expected: String)] = [
      ("flag", "yes", "expected true or false"),
      ("mode", "z", "expected one of fast, thorough"),
      ("day", "2024-02-30", "expected a date that exists, written year-month-day, such as 2024-01-03"),
      ("rate", "fast", "expected a number such as 0.5"),
      ("sizes", "[1, x]", "expected a list such as [a, b] or a,b with no empty items, each an integer such as 42"),
      (
        "dateInterval", "2012-13",
        "expected a date interval: a year (2012), a month (2012-06), an ISO week (2012-W12), a day (2012-06-01)"
          + " or a range of days, the end day excluded (2012-06-01-2012-06-30)"
      ),
    ]
    for (parameter, value, expected) in cases {
      var values = valid
      values[parameter] = value
      var options = folder.options()
      options.familyValues = ["Kinds": values]
      let flag = "--Kinds-" + ParameterDeclaration.dashed(parameter)
      XCTAssertEqual(
        error(building: [Kinds()], options: options),
        "Kinds: cannot use '\(value)' for parameter '\(parameter)' (from \(flag)): \(expected)")
    }
  }

  func testAMalformedConfigValueNamesTheFileAndLine() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[core]\nworkers = 1\n\n[Greet]\ntimes = lots\n", to: "plumb.cfg")
    XCTAssertEqual(
      error(building: [Greet()], options: folder.options(readingConfigFiles: true)),
      "Greet: cannot use 'lots' for parameter 'times' (from [Greet] times in \(folder.path)/plumb.cfg, line 5): expected an integer such as 42"
    )
    try folder.write("[Greet]\ntimes = 1\n  2\n", to: "plumb.cfg")
    XCTAssertEqual(
      error(building: [Greet()], options: folder.options(readingConfigFiles: true)),
      "Greet: cannot use '1\\n2' for parameter 'times' (from [Greet] times in \(folder.path)/plumb.cfg, line 2): expected an integer such as 42",
      "a value continued over two lines still makes a one-line message")
  }

  func testAMalformedValueForARequiredTaskFailsItsSchedulingWithTheMessage() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var options = folder.options()
    options.familyValues = ["Greet": ["times": "x"]]
    let result = try build([GreetTwice()], options: options)
    XCTAssertFalse(result.success)
    let record = try XCTUnwrap(result.records.first { $0.info.family == "GreetTwice" })
    XCTAssertEqual(
      record.errorMessage,
      "Greet: cannot use 'x' for parameter 'times' (from --Greet-times): expected an integer such as 42")
  }

  // MARK: - Where values come from

  private func ranGreetings(_ tasks: [any PipelineTask], in folder: TemporaryFolder, options: RunOptions? = nil) throws
    -> [String]
  {
    let result = try build(tasks, options: options ?? folder.options(readingConfigFiles: true))
    XCTAssertTrue(result.success, result.summary)
    return result.records.filter { $0.info.family == "Greet" }.map(\.info.description).sorted()
  }

  func testTheDefaultAppliesWhenNothingElseIsGiven() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertEqual(try ranGreetings([Greet()], in: folder), ["Greet(name=World, times=1)"])
    XCTAssertEqual(folder.contents(of: "greet-World-1.txt"), "World 1 none")
  }

  func testTheConfigFileBeatsTheDefault() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Config\ntoken = secret\n", to: "plumb.cfg")
    XCTAssertEqual(try ranGreetings([Greet()], in: folder), ["Greet(name=Config, times=1)"])
    XCTAssertEqual(folder.contents(of: "greet-Config-1.txt"), "Config 1 secret")
  }

  func testLuigiCfgIsReadToo() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Luigi\ntimes = 4\n", to: "luigi.cfg")
    try folder.write("[Greet]\nname = Plumb\n", to: "plumb.cfg")
    XCTAssertEqual(try ranGreetings([Greet()], in: folder), ["Greet(name=Plumb, times=4)"])
  }

  func testAFamilyValueBeatsTheConfigFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Config\ntimes = 3\n", to: "plumb.cfg")
    var options = folder.options(readingConfigFiles: true)
    options.familyValues = ["Greet": ["name": "Family"]]
    XCTAssertEqual(try ranGreetings([Greet()], in: folder, options: options), ["Greet(name=Family, times=3)"])
  }

  func testAValueSetInCodeBeatsFamilyValuesAndTheConfigFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Config\ntimes = 3\n", to: "plumb.cfg")
    var options = folder.options(readingConfigFiles: true)
    options.familyValues = ["Greet": ["name": "Family", "times": "5"]]
    XCTAssertEqual(
      try ranGreetings([Greet(name: "Code")], in: folder, options: options), ["Greet(name=Code, times=5)"])
  }

  func testAnInitializerArgumentEqualToTheDefaultCountsAsTheDefault() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Config\n", to: "plumb.cfg")
    XCTAssertEqual(try ranGreetings([Greet(name: "World")], in: folder), ["Greet(name=Config, times=1)"])
  }

  func testAnAssignedValueWinsEvenWhenItEqualsTheDefault() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Config\n", to: "plumb.cfg")
    var greet = Greet()
    greet.name = "World"
    XCTAssertEqual(try ranGreetings([greet], in: folder), ["Greet(name=World, times=1)"])
  }

  func testFamilyValuesAndConfigReachTasksMadeInRequires() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = Config\ntimes = 9\n", to: "plumb.cfg")
    var options = folder.options(readingConfigFiles: true)
    options.familyValues = ["Greet": ["token": "t"]]
    // Greet() takes times from the config file; Greet(times: 2) set it in code.
    XCTAssertEqual(
      try ranGreetings([GreetTwice()], in: folder, options: options),
      ["Greet(name=Config, times=2)", "Greet(name=Config, times=9)"])
    XCTAssertEqual(folder.contents(of: "twice.txt"), "Config 9 t|Config 2 t")
  }

  func testARequiredParameterMayComeFromTheConfigFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[NeedsName]\nname = Ana\n", to: "plumb.cfg")
    let result = try build([NeedsName()], options: folder.options(readingConfigFiles: true))
    XCTAssertEqual(result.records.map(\.info.description), ["NeedsName(name=Ana)"])
  }

  func testEveryKeySpellingReachesACamelCaseParameter() throws {
    for key in ["date_interval", "date-interval", "dateInterval"] {
      let folder = try TemporaryFolder(removedAfter: self)
      try folder.write("[Kinds]\nday = 2024-01-03\n\(key) = 2012-W12\n", to: "plumb.cfg")
      _ = try build([Kinds()], options: folder.options(readingConfigFiles: true))
      XCTAssertEqual(
        folder.contents(of: "kinds.txt"),
        "Kinds(day=2024-01-03, dateInterval=2012-W12, flag=False, mode=fast, rate=0.5, sizes=[])", "written as \(key)")
    }
    let folder = try TemporaryFolder(removedAfter: self)
    var options = folder.options()
    options.familyValues = [
      "Kinds": ["day": "2024-01-03", "date-interval": "2012", "flag": "TRUE", "mode": "thorough"]
    ]
    _ = try build([Kinds()], options: options)
    XCTAssertEqual(
      folder.contents(of: "kinds.txt"),
      "Kinds(day=2024-01-03, dateInterval=2012, flag=True, mode=thorough, rate=0.5, sizes=[])")
  }

  func testConfigEnvironmentInterpolationReachesTasks() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[Greet]\nname = ${GREETEE}\n", to: "plumb.cfg")
    var options = folder.options()
    options.configuration = try Configuration.load(in: folder.path, environment: ["GREETEE": "Env"])
    XCTAssertEqual(try ranGreetings([Greet()], in: folder, options: options), ["Greet(name=Env, times=1)"])
  }

  func testATaskKeptAcrossRunsIsResolvedAfreshByEach() throws {
    let first = try TemporaryFolder(removedAfter: self)
    try first.write("[Greet]\nname = First\n", to: "plumb.cfg")
    let second = try TemporaryFolder(removedAfter: self)
    let greet = Greet()
    XCTAssertEqual(try ranGreetings([greet], in: first), ["Greet(name=First, times=1)"])
    XCTAssertEqual(greet.name, "World", "a run works on its own copy and leaves the value it was given alone")
    XCTAssertEqual(try ranGreetings([greet], in: second), ["Greet(name=World, times=1)"])
  }

  func testInsignificantParametersLeaveIdentityAlone() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let result = try build([Greet(token: "a"), Greet(token: "b")], options: folder.options())
    XCTAssertEqual(result.records.map(\.info.description), ["Greet(name=World, times=1)"])
    XCTAssertEqual(TaskInfo(Greet(token: "a")).id, TaskInfo(Greet(token: "b")).id)
  }

  func testDeclarationsDescribeParameters() {
    let declarations = ParameterSchema.declarations(of: Kinds.self)
    XCTAssertEqual(declarations.map(\.name), ["day", "dateInterval", "flag", "mode", "rate", "sizes"])
    XCTAssertEqual(declarations.map(\.flag), ["--day", "--date-interval", "--flag", "--mode", "--rate", "--sizes"])
    XCTAssertEqual(declarations.map(\.defaultText), [nil, nil, "False", "fast", "0.5", "[]"])
    XCTAssertEqual(declarations.map(\.isBoolean), [false, false, true, false, false, false])
    let greet = ParameterSchema.declarations(of: Greet.self)
    XCTAssertEqual(greet.map(\.help), ["who to greet", "how many times", "an API token"])
    XCTAssertEqual(greet.map(\.isSignificant), [true, true, false])
    XCTAssertTrue(greet[0].isNamed("NAME"))
    XCTAssertFalse(greet[0].isNamed("names"))
  }
}
