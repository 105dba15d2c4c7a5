import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `make doctor`: what the kit needs beyond the exercises, checked one by one, each with what a
/// missing piece blocks and what to do about it, so a participant can set up before a workshop.
enum Doctor {
  /// One thing checked.
  struct Finding: Equatable {
    /// `Swift 6.3.1`, `python3 with venv` ...
    let name: String
    let isFine: Bool
    /// What was found (`6.3.1`) or why it is not fine.
    let detail: String
    /// For a piece that is not fine: what it blocks and what to do.
    var advice: String = ""
  }

  /// Checks everything and prints one line each (and the advice under a missing piece); 0 when
  /// everything is fine.
  static func run() -> Int32 {
    Terminal.say("Checking what the kit needs:")
    let findings = [
      swift(versionOutput: Shell.capture(["swift", "--version"]).output),
      python(venvWorks: Shell.capture(["python3", "-m", "venv", "--help"]).succeeded),
      pypi(answered: ServerVenv.all.allSatisfy(\.isInstalled) ? nil : pypiAnswers()),
      openSSL(headerExists: FileManager.default.fileExists(atPath: "/usr/include/openssl/ssl.h")),
      loopback(bound: canListenOnLoopback(port: 0), luigidPortFree: canListenOnLoopback(port: 8082)),
      disk(freeBytes: freeBytes(in: ".")),
    ]
    for finding in findings { Terminal.say(line(for: finding)) }
    let problems = findings.filter { !$0.isFine }.count
    Terminal.say(
      problems == 0
        ? Terminal.green("Everything the kit needs is here.") + " Start with: make"
        : Terminal.red("\(problems) \(problems == 1 ? "thing needs" : "things need") attention (above)."))
    return problems == 0 ? 0 : 1
  }

  /// `✓ name: detail`, or `✗ name: detail` with the advice indented below.
  static func line(for finding: Finding) -> String {
    if finding.isFine { return "  " + Terminal.green("✓") + " \(finding.name): \(finding.detail)" }
    return "  " + Terminal.red("✗") + " \(finding.name): \(finding.detail)\n      \(finding.advice)"
  }

  // MARK: - The checks, from what was probed

  /// The toolchain: Package.swift wants Swift 6.0 or later (its tools version).
  static func swift(versionOutput: String) -> Finding {
    let name = "Swift 6.0 or later"
    guard let range = versionOutput.range(of: #"Swift version (\d+)\.(\d+)(\.\d+)?"#, options: .regularExpression)
    else {
      return Finding(
        name: name, isFine: false, detail: "`swift --version` gave no version",
        advice: "nothing builds without it: install Swift from swift.org and put its bin folder on PATH")
    }
    let version = versionOutput[range].dropFirst("Swift version ".count)
    let parts = version.split(separator: ".").compactMap { Int($0) }
    let isFine = parts.count >= 2 && parts[0] >= 6
    return Finding(
      name: name, isFine: isFine, detail: String(version),
      advice: "the package needs Swift 6.0 or later: install a newer toolchain from swift.org")
  }

  static func python(venvWorks: Bool) -> Finding {
    Finding(
      name: "Python 3 with venv", isFine: venvWorks,
      detail: venvWorks ? "python3 -m venv works" : "python3 -m venv fails",
      advice: "exercises 6 and 7 start real servers from venvs (moto, luigid): install python3 and python3-venv")
  }

  /// PyPI, asked only while a server's venv is still to be installed (`nil`: nothing left to install).
  static func pypi(answered: Bool?) -> Finding {
    guard let answered else {
      return Finding(name: "PyPI", isFine: true, detail: "not needed: moto and Luigi are installed already")
    }
    return Finding(
      name: "PyPI", isFine: answered, detail: answered ? "reachable" : "not reachable",
      advice: "exercises 6 and 7 install moto and Luigi once from PyPI: connect to the network (or set "
        + "PIP_INDEX_URL to a mirror); exercises 1-5, 8 and 9 work offline")
  }

  static func openSSL(headerExists: Bool) -> Finding {
    Finding(
      name: "OpenSSL headers", isFine: headerExists,
      detail: headerExists ? "/usr/include/openssl/ssl.h" : "/usr/include/openssl/ssl.h is missing",
      advice: "Plumb links OpenSSL for PostgreSQL's TLS: make installs libssl-dev with apt-get (sudo) the first time")
  }

  static func loopback(bound: Bool, luigidPortFree: Bool) -> Finding {
    guard bound else {
      return Finding(
        name: "Loopback ports", isFine: false, detail: "cannot listen on 127.0.0.1",
        advice: "the checks of exercises 6-9 serve data from 127.0.0.1: allow local servers (a firewall or sandbox?)")
    }
    return Finding(
      name: "Loopback ports", isFine: true,
      detail: luigidPortFree
        ? "127.0.0.1 works; 8082 is free for make luigid"
        : "127.0.0.1 works; 8082 is taken (make luigid LUIGID_PORT=8083 picks another)")
  }

  /// A cold build with the solutions' and the release builds takes about 2 GB.
  static func disk(freeBytes: Int64?) -> Finding {
    guard let freeBytes else {
      return Finding(name: "Disk", isFine: true, detail: "free space unknown")
    }
    let gigabytes = Double(freeBytes) / 1e9
    return Finding(
      name: "Disk", isFine: gigabytes >= 2, detail: String(format: "%.1f GB free here", gigabytes),
      advice: "the builds take about 2 GB: free some space in this folder's file system")
  }

  // MARK: - Probes

  private static func pypiAnswers() -> Bool {
    let script = "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/pip/', timeout=5).read(1)"
    return Shell.capture(["python3", "-c", script], timeLimit: 10).succeeded
  }

  private static func canListenOnLoopback(port: UInt16) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    return withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 && listen(descriptor, 1) == 0
      }
    }
  }

  private static func freeBytes(in folder: String) -> Int64? {
    var info = statvfs()
    guard statvfs(folder, &info) == 0 else { return nil }
    return Int64(info.f_bavail) * Int64(info.f_frsize)
  }
}
