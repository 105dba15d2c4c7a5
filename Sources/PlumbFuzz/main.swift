import Foundation
import Plumb

#if canImport(Glibc)
  import Glibc
#endif

// plumb-fuzz: random and mutated input for every parser Plumb reads user text with, through the
// public API: each standard parameter type, the config file, and whole command lines.
//
//   plumb-fuzz [--seconds 60] [--count N] [--seed N] [--only NAME]
//
// Each parser gets an equal share of the time (and at most N inputs); --only fuzzes the parsers whose
// names contain NAME. It checks that nothing
// crashes, that no input takes over 100 ms, that every error message is one line, and that every
// value read is written back as text that reads as the same value. Exit code 1 when a check failed.

var seconds = 60.0
var countLimit = Int.max
var seed = UInt64(UInt32(truncatingIfNeeded: time(nil)))
var only: String?

/// Prints a line at once (print's buffer would hold it back when the output goes to a file).
func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("plumb-fuzz: \(message)\n".utf8))
  exit(2)
}

var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
  guard let value = arguments.popFirst() else { fail("\(flag) needs a value") }
  switch flag {
  case "--seconds":
    guard let number = Double(value), number > 0 else { fail("--seconds takes a positive number") }
    seconds = number
  case "--count":
    guard let number = Int(value), number > 0 else { fail("--count takes a positive integer") }
    countLimit = number
  case "--seed":
    guard let number = UInt64(value) else { fail("--seed takes a non-negative integer") }
    seed = number
  case "--only": only = value
  default: fail("unknown option \(flag); the options are --seconds, --count, --seed and --only")
  }
}

// MARK: - Crash reports

// A crash cannot be caught, so the input under test is kept where a signal handler can print it.
nonisolated(unsafe) let crashText = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
nonisolated(unsafe) var crashLength = 0

/// Keeps the start of `description` for the crash report.
func remember(_ description: String) {
  var length = 0
  for byte in description.utf8.prefix(4095) {
    crashText[length] = byte
    length += 1
  }
  crashLength = length
}

for signalNumber in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
  signal(signalNumber) { number in
    let heading = "\nplumb-fuzz: CRASH on input: "
    _ = heading.withCString { write(2, $0, strlen($0)) }
    _ = write(2, crashText, crashLength)
    _ = write(2, "\n", 1)
    signal(number, SIG_DFL)
    raise(number)
  }
}

// MARK: - Checks

let slowLimit: UInt64 = 100_000_000

/// What one parser met: counts, the slowest input, and the first few failures of each kind.
final class Tally {
  let name: String
  var inputs = 0
  var accepted = 0
  var messages = 0
  var slow = 0
  var slowest: (nanoseconds: UInt64, input: String) = (0, "")
  var failures: [String: (count: Int, examples: [String])] = [:]

  init(name: String) { self.name = name }

  func fail(_ kind: String, _ input: String) {
    failures[kind, default: (0, [])].count += 1
    if failures[kind]!.examples.count < 3 { failures[kind]!.examples.append(input) }
  }

  var failureCount: Int { failures.values.map(\.count).reduce(0, +) }

  /// Runs `body` on `input` and times it.
  func measure(_ input: @autoclosure () -> String, _ body: () -> Void) {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    inputs += 1
    if elapsed > slowLimit {
      slow += 1
      fail("over 100 ms", input())
    }
    if elapsed > slowest.nanoseconds { slowest = (elapsed, input()) }
  }

  /// Fails unless `message` prints as one line.
  func checkOneLine(_ message: String, kind: String, input: @autoclosure () -> String) {
    messages += 1
    if message.unicodeScalars.contains(where: isLineBreak) { fail("\(kind) over several lines", input()) }
  }
}

func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
  default: return false
  }
}

/// An input as a Swift literal, cut short: for reports.
func shown(_ text: String) -> String {
  let limit = 60
  let count = text.utf8.count
  let head = count > limit ? String(decoding: text.utf8.prefix(limit), as: UTF8.self) + "…" : text
  return head.debugDescription + (count > limit ? " (\(count) bytes)" : "")
}

// MARK: - Parsers

enum Shade: String, CaseIterable, RequirableParameterValue { case light, dark }

var tallies: [Tally] = []
let started = DispatchTime.now().uptimeNanoseconds
var random = Random(seed: seed)
var mutator = Mutator(random: Random(seed: seed &+ 1))

/// Calls `step` until this parser's share of the time or `--count` is used up.
@MainActor
func run(_ name: String, share: Double, _ step: (Tally) -> Void) {
  if let only, !name.contains(only) { return }
  let tally = Tally(name: name)
  tallies.append(tally)
  let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(share * 1e9)
  while tally.inputs < countLimit {
    // Reading the clock costs little next to an input, but there is no need to do it every time.
    if tally.inputs % 64 == 0, DispatchTime.now().uptimeNanoseconds > deadline { break }
    step(tally)
  }
  say("  \(name): \(tally.inputs) inputs")
}

/// The next input for a parser: a seed, mutated most of the time.
@MainActor
func input(from seeds: [[UInt8]]) -> String {
  let base = random.pick(seeds)
  let bytes = random.oneIn(8) ? base : mutator.mutate(base, splicing: random.pick(seeds))
  return String(decoding: bytes, as: UTF8.self)
}

/// Reading a value: accepted text must be written back as text that reads as the same value,
/// its successor too; the error message for refused text must be one line.
@MainActor
func fuzzValue<Value: ParameterValue & Equatable>(_ type: Value.Type, _ name: String, seeds: [String], share: Double) {
  let seeds = seeds.map { Array($0.utf8) }
  run(name, share: share) { tally in
    let text = input(from: seeds)
    remember("\(name) \(text.debugDescription)")
    // Timed: reading the text, and the message a command line would print for it.
    var value: Value?
    var messages: [String] = []
    tally.measure(shown(text)) {
      value = Value(parameterText: text)
      if value == nil {
        messages.append(
          ParameterError.malformed(
            family: "Fuzz", parameter: "value", value: text, expected: Value.expectedForm, source: "--value"
          ).description)
      }
      messages.append(ParameterError.unknown(family: "Fuzz", flag: text, known: ["--value"]).description)
    }
    for message in messages { tally.checkOneLine(message, kind: "message", input: shown(text)) }
    guard let value else { return }
    tally.accepted += 1
    let written = value.parameterText
    if Value(parameterText: written) != value {
      tally.fail("written back as unreadable or different text", "\(shown(text)) -> \(shown(written))")
    }
    if let next = value.successor, Value(parameterText: next.parameterText) != next {
      tally.fail("successor unreadable", "\(shown(text)) -> \(shown(next.parameterText))")
    }
  }
}

let valueParsers: [(String, @MainActor (Double) -> Void)] = [
  ("String", { fuzzValue(String.self, "String", seeds: ["", "a b", "ünï", "x\ny"], share: $0) }),
  ("Int", { fuzzValue(Int.self, "Int", seeds: ["42", " -7 ", "+3", "9223372036854775807", "0"], share: $0) }),
  (
    "Double",
    {
      fuzzValue(Double.self, "Double", seeds: ["0.5", "2", "1e-3", "-inf", "0.7", "1.7976931348623157e308"], share: $0)
    }
  ),
  ("Bool", { fuzzValue(Bool.self, "Bool", seeds: ["true", "False", "TRUE"], share: $0) }),
  ("Shade (enum)", { fuzzValue(Shade.self, "Shade (enum)", seeds: ["light", "dark"], share: $0) }),
  ("Day", { fuzzValue(Day.self, "Day", seeds: ["2024-01-03", "2024-1-3", "9999-12-31", "0001-01-01"], share: $0) }),
  ("Month", { fuzzValue(Month.self, "Month", seeds: ["2024-01", "2024-1", "9999-12", "0001-01"], share: $0) }),
  ("Year", { fuzzValue(Year.self, "Year", seeds: ["2024", "9999", "0001"], share: $0) }),
  (
    "DateHour",
    { fuzzValue(DateHour.self, "DateHour", seeds: ["2024-01-03T07", "2024-1-3T7", "9999-12-31T23"], share: $0) }
  ),
  (
    "DateMinute",
    {
      fuzzValue(
        DateMinute.self, "DateMinute", seeds: ["2024-01-03T0715", "2024-1-3T07H15", "9999-12-31T2359"], share: $0)
    }
  ),
  (
    "DateSecond",
    { fuzzValue(DateSecond.self, "DateSecond", seeds: ["2024-01-03T071530", "9999-12-31T235959"], share: $0) }
  ),
  (
    "TimeDelta",
    {
      fuzzValue(
        TimeDelta.self, "TimeDelta", seeds: ["90", "-1.5", "P1DT12H", "P2W", "1 w 2 d 3 h 4 m 5 s", "3 hours"],
        share: $0)
    }
  ),
  (
    "JSONObject",
    {
      fuzzValue(
        JSONObject.self, "JSONObject",
        seeds: [#"{"start": "1998-03-23", "num": 3}"#, #"{"a": [1, 2.5e-3, null, {"b": "\u00e9"}]}"#, "{}"],
        share: $0)
    }
  ),
  (
    "DaySpan",
    {
      fuzzValue(
        DaySpan.self, "DaySpan",
        seeds: [
          "2012", "2012-06", "2012-W12", "2015-W53", "2012-06-01", "2012-06-01-2012-06-30", "9998-12", "9999-W51",
        ],
        share: $0)
    }
  ),
  ("[Int]", { fuzzValue([Int].self, "[Int]", seeds: ["[1, 2, 3]", "1,2, 3", "[]", "", "1"], share: $0) }),
  (
    "[String]",
    { fuzzValue([String].self, "[String]", seeds: [#"["a", "b c"]"#, "a,b", #"["", "\n"]"#, "[1, 2]"], share: $0) }
  ),
  ("[Double]", { fuzzValue([Double].self, "[Double]", seeds: ["[1, 2.5]", "0.5,1e3", "-inf"], share: $0) }),
  ("[Day]", { fuzzValue([Day].self, "[Day]", seeds: [#"["2024-01-03"]"#, "2024-1-3,2024-02-29"], share: $0) }),
]

// MARK: - The config file

let configSeeds = [
  "[Greet]\nname = Bob\ntimes: 2\n",
  "\u{FEFF}[core]\r\nworkers = 2\r\n; comment\r\n# comment\r\n[Greet]\r\nname = ${NAME}\r\n",
  "[Report]\nrecipients = ana@example.com\n  bo@example.com\n    cy@example.com\nsubject = weekly\n",
  "[A]\ndate_interval = 2012\ndate-interval = 2013\ndateInterval = 2014\n[ Spaced ]\nkey=value\n",
  "[Paths]\ninput = ${DATA}/in.tsv\nlist = first\n  ${NAME}\n",
  "name = before any section\n",
  "[core]\nworkers\n",
  "[Broken\n",
]

/// Parsing config text: a malformed file is one line of message; every key read can be looked up.
@MainActor
func fuzzConfiguration(share: Double) {
  let seeds = configSeeds.map { Array($0.utf8) }
  let environment = ["NAME": "Ana", "DATA": "/data"]
  run("Configuration", share: share) { tally in
    let text = input(from: seeds)
    remember("Configuration \(text.debugDescription)")
    tally.measure(shown(text)) {
      do {
        let configuration = try Configuration(text: text, source: "fuzz.cfg", environment: environment)
        tally.accepted += 1
        for (section, values) in configuration.sections {
          for key in values.keys {
            if configuration.value(section: section, key: key) == nil {
              tally.fail("a key it lists cannot be looked up", "\(shown(text)) [\(shown(section))] \(shown(key))")
            }
            do {
              _ = try configuration.integer(section: section, key: key)
            } catch {
              tally.checkOneLine("\(error)", kind: "message", input: shown(text))
            }
          }
        }
      } catch {
        tally.checkOneLine("\(error)", kind: "message", input: shown(text))
      }
    }
  }
}

// MARK: - Whole command lines

struct FuzzAll: PipelineTask {
  @Parameter(help: "text") var text: String = "a"
  @Parameter(help: "a count") var count: Int = 1
  @Parameter(help: "a rate") var rate: Double = 0.5
  @Parameter(help: "a switch") var loud: Bool = false
  @Parameter(help: "a day") var day: Day = Day(year: 2024, month: 1, day: 3)!
  @Parameter(help: "a month") var month: Month = Month(year: 2024, month: 1)!
  @Parameter(help: "a year") var year: Year = Year(2024)!
  @Parameter(help: "an hour") var hour: DateHour = DateHour(year: 2024, month: 1, day: 3, hour: 7)!
  @Parameter(help: "some days") var dateInterval: DaySpan = DaySpan(parameterText: "2012-W12")!
  @Parameter(help: "sizes") var sizes: [Int] = []
  @Parameter(help: "a shade") var shade: Shade = .light
  func run() throws {}
}

struct FuzzParent: PipelineTask {
  func requires() -> FuzzAll { FuzzAll() }
  func run() throws {}
}

struct FuzzNeeds: PipelineTask {
  @Parameter(help: "a country code") var tld: String = .required
  func run() throws {}
}

let commandSeeds: [[String]] = [
  [], ["--help"], ["-h"], ["FuzzAll"], ["FuzzAll", "--help"], ["FuzzAll", "--text", "a b", "--count", "3"],
  [
    "FuzzAll", "--day", "2024-1-3", "--date-interval", "2012-W12", "--sizes", "1,2", "--shade", "dark", "--rate=0.5",
    "--loud", "false", "--month", "2024-02", "--year", "2023", "--hour", "2024-01-03T23",
  ],
  ["FuzzParent", "--FuzzAll-count", "2", "--FuzzAll-sizes", "[1, 2]"], ["FuzzNeeds"], ["FuzzNeeds", "--tld", "rs"],
  ["--workers", "2", "FuzzAll", "--loud"], ["Fuzzall"], ["--wrkers", "2"], ["FuzzAll", "--no-lock=yes"],
  ["FuzzAll", "--log-level", "error"], ["FuzzAll", "--quiet", "--no-lock"], ["FuzzAll", "--retries", "1"],
  ["FuzzAll", "--cuont", "2"], ["FuzzAll", "extra"], ["FuzzParent", "--FuzzAl-count", "2"],
]
let commandWords = Array(Set(commandSeeds.joined())) + ["--graph", "--local-scheduler", "--retry-delay", "--Fuzz"]

/// A word list mutated: words changed byte by byte, added, dropped, repeated; `--help` at times.
@MainActor
func commandInput() -> [String] {
  var words = random.pick(commandSeeds)
  guard !random.oneIn(8) else { return words }
  for _ in 0...random.below(3) {
    switch random.below(6) {
    case 0...1 where !words.isEmpty:
      let index = random.below(words.count)
      let bytes = mutator.mutate(Array(words[index].utf8), splicing: Array(random.pick(commandWords).utf8))
      words[index] = String(decoding: bytes, as: UTF8.self)
    case 2: words.insert(random.pick(commandWords), at: random.below(words.count + 1))
    case 3 where !words.isEmpty: words.remove(at: random.below(words.count))
    case 4: words.insert(random.pick(Mutator.tokens), at: random.below(words.count + 1))
    default: words.insert("--help", at: random.below(words.count + 1))
    }
  }
  return safe(words)
}

/// `words` without what would reach beyond the fuzz: a graph file outside its folder, or so
/// many workers that the machine runs out of threads.
func safe(_ words: [String]) -> [String] {
  var words = words
  for index in words.indices {
    if words[index].hasPrefix("--graph=") { words[index] = "--graph=graph.svg" }
    if words[index].hasPrefix("--workers=") { words[index] = "--workers=2" }
    guard index > 0 else { continue }
    if words[index - 1] == "--graph" { words[index] = "graph.svg" }
    if words[index - 1] == "--workers", (Int(words[index]) ?? 0) > 4 { words[index] = "4" }
  }
  return words
}

/// Running command lines in a temporary folder: every line on standard error is one line, an
/// error is one line of message, and help is printed when asked for.
@MainActor
func fuzzCommands(share: Double) {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-fuzz-\(getpid())").path
  try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: folder) }
  let command = PipelineCommand(name: "fuzz", tasks: [FuzzAll.self, FuzzParent.self, FuzzNeeds.self])
  run("PipelineCommand.run", share: share) { tally in
    let words = commandInput()
    let input = "[" + words.map(shown).joined(separator: ", ") + "]"
    remember("PipelineCommand.run \(input)")
    var errorLines: [String] = []
    var output = 0
    var code: Int32 = 0
    tally.measure(input) {
      code = command.run(
        arguments: words, workingDirectory: folder, environment: ["TMPDIR": folder],
        standardOutput: { output += $0.isEmpty ? 0 : 1 }, standardError: { errorLines.append($0) })
    }
    if code == 0 { tally.accepted += 1 }
    for line in errorLines {
      // Log lines (`fuzz: INFO: ...`) name tasks; error lines are the command line's messages.
      let kind = line.hasPrefix("fuzz: error: ") ? "error line" : "log line"
      tally.checkOneLine(line, kind: kind, input: "\(input) printed \(shown(line))")
    }
    if code == PipelineCommand.usageErrorExitCode, !errorLines.contains(where: { $0.hasPrefix("fuzz: error: ") }) {
      tally.fail("exit code 2 without an error line", input)
    }
    if words.contains("--help"), code == 0, output == 0 { tally.fail("--help printed nothing", input) }
    // Lock files and graphs pile up; the folder is emptied now and then.
    if tally.inputs % 10_000 == 0 {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
        try? FileManager.default.removeItem(atPath: folder + "/" + name)
      }
    }
  }
}

// MARK: - Figures for known worst cases

func milliseconds(_ body: () -> Void) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

let continued = "[Report]\nrecipients = first\n" + (1...40_000).map { "  line \($0)" }.joined(separator: "\n") + "\n"
let continuedMilliseconds = milliseconds { _ = try? Configuration(text: continued, environment: [:]) }
let hugeFlag = "--" + String(repeating: "w", count: 1 << 20)
let hugeFlagMilliseconds = milliseconds {
  _ = PipelineCommand(name: "fuzz", tasks: [FuzzAll.self]).run(
    arguments: ["FuzzAll", hugeFlag, "x"], environment: [:], standardOutput: { _ in }, standardError: { _ in })
}
say(
  "plumb-fuzz: seed \(seed), \(seconds) s, at most \(countLimit == .max ? "unlimited" : String(countLimit)) inputs each"
)
say(String(format: "config with 40,000 continuation lines: %.1f ms", continuedMilliseconds))
say(String(format: "unknown 1 MB flag (did you mean): %.1f ms", hugeFlagMilliseconds))

// MARK: - The run

// Whole command lines take far longer per input than one value, so they get a larger share.
let chosen = valueParsers.map(\.0) + ["Configuration"] + ["PipelineCommand.run"]
let shares = chosen.filter { only.map($0.contains) ?? true }.map { $0 == "PipelineCommand.run" ? 4.0 : 1.0 }.reduce(
  0, +)
for (_, fuzz) in valueParsers { fuzz(seconds / shares) }
fuzzConfiguration(share: seconds / shares)
fuzzCommands(share: 4 * seconds / shares)

func column(_ text: String, _ width: Int) -> String {
  text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

say(
  "\n" + column("parser", 22) + column("inputs", 12) + column("accepted", 11) + column("messages", 11)
    + column("> 100 ms", 10) + column("failures", 10) + "slowest")
for tally in tallies {
  say(
    column(tally.name, 22) + column(String(tally.inputs), 12) + column(String(tally.accepted), 11)
      + column(String(tally.messages), 11) + column(String(tally.slow), 10) + column(String(tally.failureCount), 10)
      + String(format: "%.2f ms", Double(tally.slowest.nanoseconds) / 1e6))
}
for tally in tallies {
  say("\(tally.name) slowest: \(tally.slowest.input)")
}
var failed = false
for tally in tallies {
  for (kind, failure) in tally.failures.sorted(by: { $0.key < $1.key }) {
    say("FAIL \(tally.name): \(kind): \(failure.count) inputs, such as")
    for example in failure.examples { say("    \(example)") }
    if !kind.hasPrefix("log line") { failed = true }
  }
}
let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
say(String(format: "%d inputs in %.1f s", tallies.map(\.inputs).reduce(0, +), total))
exit(failed ? 1 : 0)
