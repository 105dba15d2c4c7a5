import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The servers tests start as processes (moto, luigid), remembered so that a test process killed or
/// crashed before its teardown does not leave them running for good: the next server started
/// stops those whose test process has ended. (PostgreSQL's clusters keep their own record, their
/// folder, and are stopped with `pg_ctl`; see ``PostgresServer``.)
///
/// ```swift
/// ServerLeftovers.stopAbandoned()
/// try process.run()
/// ServerLeftovers.remember(process)
/// ```
enum ServerLeftovers {
  /// One file per server: named by the server's pid, holding the test process's pid and the
  /// server's executable, so that a pid reused by another program is never killed.
  private static var folder: String {
    (NSTemporaryDirectory() as NSString).appendingPathComponent("plumb-test-servers-\(getuid())")
  }

  /// Remembers `server`, started by this process.
  static func remember(_ server: Process) {
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let record = "\(getpid())\n\(server.executableURL?.path ?? "")\n"
    try? record.write(toFile: "\(folder)/\(server.processIdentifier)", atomically: true, encoding: .utf8)
  }

  /// Forgets the server `pid`, stopped by its test.
  static func forget(_ pid: Int32) {
    unlink("\(folder)/\(pid)")
  }

  /// Kills the servers whose test process no longer runs, and forgets them.
  static func stopAbandoned() {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
      guard let server = Int32(name),
        let lines = (try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8))?.split(separator: "\n"),
        lines.count == 2, let owner = Int32(lines[0]), kill(owner, 0) != 0 && errno == ESRCH
      else { continue }
      // The server's command line still names its executable: the pid was not taken by another program.
      let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(server)/cmdline"))) ?? Data()
      if String(decoding: commandLine, as: UTF8.self).contains(lines[1]) { kill(server, SIGKILL) }
      forget(server)
    }
  }
}
