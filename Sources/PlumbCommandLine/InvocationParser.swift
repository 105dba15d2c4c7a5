import PlumbCore

/// Reads a pipeline's command line, Luigi's way: `TopSongs --tld rs --Producer-rows 5 --workers 2`.
///
/// The first word that is not a flag or a flag's value names the task. Engine options and family
/// flags (`--Family-param`) may come anywhere; the task's own parameters come after its name. Flags
/// take their value as the next word or after `=`; a Bool flag alone means true.
struct InvocationParser {
  let command: (String) -> String
  let tasks: [any PipelineTask.Type]
  /// What was read so far, also after an error: `--help` still shows the task named before it.
  private(set) var invocation = Invocation()

  init(command: @escaping (String) -> String, tasks: [any PipelineTask.Type]) {
    self.command = command
    self.tasks = tasks
  }

  mutating func parse(_ arguments: [String]) throws -> Invocation {
    var words = arguments[...]
    while let word = words.popFirst() {
      // Two characters or more, counted without reading the whole of a long word.
      guard word.hasPrefix("-"), !word.dropFirst().isEmpty else {
        try name(task: word)
        continue
      }
      let flag: String
      var inline: String?
      // Split at the `=` scalar, as Python's argparse does, even where an accent follows it.
      let scalars = word.unicodeScalars
      if let equals = scalars.firstIndex(of: "=") {
        flag = String(scalars[..<equals])
        inline = String(scalars[scalars.index(after: equals)...])
      } else {
        flag = word
      }
      if flag == "--help" || flag == "-h" {
        invocation.wantsHelp = true
      } else if let option = EngineOption.named(flag) {
        if option.valueName == nil {
          guard inline == nil else { throw CommandLineError.unexpectedValue(flag: flag) }
          try option.apply(&invocation, "", flag)
        } else {
          let value = try Self.value(of: flag, inline: inline, words: &words, expected: option.valueName ?? "")
          try option.apply(&invocation, value, flag)
        }
      } else if let task = invocation.task, let declaration = Self.declaration(named: flag, in: type(of: task)) {
        let value = try Self.value(of: flag, for: declaration, inline: inline, words: &words)
        invocation.task = try Self.assigning(value, to: declaration.name, in: task, source: flag)
      } else if let (family, declaration) = try familyParameter(flag) {
        let value = try Self.value(of: flag, for: declaration, inline: inline, words: &words)
        // Checked on a fresh instance now, so a malformed value is reported with its flag.
        _ = try Self.assigning(value, to: declaration.name, in: family.init(), source: flag)
        invocation.familyValues[family.family, default: [:]][declaration.name] = value
      } else if let task = invocation.task {
        let declarations = ParameterSchema.declarations(of: type(of: task))
        let flags = declarations.map(\.flag)
        throw CommandLineError.unknownParameter(
          .unknown(family: type(of: task).family, flag: flag, known: flags),
          suggestion: Suggestion.closest(to: flag, among: flags + otherFlags))
      } else {
        throw CommandLineError.unknownOption(
          flag, taskExample: command("TASK \(flag) VALUE"), helpCommand: command("--help"),
          suggestion: Suggestion.closest(to: flag, among: otherFlags))
      }
    }
    return invocation
  }

  private mutating func name(task name: String) throws {
    if let task = invocation.task {
      throw CommandLineError.unexpectedArgument(name, task: type(of: task).family)
    }
    let families = tasks.map { $0.family }
    guard let type = tasks.first(where: { $0.family == name }) else {
      throw CommandLineError.unknownTask(
        name, known: families, suggestion: Suggestion.closest(to: name, among: families))
    }
    invocation.task = type.init()
  }

  /// The flags accepted anywhere: engine options and every family flag, for "did you mean".
  private var otherFlags: [String] {
    EngineOption.all.flatMap(\.names) + tasks.flatMap(Self.familyFlags(of:))
  }

  private static func familyFlags(of type: any PipelineTask.Type) -> [String] {
    ParameterSchema.declarations(of: type).map { "--\(type.family)-\(ParameterDeclaration.dashed($0.name))" }
  }

  /// `--Family-param`: the longest registered family the flag starts with, and its parameter.
  private func familyParameter(_ flag: String) throws -> (any PipelineTask.Type, ParameterDeclaration)? {
    guard flag.hasPrefix("--") else { return nil }
    let key = flag.dropFirst(2)
    let matches = tasks.filter { key.hasPrefix($0.family + "-") }
    guard let type = matches.max(by: { $0.family.count < $1.family.count }) else { return nil }
    let parameter = "--" + key.dropFirst(type.family.count + 1)
    if let declaration = Self.declaration(named: parameter, in: type) { return (type, declaration) }
    let flags = Self.familyFlags(of: type)
    throw CommandLineError.unknownParameter(
      .unknown(family: type.family, flag: flag, known: flags), suggestion: Suggestion.closest(to: flag, among: flags))
  }

  private static func declaration(named flag: String, in type: any PipelineTask.Type) -> ParameterDeclaration? {
    guard flag.hasPrefix("--") else { return nil }
    // The flag's canonical spelling once, rather than once per parameter: a flag may be a megabyte long.
    let key = ParameterDeclaration.canonicalKey(String(flag.dropFirst(2)))
    return ParameterSchema.declarations(of: type).first { ParameterDeclaration.canonicalKey($0.name) == key }
  }

  /// A parameter's value: after `=`, the next word, or for a Bool `true` unless `true`/`false` follows.
  private static func value(
    of flag: String, for declaration: ParameterDeclaration, inline: String?, words: inout ArraySlice<String>
  ) throws -> String {
    guard declaration.isBoolean, inline == nil else {
      return try value(of: flag, inline: inline, words: &words, expected: declaration.expectedForm)
    }
    if let next = words.first, Bool(parameterText: next) != nil {
      words.removeFirst()
      return next
    }
    return "true"
  }

  private static func value(of flag: String, inline: String?, words: inout ArraySlice<String>, expected: String) throws
    -> String
  {
    if let inline { return inline }
    // A word starting with -- is the next flag, so the value is missing; `--name=--x` passes such text.
    guard let next = words.first, !next.hasPrefix("--") else {
      throw CommandLineError.missingValue(flag: flag, expected: expected)
    }
    words.removeFirst()
    return next
  }

  /// `task` with the parameter set as a value given in code, so it beats family flags and the config file.
  private static func assigning<T: PipelineTask>(_ value: String, to name: String, in task: T, source: String) throws
    -> T
  {
    try ParameterLayout.of(T.self).updating(task) { parameterName, parameter in
      guard parameterName == name else { return nil }
      guard let assigned = parameter.assigning(text: value) else {
        throw ParameterError.malformed(
          family: T.family, parameter: name, value: value, expected: parameter.expectedForm, source: source)
      }
      return assigned
    }
  }
}
