/// Where the picture puts each task: in the column of its longest requirement path, so every
/// requirement is to the left of the tasks that need it, and in a row near its requirements.
///
/// Columns come from one pass in topological order and rows from one sort per column by the mean
/// height of each task's requirements (a single barycenter sweep), so the layout takes
/// O(tasks log tasks + edges) time. Tasks in a cycle, which only hand-made records can hold,
/// stay in the columns reached so far.
struct LayeredLayout {
  /// Each task's column, 0 for those that require no task of the picture.
  let columns: [Int]
  /// Each task's row within its column, from the top.
  let rows: [Int]
  /// The tasks of each column, top to bottom.
  let members: [[Int]]

  /// Lays out tasks `0..<requirements.count`, task `i` requiring the tasks `requirements[i]`.
  init(requirements: [[Int]]) {
    let count = requirements.count
    var dependents = Array(repeating: [Int](), count: count)
    var waiting = requirements.map(\.count)
    for (task, required) in requirements.enumerated() {
      for requirement in required { dependents[requirement].append(task) }
    }
    var columns = Array(repeating: 0, count: count)
    var ready = (0..<count).filter { waiting[$0] == 0 }
    var next = 0
    while next < ready.count {
      let task = ready[next]
      next += 1
      for dependent in dependents[task] {
        columns[dependent] = max(columns[dependent], columns[task] + 1)
        waiting[dependent] -= 1
        if waiting[dependent] == 0 { ready.append(dependent) }
      }
    }
    var members = Array(repeating: [Int](), count: (columns.max() ?? -1) + 1)
    for task in 0..<count { members[columns[task]].append(task) }
    var rows = Array(repeating: 0, count: count)
    // Heights are measured from each column's middle, as the picture centres its columns.
    var heights = Array(repeating: 0.0, count: count)
    for column in members.indices {
      if column > 0 {
        let keyed = members[column].map { task -> (height: Double, task: Int) in
          let required = requirements[task]
          guard !required.isEmpty else { return (0, task) }
          return (required.reduce(0.0) { $0 + heights[$1] } / Double(required.count), task)
        }
        members[column] = keyed.sorted { $0.height != $1.height ? $0.height < $1.height : $0.task < $1.task }
          .map(\.task)
      }
      let middle = Double(members[column].count - 1) / 2
      for (row, task) in members[column].enumerated() {
        rows[task] = row
        heights[task] = Double(row) - middle
      }
    }
    self.columns = columns
    self.rows = rows
    self.members = members
  }
}
