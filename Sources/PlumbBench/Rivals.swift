import Foundation

/// Runs the same 1,000-task fan-in with Luigi and with make, where they are installed.
enum Rivals {
  /// Seconds Luigi takes for a fan-in of `size` tasks, or `nil` when it cannot run here.
  static func luigi(python: String, script: String, size: Int, workers: Int) throws -> Double? {
    guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script)
    else { return nil }
    let folder = try BenchFolder()
    defer { folder.remove() }
    let output = try run(python, [script, folder.path, String(size), String(workers)], in: folder.path)
    return output.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
  }

  /// Seconds make takes for a generated Makefile writing the same files atomically (temporary
  /// file, then `mv`), or `nil` when make cannot run here.
  static func make(size: Int, workers: Int) throws -> Double? {
    guard
      let make = ["/usr/bin/make", "/bin/make", "/usr/local/bin/make"].first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
      })
    else { return nil }
    let folder = try BenchFolder()
    defer { folder.remove() }
    let leaves = (0..<(size - 1)).map { "leaf/\($0).txt" }
    let makefile = """
      fan-in.txt: \(leaves.joined(separator: " "))
      \tprintf '%s\\n' \(size - 1) > $@.tmp && mv $@.tmp $@
      leaf/%.txt: | leaf
      \tprintf '%s\\n' $* > $@.tmp && mv $@.tmp $@
      leaf:
      \tmkdir -p $@

      """
    try makefile.write(toFile: folder.path + "/Makefile", atomically: true, encoding: .utf8)
    var finished = false
    let elapsed = try seconds {
      finished = try run(make, ["-s", "-j\(workers)"], in: folder.path) != nil
    }
    let written = (try? FileManager.default.contentsOfDirectory(atPath: folder.path + "/leaf").count) ?? 0
    guard finished, written == size - 1 else { return nil }
    return elapsed
  }

  /// Seconds the C floor (Benchmarks/atomic_floor.c, built by `make bench`) takes to write the
  /// files of `shape` at `size` atomically with no engine, in a fresh folder; `nil` when the
  /// program is not there or fails.
  static func floor(program: String, _ shape: Shape, size: Int) throws -> Double? {
    guard FileManager.default.isExecutableFile(atPath: program) else { return nil }
    let folder = try BenchFolder()
    defer { folder.remove() }
    guard let output = try run(program, [folder.path, shape.rawValue, String(size)], in: folder.path) else {
      return nil
    }
    return Double(output.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// Runs a program and returns its standard output, or `nil` when it fails.
  private static func run(_ program: String, _ arguments: [String], in folder: String) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
