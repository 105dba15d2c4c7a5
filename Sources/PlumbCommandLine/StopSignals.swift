import Foundation
import PlumbCore
import PlumbWorkers
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP for ``PipelineCommand/main()``: the first stops the run through a
/// ``RunStop``, so running tasks get their grace period and the summary is printed; a second one
/// ends the process at once, after removing the temporary files of writes in progress.
///
/// SIGUSR1 phases the run out (``RunStop/phaseOut(reason:)``), as it does Luigi's worker, which
/// cluster operators send it to retire a worker: no new task, the running ones finish, then the
/// summary, and the exit code it gives. Its default action would end the process at once. With
/// `[worker] no_install_shutdown_handler` (`--worker-no-install-shutdown-handler`), as with Luigi's
/// worker, the run leaves SIGUSR1 as it found it (``leaveSIGUSR1()``).
///
/// Also ignores SIGPIPE, so that a reader that goes away (`| head`) does not end the run: writes to
/// it fail with EPIPE instead, and are dropped.
///
/// The handler only writes the signal's number into a pipe, which a thread of its own reads. A
/// dispatch signal source would not do: on Linux it reads a signalfd, which sees a signal only if
/// every thread blocks it, and threads started before it (Swift's, Foundation's) do not, so a
/// signal sent to the process could land on one of them and be lost.
final class StopSignals: Sendable {
  private let stop: RunStop
  private let received = Mutex<Int32?>(nil)
  /// What SIGUSR1 did before, and whether the run left it so (``leaveSIGUSR1()``).
  private let usr1 = Mutex<(previous: sigaction, isLeft: Bool)>((sigaction(), false))

  /// The pipe's writing end, for the handler, which can capture nothing. One process, one set of handlers.
  nonisolated(unsafe) private static var pipeInput: Int32 = -1

  init(stop: RunStop) {
    self.stop = stop
    signal(SIGPIPE, SIG_IGN)
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return }
    _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
    Self.pipeInput = ends[1]
    let output = ends[0]
    let reader = Thread { [self] in
      var number: Int32 = 0
      while true {
        let count = read(output, &number, MemoryLayout<Int32>.size)
        if count == MemoryLayout<Int32>.size {
          receive(number)
        } else if count < 0 && errno == EINTR {
          continue
        } else {
          return
        }
      }
    }
    reader.name = "plumb-signals"
    reader.start()
    for number in [SIGINT, SIGTERM, SIGHUP, SIGUSR1] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { number in
        var number = number
        _ = write(StopSignals.pipeInput, &number, MemoryLayout<Int32>.size)
      }
      action.sa_flags = SA_RESTART
      sigemptyset(&action.sa_mask)
      var previous = sigaction()
      sigaction(number, &action, &previous)
      if number == SIGUSR1 { usr1.withLock { $0.previous = previous } }
    }
  }

  /// Gives SIGUSR1 back what it did before (its default action ends the process at once), for a
  /// run that must not phase out on it. One that arrived before acts as it would have then.
  func leaveSIGUSR1() {
    usr1.withLock { usr1 in
      usr1.isLeft = true
      sigaction(SIGUSR1, &usr1.previous, nil)
    }
  }

  /// 128 plus the number of the first signal received, the shell's convention, or `nil`.
  var exitCode: Int32? { received.withLock { $0.map { 128 + $0 } } }

  private func receive(_ number: Int32) {
    if number == SIGUSR1 {
      // Caught while the run was reading its configuration: it gets what it would have.
      if usr1.withLock({ $0.isLeft }) {
        kill(getpid(), SIGUSR1)
        return
      }
      guard stop.phaseOutReason == nil, stop.reason == nil else { return }
      StandardStream.error.write(
        "plumb: SIGUSR1: finishing the running tasks, starting no more; SIGTERM stops at once\n")
      stop.phaseOut(reason: "SIGUSR1")
      return
    }
    let isFirst = received.withLock { received in
      defer { received = received ?? number }
      return received == nil
    }
    let name = Self.name(of: number)
    guard isFirst else {
      StandardStream.error.write("plumb: \(name) again: stopping at once\n")
      TemporaryFiles.removeAll()
      _exit(128 + number)
    }
    StandardStream.error.write("plumb: \(name): stopping; \(name) again stops at once\n")
    stop.request(reason: name)
  }

  private static func name(of number: Int32) -> String {
    switch number {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(number)"
    }
  }
}

extension Configuration {
  /// `[worker] no_install_shutdown_handler`: SIGUSR1 is left as it was, not a phase-out.
  func leavesSIGUSR1() throws -> Bool {
    try boolean(section: "worker", key: "no_install_shutdown_handler") ?? false
  }
}
