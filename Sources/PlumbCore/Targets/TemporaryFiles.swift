import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The temporary files of this process's writes in progress (``OutputFile``'s
/// `<path>-plumb-tmp-<n>`, an S3 upload's finished file), removed when the process exits. A file
/// written without a name (``OutputFile``'s way where the file system has such files) has none to
/// remove until it is in place.
///
/// A run stopped by a signal may leave a synchronous task running past its grace period; the
/// process then exits while the task is still writing, and without this its temporary file would
/// stay beside the output for good.
package enum TemporaryFiles {
  /// What a remembered file is forgotten by: its place in the list, found without hashing its path
  /// (a write would hash a long path twice).
  package struct Ticket: Sendable {
    fileprivate let slot: Int
  }

  private struct State {
    /// The files by ticket; `nil` in a place whose file was forgotten, which `freeSlots` lists.
    var paths: [String?] = []
    var freeSlots: [Int] = []
    /// Set once the files are removed: the process is exiting, and no new write may start.
    var isClosed = false
    /// Files being created outside the lock, not yet in `paths`: removal waits for them.
    var creating = 0

    mutating func add(_ path: String) -> Ticket {
      if let slot = freeSlots.popLast() {
        paths[slot] = path
        return Ticket(slot: slot)
      }
      paths.append(path)
      return Ticket(slot: paths.count - 1)
    }

    mutating func remove(_ ticket: Ticket) {
      guard paths[ticket.slot] != nil else { return }
      paths[ticket.slot] = nil
      freeSlots.append(ticket.slot)
    }
  }

  private static let state = Mutex(State())

  /// Registers the exit handler the first time a temporary file is created.
  private static let removedAtExit: Void = {
    atexit { TemporaryFiles.removeAll() }
  }()

  /// Creates the temporary file at `path` with `create` (which returns a descriptor, or -1 and
  /// sets `errno`) and remembers it; returns the descriptor and the file's ticket, or -1 and the
  /// error. Once ``removeAll()`` has run, creates nothing and fails with `ECANCELED`.
  static func create(_ path: String, _ create: () -> Int32) -> (descriptor: Int32, error: Int32, ticket: Ticket?) {
    _ = removedAtExit
    let admitted = state.withLock { state in
      guard !state.isClosed else { return false }
      state.creating += 1
      return true
    }
    guard admitted else { return (-1, ECANCELED, nil) }
    // Created outside the lock, so that writers on other threads do not wait for each other's
    // system call; counted in `creating`, so that removeAll waits for the file instead of missing it.
    let descriptor = create()
    let code = descriptor >= 0 ? 0 : errno
    let ticket = state.withLock { state in
      state.creating -= 1
      return descriptor >= 0 ? state.add(path) : nil
    }
    return (descriptor, code, ticket)
  }

  /// Remembers `path`, a file made elsewhere (the finished file an upload sends), so that it goes
  /// at exit too; `nil`, remembering nothing, once ``removeAll()`` has run.
  package static func remember(_ path: String) -> Ticket? {
    _ = removedAtExit
    return state.withLock { state in
      guard !state.isClosed else { return nil }
      return state.add(path)
    }
  }

  /// Forgets the file of `ticket`, which was moved into place or removed.
  package static func forget(_ ticket: Ticket) {
    state.withLock { $0.remove(ticket) }
  }

  /// Removes every temporary file of a write in progress, and refuses new ones from then on.
  /// Called at exit and before a second signal ends the process at once.
  package static func removeAll() {
    state.withLock { $0.isClosed = true }
    // No file starts being created from now on; the few in creation take a system call each.
    while !state.withLock({ state in
      guard state.creating == 0 else { return false }
      for case let path? in state.paths { unlink(path) }
      state.paths.removeAll()
      state.freeSlots.removeAll()
      return true
    }) {
      sched_yield()
    }
  }
}
