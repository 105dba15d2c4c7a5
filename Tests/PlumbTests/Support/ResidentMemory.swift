import Foundation

/// The resident memory of this process, from `/proc/self/statm`: tests of what must not be held in
/// memory (an endless answer, a large object) compare it before and after.
func residentBytes() -> Int {
  let fields = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ") ?? []
  return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}
