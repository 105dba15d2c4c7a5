import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The temporary files of this process's writes in progress (``OutputFile``'s
/// `<path>-plumb-tmp-<n>`, an S3 upload's finished file), removed when the process exits.
///
/// A run stopped by a signal may leave a synchronous task running past its grace period; the
/// process then exits while the task is still writing, and without this its temporary file would
/// stay beside the output for good.
package enum TemporaryFiles {
  private struct State {
    var paths = Set<String>()
    /// Set once the files are removed: the process is exiting, and no new write may start.
    var isClosed = false
    /// Files being created outside the lock, not yet in `paths`: removal waits for them.
    var creating = 0
  }

  private static let state = Mutex(State())

  /// Registers the exit handler the first time a temporary file is created.
  private static let removedAtExit: Void = {
    atexit { TemporaryFiles.removeAll() }
  }()

  /// Creates the temporary file at `path` with `create` (which returns a descriptor, or -1 and
  /// sets `errno`) and remembers it; returns the descriptor, or -1 and the error. Once
  /// ``removeAll()`` has run, creates nothing and fails with `ECANCELED`.
  static func create(_ path: String, _ create: () -> Int32) -> (descriptor: Int32, error: Int32) {
    _ = removedAtExit
    let admitted = state.withLock { state in
      guard !state.isClosed else { return false }
      state.creating += 1
      return true
    }
    guard admitted else { return (-1, ECANCELED) }
    // Created outside the lock, so that writers on other threads do not wait for each other's
    // system call; counted in `creating`, so that removeAll waits for the file instead of missing it.
    let descriptor = create()
    let code = descriptor >= 0 ? 0 : errno
    state.withLock { state in
      state.creating -= 1
      if descriptor >= 0 { state.paths.insert(path) }
    }
    return (descriptor, code)
  }

  /// Remembers `path`, a file made elsewhere (the finished file an upload sends), so that it goes
  /// at exit too; `false`, remembering nothing, once ``removeAll()`` has run.
  package static func remember(_ path: String) -> Bool {
    _ = removedAtExit
    return state.withLock { state in
      guard !state.isClosed else { return false }
      state.paths.insert(path)
      return true
    }
  }

  /// Forgets `path`, which was moved into place or removed.
  package static func forget(_ path: String) {
    _ = state.withLock { $0.paths.remove(path) }
  }

  /// Removes every temporary file of a write in progress, and refuses new ones from then on.
  /// Called at exit and before a second signal ends the process at once.
  package static func removeAll() {
    state.withLock { $0.isClosed = true }
    // No file starts being created from now on; the few in creation take a system call each.
    while !state.withLock({ state in
      guard state.creating == 0 else { return false }
      for path in state.paths { unlink(path) }
      state.paths.removeAll()
      return true
    }) {
      sched_yield()
    }
  }
}
