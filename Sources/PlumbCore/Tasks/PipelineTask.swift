/// A unit of work in a pipeline: it requires other tasks, writes outputs, and runs once.
///
/// A task is a plain struct. Its identity is its family (the type's name) and the values of its
/// significant ``Parameter``s, so two values with the same parameters are the same task and run once.
/// A task whose outputs all exist is complete and is not run again.
///
/// ```swift
/// struct TopSongs: PipelineTask {
///     @Parameter(help: "two-letter country code") var tld: String = .required
///
///     func requires() -> Producer { Producer() }
///     func output() -> LocalTarget { LocalTarget("top-\(tld).tsv") }
///
///     func run() throws {
///         let rows = try input().lines()
///         try output().write { file in file.write("\(rows.count)\n") }
///     }
/// }
/// ```
///
/// `input()` has the type of what `requires()` returns, mapped to outputs: one task gives its output,
/// an array of tasks an array of outputs, a dictionary a dictionary.
///
/// `run()` may be synchronous, as above, or `async`, to `await` network calls and other
/// asynchronous work:
///
/// ```swift
/// struct FetchIris: PipelineTask {
///     func output() -> LocalTarget { LocalTarget("iris.data") }
///
///     func run() async throws {
///         try output().write(try await download("http://127.0.0.1:8000/iris.data", timeout: 10))
///     }
/// }
/// ```
///
/// Both kinds run on the run's own worker threads, one task per thread at a time, so a synchronous
/// task that blocks (on a file, a lock, a slow computation) holds up no other task.
///
/// A task is a value. A run never changes the task values it is given: it works on copies whose
/// parameters hold the values it resolved, so the same value can take part in several runs at once.
/// Tasks must therefore be structs (a class is refused with ``PipelineError/notAValue(_:)``).
public protocol PipelineTask: Requirement, Sendable {
  /// What ``requires()`` returns: a task, an array or dictionary of tasks, or ``NoRequirements``.
  associatedtype Requirements: Requirement = NoRequirements
  /// What ``output()`` returns: a target, an array or dictionary of targets, or ``NoOutput``.
  associatedtype Output: TaskOutput = NoOutput

  /// Creates the task with every parameter at its declared default.
  ///
  /// Structs whose stored properties all have initial values get this initializer for free;
  /// the engine uses it to build tasks named on the command line and to read declared defaults.
  init()

  /// The tasks that must be complete before this one runs.
  ///
  /// It may throw: the task then counts as failed to schedule (Luigi's scheduling error), and
  /// the tasks that need it are not run.
  func requires() throws -> Requirements

  /// The targets this task writes. The task is complete when they all exist.
  func output() -> Output

  /// Does the work. Throwing marks the task failed; its dependents are not run.
  ///
  /// Write it synchronous (`func run() throws`) or asynchronous (`func run() async throws`);
  /// either satisfies this requirement.
  func run() async throws

  /// Whether the task's work is already done. By default: it has outputs and all of them exist.
  func complete() throws -> Bool

  /// The task's family: its type name, prefixed by ``namespace`` when one is set.
  static var family: String { get }

  /// A prefix for the family name (`namespace.Name`); empty for none.
  ///
  /// ```swift
  /// struct Load: PipelineTask {
  ///     static let namespace = "songs"   // family "songs.Load"
  /// }
  /// ```
  ///
  /// It is a plain `String` (not optional) so that `static let namespace = "songs"` implements it;
  /// with an optional requirement that line would declare an unrelated property and be ignored.
  static var namespace: String { get }

  /// Tasks with a higher priority are handed to workers first when several are runnable.
  ///
  /// As in Luigi, the tasks it requires run with at least this priority, so an urgent task's
  /// requirements do not wait behind less urgent work.
  var priority: Int { get }

  /// What the task holds while it runs, by resource name and amount (Luigi's `resources`): the
  /// scheduler never lets the running tasks hold more of a resource than its limit, the config
  /// file's `[resources]` setting of exactly that name (``RunOptions/resourceLimits``; `DB` is
  /// not `db`), 1 for a resource it does not list, as Luigi's scheduler counts. The local
  /// scheduler counts across the run's workers; luigid, which is sent the same resources, counts
  /// across all its workers and reads the limits from its own config file. Both hand out the most
  /// urgent runnable task that fits beside what runs, and a task that fits the limit but not beside
  /// what runs reserves what it needs, so that less urgent tasks do not starve it.
  ///
  /// ```swift
  /// struct LoadDay: PipelineTask {
  ///     var resources: [String: Int] { ["warehouse": 1] }   // plumb.cfg: [resources] warehouse=2
  /// }
  /// ```
  ///
  /// A task waiting in `require(_:)` holds nothing meanwhile, as luigid takes the resources of a
  /// task PENDING again for its new requirements, so a requirement may need what it held; it takes
  /// them back, before any task not yet started, once its requirements are done.
  var resources: [String: Int] { get }

  /// One line saying what the task does, listed by the command line's `--help`; empty by default.
  ///
  /// ```swift
  /// struct TopSongs: PipelineTask {
  ///     static let help = "the most played songs of one country"
  /// }
  /// ```
  static var help: String { get }

  /// How often the task is tried again when its run fails, and how long the run waits between
  /// tries; `nil` (the default) takes the run's ``RunOptions/retries`` and ``RunOptions/retryDelay``.
  ///
  /// ```swift
  /// struct CallFlakyAPI: PipelineTask {
  ///     var retryPolicy: RetryPolicy? { RetryPolicy(retries: 2, delay: 5) }
  /// }
  /// ```
  var retryPolicy: RetryPolicy? { get }

  /// The most tasks of this family that one batch may run (Luigi's `max_batch_size`); unlimited by
  /// default. It matters only for a family with a batchable parameter (see ``BatchMethod``); 1
  /// turns batching off.
  ///
  /// ```swift
  /// struct Export: PipelineTask {
  ///     @Parameter(batchMethod: .joined(separator: ",")) var tables: String = .required
  ///     static var maxBatchSize: Int { 4 }   // tables=a,b,c,d at most
  /// }
  /// ```
  static var maxBatchSize: Int { get }

  /// Whether this task may run as part of a batch (Luigi's `batchable`): true by default, which
  /// matters only when the family has a batchable parameter. A task that says false always runs
  /// on its own, with its own values.
  ///
  /// ```swift
  /// struct Reindex: PipelineTask {
  ///     @Parameter(batchMethod: .max) var day: Day = .required
  ///     @Parameter var full: Bool = false
  ///     var isBatchable: Bool { !full }   // a full reindex runs alone
  /// }
  /// ```
  var isBatchable: Bool { get }
}

/// Default family names, by task type: `String(describing:)` is too slow to call per task.
private let familyNames = TypeCache<String>()

extension PipelineTask {
  /// No namespace: the family is the bare type name.
  public static var namespace: String { "" }

  /// The type name, prefixed by ``namespace`` when one is set: `TopSongs`, `music.TopSongs`.
  public static var family: String {
    familyNames.value(for: Self.self) {
      let name = String(describing: Self.self)
      return namespace.isEmpty ? name : "\(namespace).\(name)"
    }
  }

  /// Priority 0: runnable tasks go in the order they were found.
  public var priority: Int { 0 }

  /// No resources: the task runs whenever a worker is free.
  public var resources: [String: Int] { [:] }

  /// No description in `--help`.
  public static var help: String { "" }

  /// No policy of its own: the run's retries apply.
  public var retryPolicy: RetryPolicy? { nil }

  /// No limit: a batch takes every task that can join it.
  ///
  /// ```swift
  /// TopSongs.maxBatchSize   // Int.max, unless TopSongs declares its own
  /// ```
  public static var maxBatchSize: Int { .max }

  /// Batchable: the task joins a batch when its family has a batchable parameter.
  ///
  /// ```swift
  /// TopSongs(tld: "rs").isBatchable   // true, unless TopSongs declares its own
  /// ```
  public var isBatchable: Bool { true }

  /// Complete when the task has outputs and every one exists. A task without outputs is never
  /// complete, so it runs every time (Luigi's rule too). Throws what a target's
  /// ``Target/exists()`` throws: a target that cannot be checked is not missing.
  public func complete() throws -> Bool {
    try output().allTargetsExist()
  }

  /// The outputs of the tasks ``requires()`` returns, shaped like its result.
  ///
  /// Within a run, the required tasks have the parameter values the run gives them (from the
  /// command line or the config file too), so their outputs are the files the run wrote.
  ///
  /// ```swift
  /// func requires() -> [InputText] { interval.days.map { InputText(date: $0) } }
  /// func run() throws {
  ///     for file in try input() { ... }   // input() is [LocalTarget]
  /// }
  /// ```
  ///
  /// - Throws: what ``requires()`` throws.
  public func input() throws -> Requirements.RequiredOutput {
    try requires().requiredOutput
  }

  /// A task required on its own is just itself.
  public var requiredTasks: [any PipelineTask] { [self] }
  /// A task required on its own gives its output to ``input()``: within a run, the output of the
  /// run's copy, with the parameter values the run resolved.
  public var requiredOutput: Output {
    guard let context = RunContext.current, let resolved = try? context.resolved(self) else { return output() }
    return resolved.output()
  }
}

extension PipelineTask where Requirements == NoRequirements {
  /// Requires nothing: the default for tasks that do not declare ``requires()``.
  public func requires() -> NoRequirements { NoRequirements() }
}

extension PipelineTask where Output == NoOutput {
  /// Writes nothing: the default for tasks that do not declare ``output()``.
  public func output() -> NoOutput { NoOutput() }
}
