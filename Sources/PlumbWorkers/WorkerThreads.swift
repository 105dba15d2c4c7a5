import Foundation

/// The threads a run's tasks run on: a task executor with one thread per worker.
///
/// A synchronous `run()` blocks the thread it runs on. On Swift's shared cooperative pool, which has
/// one thread per core, two blocked tasks would stop every other task of the process on this
/// 2-core machine; here each of the run's N tasks in flight has a thread of its own, so blocking
/// tasks never starve the others, and an asynchronous `run()` gives its thread back while it awaits.
///
/// Unchecked Sendable, because Swift's tasks enqueue jobs from any thread: `jobs`, `firstJob`,
/// `isStopping` and `running` change only under `condition`; `count` and `failure` while
/// initializing and in ``grow(to:)``, which its owner calls under its own lock.
package final class WorkerThreads: TaskExecutor, @unchecked Sendable {
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var firstJob = 0
  private var isStopping = false
  private var running = 0

  /// How many threads started: fewer than asked when the system refused some (its limit on
  /// processes and threads, say), and then `failure` says why. Set while initializing, and by
  /// ``grow(to:)`` under the worker pool's lock.
  package private(set) var count = 0
  /// The error code of the first thread that could not start, if any.
  package private(set) var failure: Int32?

  /// Starts up to `count` threads named `plumb-worker-1`, `plumb-worker-2`, … with 8 MB stacks.
  /// `start` creates a thread as `pthread_create` does; tests pass one that fails.
  package init(
    count: Int,
    start:
      @escaping (
        inout pthread_t, UnsafePointer<pthread_attr_t>,
        @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?, UnsafeMutableRawPointer
      ) -> Int32 = {
        pthread_create(&$0, $1, $2, $3)
      }
  ) {
    self.start = start
    grow(to: max(1, count))
  }

  private let start:
    (
      inout pthread_t, UnsafePointer<pthread_attr_t>,
      @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?, UnsafeMutableRawPointer
    ) -> Int32

  /// Starts threads until there are `total`: a task waiting for its dynamic requirements lends its
  /// slot, and a synchronous one blocks its thread meanwhile, so the loop it lends needs one more.
  /// A thread that cannot start leaves the loop to share the others.
  package func grow(to total: Int) {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, 8 << 20)
    defer { pthread_attr_destroy(&attributes) }
    while count < total {
      let launch = Unmanaged.passRetained(Launch(threads: self, name: "plumb-worker-\(count + 1)")).toOpaque()
      condition.lock()
      running += 1
      condition.unlock()
      var thread = pthread_t()
      let code = start(
        &thread, &attributes,
        { raw in
          let launch = Unmanaged<Launch>.fromOpaque(raw!).takeRetainedValue()
          Thread.current.name = launch.name
          launch.threads.work()
          return nil
        }, launch)
      guard code == 0 else {
        Unmanaged<Launch>.fromOpaque(launch).release()
        condition.lock()
        running -= 1
        condition.unlock()
        failure = failure ?? code
        return
      }
      pthread_detach(thread)
      count += 1
    }
  }

  /// What a new thread needs: the pool it works for, and its name.
  private final class Launch {
    let threads: WorkerThreads
    let name: String
    init(threads: WorkerThreads, name: String) {
      self.threads = threads
      self.name = name
    }
  }

  package func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    // Every thread has stopped: a late job (a continuation resumed after the run, a task the run
    // abandoned going on) still runs, on one thread that the late jobs share and that ends once
    // none is left, rather than a thread each, which a stopped run's tasks could multiply.
    let startsLateThread = running == 0
    if startsLateThread { running += 1 }
    condition.signal()
    condition.unlock()
    if startsLateThread { Thread { self.work() }.start() }
  }

  /// Lets the threads end once no job is left; jobs that come later get a thread of their own.
  package func stop() {
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
