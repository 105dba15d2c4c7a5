/// The execution summary of a run, in Luigi's layout with Plumb's name in the frame.
struct ExecutionSummary {
  let records: [TaskRecord]
  let maximumLines: Int

  var text: String {
    var lines = ["===== Plumb Execution Summary =====", ""]
    lines.append("Scheduled \(records.count) tasks of which:")
    for status in [TaskStatus.alreadyComplete, .succeeded, .failed, .schedulingFailed, .pending] {
      let group = records.filter { $0.status == status }
      if !group.isEmpty { lines.append("* \(group.count) \(status)") }
    }
    lines += ["", "===== Plumb Execution Summary =====", ""]
    return lines.joined(separator: "\n")
  }

  func exitCode(using codes: ExitCodes) -> Int32 {
    var code: Int32 = 0
    if records.contains(where: { $0.status == .failed }) { code = max(code, codes.taskFailed) }
    if records.contains(where: { $0.status == .schedulingFailed }) { code = max(code, codes.schedulingError) }
    if records.contains(where: { $0.status == .pending && $0.isExternal }) { code = max(code, codes.missingData) }
    if records.contains(where: { $0.status == .pending }) { code = max(code, codes.notRun) }
    return code
  }
}
