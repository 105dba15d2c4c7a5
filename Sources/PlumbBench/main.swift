import Foundation

// plumb-bench: how fast Plumb schedules tiny file-writing tasks, and how that compares with a
// plain loop writing the same files, with Luigi and with make; then the same fan-in through
// luigid (the venv's, beside --luigi-python), by Plumb and by Luigi, against luigid's own time.
//
//   plumb-bench [--sizes 1000,10000,100000] [--folder DIR] [--luigi-python PATH --luigi-script PATH]
//               [--floor PATH]
//   plumb-bench --fan-in-memory 1000000 [--folder DIR] [--shape fan-in|chain] [--workers N]
//   plumb-bench --only luigid --luigi-python PATH [--luigi-script PATH] [--folder DIR]
//
// --folder says where the temporary folders go; a memory-backed one (/dev/shm, as `make bench`
// uses when it exists) shows the engine's cost rather than the disk's. --floor names the built
// Benchmarks/atomic_floor.c: the same files written atomically by plain C, the physical floor
// Plumb's times are compared with (goal: at most 2 x). `--only luigid` runs the luigid table alone
// (`make bench-luigid`), quick enough to repeat while working on the central worker.

var sizes = [1_000, 10_000, 100_000]
var luigiPython: String?
var luigiScript = "Benchmarks/luigi_fan_in.py"
var floorProgram: String?
var memorySize: Int?
var aloneShape = Shape.fanIn
var aloneWorkers = 1
var onlyLuigid = false
let rivalSize = 1_000

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("plumb-bench: \(message)\n".utf8))
  exit(2)
}

/// `path` made absolute against the current folder, because rivals run in their own folders.
func absolute(_ path: String) -> String {
  path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
  guard let value = arguments.popFirst() else { fail("\(flag) needs a value") }
  switch flag {
  case "--sizes":
    let parsed = value.split(separator: ",").compactMap { Int($0) }
    guard !parsed.isEmpty, parsed.count == value.split(separator: ",").count, parsed.allSatisfy({ $0 >= 2 })
    else { fail("--sizes takes task counts of 2 or more separated by commas, such as 1000,10000") }
    sizes = parsed
  case "--folder":
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: value, isDirectory: &isFolder), isFolder.boolValue
    else { fail("--folder \(value) is not an existing folder") }
    BenchFolder.base = absolute(value)
  case "--luigi-python": luigiPython = absolute(value)
  case "--luigi-script": luigiScript = value
  case "--floor": floorProgram = absolute(value)
  case "--fan-in-memory":
    guard let size = Int(value), size >= 2 else { fail("--fan-in-memory takes a task count of 2 or more") }
    memorySize = size
  // With --fan-in-memory: another shape or more workers, to profile one run of them alone.
  case "--shape":
    guard let shape = Shape(rawValue: value) else { fail("--shape takes fan-in or chain") }
    aloneShape = shape
  case "--workers":
    guard let workers = Int(value), workers >= 1 else { fail("--workers takes a count of 1 or more") }
    aloneWorkers = workers
  case "--only":
    guard value == "luigid" else { fail("--only takes luigid, the one part that runs alone") }
    onlyLuigid = true
  default:
    fail(
      "unknown option \(flag); the options are --sizes, --folder, --luigi-python, --luigi-script, --floor, "
        + "--fan-in-memory, --shape, --workers and --only")
  }
}

// `--fan-in-memory N`: only a fan-in of N tasks, once, with one worker, and the memory it took: the
// process's peak resident size grows by what the run holds at its fullest (`make bench-million`
// runs it at 100,000 and 1,000,000 tasks, each in a process of its own).
if let memorySize {
  do {
    let before = Measurements.peakResidentKilobytes()
    let elapsed = try Measurements.plumb(aloneShape, size: memorySize, workers: aloneWorkers, repeats: 1)
    let grown = Measurements.peakResidentKilobytes() - before
    let workers = aloneWorkers == 1 ? "1 worker" : "\(aloneWorkers) workers"
    print(
      "\(aloneShape.rawValue) of \(memorySize) tasks, \(workers): \(fixed(elapsed, 2)) s, \(fixed(Double(memorySize) / elapsed, 0)) tasks/s, "
        + "peak memory +\(grown / 1024) MB = \(fixed(Double(grown) * 1024 / Double(memorySize), 0)) bytes a task")
  } catch {
    fail("\(error)")
  }
  exit(0)
}

func column(_ text: String, _ width: Int) -> String {
  String(repeating: " ", count: max(0, width - text.count)) + text
}

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

/// The fan-in through a fresh luigid by Plumb and by Luigi's worker at 1, 2 and 4 workers, against
/// the time luigid spent serving the run's RPCs.
func luigidTable(python: String, script: String) throws {
  let luigid = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("luigid").path
  print(
    "\nThe \(rivalSize)-task fan-in through a fresh luigid. luigid serves one RPC at a time, so the time it is"
      + "\nbusy with the run is the floor: by its access log (which leaves out reading requests, connections and"
      + "\nthe log line itself), and by the kernel (its thread on a core or waiting for one, during the run);"
      + "\nx = wall / that time:")
  let luigidWidths = [7, 8, 8, 6, 7, 8, 7, 9, 8, 10]
  print(
    ["worker", "workers", "wall s", "RPCs", "log s", "ms/RPC", "x log", "luigid s", "ms/RPC", "x luigid"]
      .enumerated().map { column($1, luigidWidths[$0]) }.joined())
  for workers in [1, 2, 4] {
    let runs: [(String, LuigidBench.Figures?)] = [
      ("plumb", try LuigidBench.plumb(luigid: luigid, size: rivalSize, workers: workers)),
      (
        "luigi",
        try LuigidBench.luigi(
          luigid: luigid, python: python, script: script, size: rivalSize, workers: workers)
      ),
    ]
    for (name, figures) in runs {
      guard let figures else {
        print("  \(name) workers \(workers): not measured, \(luigid) is not there")
        continue
      }
      print(
        [
          name, String(workers), fixed(figures.wall, 3), String(figures.rpcs),
          fixed(figures.logged, 3), fixed(figures.logged / Double(max(figures.rpcs, 1)) * 1000, 2),
          fixed(figures.wall / figures.logged, 2), fixed(figures.busy, 3),
          fixed(figures.busy / Double(max(figures.rpcs, 1)) * 1000, 2), fixed(figures.wall / figures.busy, 2),
        ].enumerated().map { column($1, luigidWidths[$0]) }.joined())
    }
  }
}

if onlyLuigid {
  guard let luigiPython else { fail("--only luigid needs --luigi-python, the venv whose luigid to run") }
  do {
    try luigidTable(python: luigiPython, script: absolute(luigiScript))
  } catch {
    fail("\(error)")
  }
  exit(0)
}

do {
  print("Plumb scheduling benchmark: tiny tasks that each write one small file atomically")
  print(
    "(best of 5 rounds below 100,000 tasks and of 3 at 100,000, each round one run of every column, the "
      + "C floor too; a fresh folder in \(BenchFolder.base) each run)\n")
  let widths = [7, 8, 8, 9, 10, 8, 17, 9, 9]
  print(
    ["shape", "tasks", "workers", "plumb s", "tasks/s", "loop s", "overhead µs/task", "C floor", "x floor"]
      .enumerated().map { column($1, widths[$0]) }.joined())
  var plumbFanIn: [Int: Double] = [:]
  for shape in Shape.allCases {
    for size in sizes {
      let repeats = size >= 100_000 ? 3 : 5
      // Taken in rounds, one run of each per round, so that the machine's drift (other load, the
      // page cache, the heap of this process) weighs on every column alike rather than on
      // whichever was measured last; each column is the best of its rounds.
      var loop = Double.infinity
      var floor: Double? = floorProgram == nil ? nil : .infinity
      var plumb: [Int: Double] = [1: .infinity, 2: .infinity]
      for _ in 0..<repeats {
        if let program = floorProgram, let best = floor {
          floor = try Rivals.floor(program: program, shape, size: size).map { min(best, $0) }
        }
        loop = min(loop, try Measurements.plainLoop(shape, size: size))
        for workers in [1, 2] {
          plumb[workers] = min(plumb[workers]!, try Measurements.plumb(shape, size: size, workers: workers, repeats: 1))
        }
      }
      for workers in [1, 2] {
        let plumb = plumb[workers]!
        if shape == .fanIn && size == rivalSize { plumbFanIn[workers] = plumb }
        let overhead = (plumb - loop) / Double(size) * 1e6
        print(
          [
            shape.rawValue, String(size), String(workers), fixed(plumb, 3), fixed(Double(size) / plumb, 0),
            fixed(loop, 3), fixed(overhead, 1), floor.map { fixed($0, 3) } ?? "-",
            floor.map { fixed(plumb / $0, 2) } ?? "-",
          ].enumerated().map { column($1, widths[$0]) }.joined())
      }
    }
  }

  let crunchTasks = 8
  let rounds = 50_000_000
  print("\n\(crunchTasks) CPU-bound tasks (\(rounds / 1_000_000) million generator steps each):")
  let oneWorker = try Measurements.crunch(count: crunchTasks, rounds: rounds, workers: 1, repeats: 3)
  let twoWorkers = try Measurements.crunch(count: crunchTasks, rounds: rounds, workers: 2, repeats: 3)
  print("  workers 1  \(fixed(oneWorker, 3)) s")
  print("  workers 2  \(fixed(twoWorkers, 3)) s  = \(fixed(oneWorker / twoWorkers, 2)) x faster")

  print(
    "\nThe \(rivalSize)-task fan-in with other tools (ratio = their time / Plumb's, same workers; Plumb best of 5, "
      + "the others one run each):")
  if plumbFanIn.isEmpty {
    plumbFanIn[1] = try Measurements.plumb(.fanIn, size: rivalSize, workers: 1, repeats: 5)
    plumbFanIn[2] = try Measurements.plumb(.fanIn, size: rivalSize, workers: 2, repeats: 5)
  }
  for workers in [1, 2] {
    let plumb = plumbFanIn[workers] ?? 0
    print("  plumb   workers \(workers)  \(fixed(plumb, 3)) s")
    if let python = luigiPython {
      if let luigi = try Rivals.luigi(python: python, script: absolute(luigiScript), size: rivalSize, workers: workers)
      {
        print("  luigi   workers \(workers)  \(fixed(luigi, 3)) s  = \(fixed(luigi / plumb, 0)) x Plumb")
      } else {
        print("  luigi   workers \(workers)  not measured: \(python) could not run \(luigiScript)")
      }
    }
    if let make = try Rivals.make(size: rivalSize, workers: workers) {
      print("  make    -j\(workers)        \(fixed(make, 3)) s  = \(fixed(make / plumb, 0)) x Plumb")
    } else {
      print("  make    -j\(workers)        not measured: make is not installed or failed")
    }
  }
  if luigiPython == nil { print("  (Luigi not measured: pass --luigi-python, as `make bench` does)") }

  if let luigiPython { try luigidTable(python: luigiPython, script: absolute(luigiScript)) }
  if floorProgram == nil { print("  (the C floor not measured: pass --floor, as `make bench` does)") }
} catch {
  fail("\(error)")
}
