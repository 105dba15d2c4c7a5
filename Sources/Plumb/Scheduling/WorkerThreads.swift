import Foundation

/// The threads a run's tasks run on: a task executor with one thread per worker.
///
/// A synchronous `run()` blocks the thread it runs on. On Swift's shared cooperative pool, which has
/// one thread per core, two blocked tasks would stop every other task of the process on this
/// 2-core machine; here each of the run's N tasks in flight has a thread of its own, so blocking
/// tasks never starve the others, and an asynchronous `run()` gives its thread back while it awaits.
final class WorkerThreads: TaskExecutor, @unchecked Sendable {
  // `jobs`, `idle` and `isStopping` are guarded by `condition`.
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var firstJob = 0
  private var isStopping = false
  private var running = 0

  /// Starts `count` threads named `plumb-worker-1`, `plumb-worker-2`, …
  init(count: Int) {
    for index in 0..<max(1, count) {
      let thread = Thread { [self] in work() }
      thread.name = "plumb-worker-\(index + 1)"
      thread.stackSize = 8 << 20
      running += 1
      thread.start()
    }
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    defer { condition.unlock() }
    guard running > 0 else {
      // Every thread has stopped: a late job (a continuation resumed after the run) still runs.
      Thread { job.runSynchronously(on: self.asUnownedTaskExecutor()) }.start()
      return
    }
    jobs.append(job)
    condition.signal()
  }

  /// Lets the threads end once no job is left; jobs that come later get a thread of their own.
  func stop() {
    condition.lock()
    isStopping = true
    condition.broadcast()
    condition.unlock()
  }

  private func work() {
    condition.lock()
    while true {
      while firstJob == jobs.count && !isStopping { condition.wait() }
      guard firstJob < jobs.count else { break }
      let job = jobs[firstJob]
      firstJob += 1
      if firstJob == jobs.count {
        jobs.removeAll(keepingCapacity: true)
        firstJob = 0
      }
      condition.unlock()
      job.runSynchronously(on: asUnownedTaskExecutor())
      condition.lock()
    }
    running -= 1
    condition.unlock()
  }
}
