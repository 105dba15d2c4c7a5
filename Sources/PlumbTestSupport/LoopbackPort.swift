import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Ports on 127.0.0.1 for the servers a test starts (luigid, moto, PostgreSQL), which take a port
/// number rather than a socket.
public enum LoopbackPort {
  /// A port nothing listens on now, below the system's ephemeral range.
  ///
  /// A port picked by binding port 0 comes from the ephemeral range, which every outgoing
  /// connection of every process also draws its local port from: on a busy machine one of them may
  /// take it between the test releasing it and the server binding it. Below that range only a server
  /// asking for the number itself can take it.
  ///
  /// ```swift
  /// let port = try LoopbackPort.unused()
  /// process.arguments = ["--port", String(port)]
  /// ```
  ///
  /// - Throws: when no socket can be made or no port of 1,000 tried is free.
  public static func unused() throws -> Int {
    let ephemeral = ephemeralRange()
    let candidates = 10_000..<max(10_001, min(ephemeral.lowerBound, 65_536))
    for _ in 0..<1_000 {
      let port = Int.random(in: candidates)
      if try isFree(port) { return port }
    }
    throw PortError(description: "no free port on 127.0.0.1 in \(candidates) after 1,000 tries")
  }

  /// The ephemeral ports, as /proc/sys/net/ipv4/ip_local_port_range gives them (Linux's default
  /// when it cannot be read).
  static func ephemeralRange() -> ClosedRange<Int> {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    guard numbers.count == 2, numbers[0] <= numbers[1] else { return 32_768...60_999 }
    return numbers[0]...numbers[1]
  }

  private static func isFree(_ port: Int) throws -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else {
      throw PortError(description: "no socket: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
        bind(descriptor, address, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  private struct PortError: Error, CustomStringConvertible {
    let description: String
  }
}
