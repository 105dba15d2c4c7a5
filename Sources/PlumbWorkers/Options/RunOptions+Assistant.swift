extension RunOptions {
  /// Whether this run is an assistant (Luigi's `--assistant`, `[core] assistant`): besides the
  /// tasks it is given, if any, it runs whatever pending task luigid hands it, whoever scheduled
  /// it; `false` by default. It needs a central scheduler (``scheduler``).
  ///
  /// luigid hands an assistant any runnable task, whatever its family, and the protocol gives no
  /// way to refuse one: a task handed out can only be reported done, failed, or kept running. So
  /// an assistant runs a task of a family in ``assistantTasks`` here, a Python task (one luigid
  /// knows a module for) through Python Luigi with ``pythonInterpreter``, and reports any other
  /// as Luigi's own assistant does, failed with "Cannot find task(s) sent by scheduler".
  ///
  /// With ``CentralScheduler/keepsAlive`` it asks for work until it is stopped (a signal, or
  /// ``stop``), as Luigi's assistant does; without, it ends once luigid has nothing for it.
  ///
  /// ```swift
  /// var options = RunOptions()
  /// options.scheduler = .central(CentralScheduler(host: "scheduler.internal", port: 8082))
  /// options.isAssistant = true
  /// options.assistantTasks = [TopSongs.self, Producer.self]
  /// let result = try build([], options: options)
  /// ```
  public var isAssistant: Bool {
    get { settings.isAssistant ?? false }
    set { settings.isAssistant = newValue }
  }

  /// The Python an assistant runs Python Luigi tasks with (`[worker] python`): a path, or a name
  /// looked up in `PATH`; `python3` by default. It must import `luigi` and the tasks' modules.
  ///
  /// ```swift
  /// options.pythonInterpreter = "/opt/pipelines/venv/bin/python"
  /// ```
  public var pythonInterpreter: String {
    get { settings.pythonInterpreter ?? "python3" }
    set { settings.pythonInterpreter = newValue }
  }
}
