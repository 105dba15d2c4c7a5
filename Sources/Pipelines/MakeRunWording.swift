/// Rewrites the command lines Plumb's messages show ("exercise3 --help lists the options") into
/// the command a learner types ("make run N=3 ARGS='--help' lists the options").
///
/// PipelineCommand shows its command lines as its name followed by arguments, and `make run` needs
/// the arguments inside `ARGS='…'`, which no name can say. This reads each command line after
/// the name (flags, words in capitals such as TASK and VALUE, bracketed parts, task names) and
/// quotes it; a Plumb option to render command lines would make it unnecessary.
struct MakeRunWording {
  /// The name the pipeline's PipelineCommand was given: `exercise3`.
  let program: String
  let exercise: Int
  /// The task names that may follow the name in a usage line.
  let taskNames: Set<String>

  /// `text` with every command line in it as the `make run` command that runs it.
  func rewrite(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { rewrite(line: String($0)) }
      .joined(separator: "\n")
  }

  private func rewrite(line: String) -> String {
    // "exercise3: error: …" is said by the make command the learner typed: "error: …" is enough.
    let body = line.hasPrefix(program + ": ") ? String(line.dropFirst(program.count + 2)) : line
    let words = body.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    var output: [String] = []
    var index = 0
    while index < words.count {
      // The name may follow an opening bracket: "(exercise3 TASK --x VALUE)".
      let opening = words[index].dropLast(program.count)
      guard words[index].hasSuffix(program), opening.allSatisfy({ $0 == "(" }) else {
        output.append(words[index])
        index += 1
        continue
      }
      index += 1
      var arguments: [String] = []
      var trailing = ""
      var depth = 0
      while index < words.count, !words[index].isEmpty {
        let word = words[index]
        if depth > 0 || word.hasPrefix("[") {
          depth += word.filter { $0 == "[" }.count - word.filter { $0 == "]" }.count
          arguments.append(word)
          index += 1
          continue
        }
        // Punctuation after a word ends the command line: "(exercise3 TASK --x VALUE); …".
        let bare = String(word.reversed().drop { ",;.)".contains($0) }.reversed())
        guard isArgument(bare) else { break }
        arguments.append(bare)
        index += 1
        if bare != word {
          trailing = String(word.dropFirst(bare.count))
          break
        }
      }
      let command = "make run N=\(exercise)"
      let quoted = arguments.isEmpty ? command : "\(command) ARGS='\(arguments.joined(separator: " "))'"
      output.append(opening + quoted + trailing)
    }
    return output.joined(separator: " ")
  }

  /// A flag, a placeholder in capitals (TASK, VALUE), or a task's name.
  private func isArgument(_ word: String) -> Bool {
    word.hasPrefix("-") || taskNames.contains(word)
      || (!word.isEmpty && word.allSatisfy { $0.isUppercase || $0 == "_" || $0 == "." })
  }
}
