import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A file being written, whose content appears at its final path only when the writing code
/// finishes without throwing: a crash or an error leaves the earlier file, or none, never half a file.
///
/// ``LocalTarget``'s `write { file in … }` hands you one:
///
/// ```swift
/// try LocalTarget("counts.tsv").write { file in
///     file.writeLine("word\tcount")
/// }
/// ```
///
/// Your own kind of target gets the same guarantee from ``write(to:_:)``; see ``WritableTarget`` for
/// a whole example.
///
/// An `OutputFile` is not `Sendable`: it belongs to the code writing it, for the length of the write.
public final class OutputFile {
  private let finalPath: String
  private let temporaryPath: String
  /// The temporary file's place among those removed at exit, until it is forgotten; `nil` for a
  /// file a test made. Forgotten once only: the place may be another file's afterwards.
  private var ticket: TemporaryFiles.Ticket?
  private var descriptor: Int32
  /// On a file system whose `close` may report a late write error (NFS reports them there), a
  /// duplicate of `descriptor` that keeps its `flock` until the file is renamed or removed, so that
  /// closing `descriptor` can report the error before the rename while no other writer can take the
  /// temporary file for stale; elsewhere -1, and `descriptor` holds the lock until after the rename.
  private var lock: Int32
  private var buffer: [UInt8] = []
  private var failure: TargetError?

  private convenience init(finalPath: String) throws {
    let (temporaryPath, ticket, descriptor, closeMayFail) = try Self.openTemporaryFile(beside: finalPath)
    try self.init(
      finalPath: finalPath, temporaryPath: temporaryPath, ticket: ticket, descriptor: descriptor,
      closeMayFail: closeMayFail)
  }

  /// Takes over `descriptor`, open on `temporaryPath`, to be renamed to `finalPath`; tests give
  /// it a descriptor that fails to write. `closeMayFail` says whether its file system may report
  /// a write error only at `close` (see `lock`).
  init(
    finalPath: String, temporaryPath: String, ticket: TemporaryFiles.Ticket? = nil, descriptor: Int32,
    closeMayFail: Bool = true
  ) throws {
    self.finalPath = finalPath
    self.temporaryPath = temporaryPath
    self.ticket = ticket
    self.descriptor = descriptor
    guard closeMayFail else {
      lock = -1
      return
    }
    lock = dup(descriptor)
    guard lock >= 0 else {
      let code = errno
      close(descriptor)
      unlink(temporaryPath)
      if let ticket { TemporaryFiles.forget(ticket) }
      throw TargetError.io(path: finalPath, operation: "create a temporary file for", code: code)
    }
  }

  /// Writes the file at `path` from what `body` writes into it, all at once or not at all.
  ///
  /// `body` writes into a new temporary file beside `path` (`<path>-plumb-tmp-<n>`, so on the same
  /// file system), which `rename(2)` then puts in place of any earlier file in one step; readers
  /// see the old file or the new one, never a mix. Missing parent folders are created. If `body`
  /// throws, the temporary file is deleted, the earlier file is left untouched, and the error is
  /// rethrown. A temporary file still open when the process exits (its task was left running by a
  /// stopped run) is removed then.
  ///
  /// ```swift
  /// try OutputFile.write(to: "/data/report.tsv") { file in
  ///     file.writeLine("song\tplays")
  /// }
  /// try OutputFile.write(to: "/data/report.tsv.done") { _ in }  // a flag, written only after the report
  /// ```
  ///
  /// The writes of `body` do not throw, so that a loop writing lines needs no `try`: the first one
  /// that fails (a full disk) deletes the temporary file, every later write keeps nothing, and this
  /// method throws that first error once `body` returns.
  ///
  /// A writer holds an `flock(2)` on its temporary file until the file is renamed or deleted. A
  /// temporary file of `path` that nobody holds is left over from a writer that died (killed, or
  /// the machine went down), and the next write of `path` deletes it. Writers take the lowest
  /// free number `n`, so leftovers are found by trying `n` upwards from 0, up to the first number
  /// that has no file; a leftover above such a gap stays until the gap fills. A writer that finds
  /// number 0 free meets that gap at once and looks no further: a leftover is nearly always at 0,
  /// since the runs of a task write its outputs one at a time (its lock sees to that), so a write
  /// spends no system call on looking above it. Plumb takes any file named so for
  /// its own: do not give other files such names. A final name too long for the suffix makes the
  /// temporary name from its start instead (`<start>-plumb-tmp-<n>`).
  ///
  /// - Parameters:
  ///   - path: The file to write. A relative path resolves against the process's current folder,
  ///     not the run's: pass `LocalTarget(path).path` to follow ``RunOptions/workingDirectory``.
  ///   - body: Writes the content into the file it is given.
  /// - Throws: What `body` throws, or a one-line ``TargetError`` naming `path` when the file cannot
  ///   be created, written or moved into place, or when `path` is a folder.
  public static func write(to path: String, _ body: (OutputFile) throws -> Void) throws {
    let file = try OutputFile(finalPath: path)
    do {
      try body(file)
      try file.commit()
    } catch {
      file.discard()
      throw error
    }
  }

  /// Creates and locks a new temporary file `<path>-plumb-tmp-<n>`, and the folders above it when
  /// missing, and deletes leftover temporary files of `path` from writers that died. Returns
  /// whether `close` may report a write error on its file system.
  ///
  /// A folder at `path` is found by the rename (`EISDIR`), not by a `stat` here: one system call
  /// fewer for every write, and a run never gets that far, since `exists()` refuses the folder.
  private static func openTemporaryFile(
    beside path: String
  ) throws -> (path: String, ticket: TemporaryFiles.Ticket?, descriptor: Int32, closeMayFail: Bool) {
    let nameStart = fileNameStart(of: path)
    var nameMax = maximumNameLength(in: path, nameStart: nameStart)
    if path.utf8[nameStart...].count > nameMax {
      throw TargetError.io(path: path, operation: "create", code: ENAMETOOLONG)
    }
    var stem = temporaryStem(of: path, nameStart: nameStart, nameMax: nameMax)
    var createdFolders = false
    var number = 0
    // Whether a temporary file of `path` was in the way: only then may leftovers be above `number`.
    var metTemporaryFile = false
    while true {
      let temporaryPath = stem + String(number)
      let (descriptor, code, ticket) = TemporaryFiles.create(temporaryPath) {
        temporaryPath.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644) }
      }
      if descriptor >= 0 {
        // Between open and flock a cleaner may have found the file unlocked and deleted it.
        let (isLocked, device) = lockOrGiveUp(descriptor)
        guard isLocked else {
          if let ticket { TemporaryFiles.forget(ticket) }
          continue
        }
        // With number 0 free, the first gap is there (see `write(to:_:)`).
        if metTemporaryFile { removeLeftovers(stem: stem, above: number) }
        return (temporaryPath, ticket, descriptor, device.map(closeMayReportErrors(on:)) ?? true)
      }
      switch code {
      case EINTR:
        continue
      case EEXIST:
        metTemporaryFile = true
        if !removeIfLeftOver(temporaryPath) { number += 1 }
      case ENOENT where !createdFolders:
        try createParentFolders(of: path)
        createdFolders = true
        nameMax = maximumNameLength(in: path, nameStart: nameStart)
        stem = temporaryStem(of: path, nameStart: nameStart, nameMax: nameMax)
      default:
        throw TargetError.io(path: path, operation: "create a temporary file for", code: code)
      }
    }
  }

  /// Takes the writer's lock on a new temporary file, or closes it when a cleaner holds or has
  /// deleted it; returns whether it kept the file, and the file's device when known.
  private static func lockOrGiveUp(_ descriptor: Int32) -> (isLocked: Bool, device: UInt64?) {
    var result = flock(descriptor, LOCK_EX | LOCK_NB)
    while result != 0 && errno == EINTR { result = flock(descriptor, LOCK_EX | LOCK_NB) }
    // A file system without locks (flock fails otherwise) has no cleaner able to lock the file either.
    let heldByCleaner = result != 0 && errno == EWOULDBLOCK
    var info = stat()
    let known = fstat(descriptor, &info) == 0
    if heldByCleaner || (known && info.st_nlink == 0) {
      close(descriptor)
      return (false, nil)
    }
    return (true, known ? UInt64(info.st_dev) : nil)
  }

  /// Whether the file systems seen so far, by device, may report a write error at `close`.
  private static let closeMayFailByDevice = Mutex<[UInt64: Bool]>([:])

  /// Local file systems, whose `close` reports no write error that `write` did not (overlayfs's
  /// upper layer is one of them).
  private static let localFileSystems: Set<String> = [
    "tmpfs", "ramfs", "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "zfs", "overlay",
  ]

  /// Whether `close(2)` of a file on `device` may report a write error that `write(2)` did not,
  /// as on NFS, SMB or FUSE, which send the data then; a file system not known to be local counts
  /// as such. Looked up once per device, not once per write.
  static func closeMayReportErrors(on device: UInt64) -> Bool {
    if let known = closeMayFailByDevice.withLock({ $0[device] }) { return known }
    let mayFail = fileSystemType(of: device).map { !localFileSystems.contains($0) } ?? true
    closeMayFailByDevice.withLock { $0[device] = mayFail }
    return mayFail
  }

  /// The type of the file system mounted from `device` (`tmpfs`, `nfs4`, …), or `nil` when not
  /// found: Linux's `/proc/self/mountinfo` gives each mount's device as `major:minor` in its third
  /// field, and its type after the field `-`.
  private static func fileSystemType(of device: UInt64) -> String? {
    let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
    let minor = (device & 0xff) | ((device >> 12) & ~0xff)
    let wanted = "\(major):\(minor)"
    guard let table = fopen("/proc/self/mountinfo", "re") else { return nil }
    defer { fclose(table) }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, table) > 0, let line {
      let fields = String(cString: line).split(separator: " ")
      guard fields.count > 2, fields[2] == wanted, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count
      else { continue }
      return String(fields[dash + 1])
    }
    return nil
  }

  /// Deletes the temporary files named `stem` and a number above `number` that no writer holds, up
  /// to the first number without a file.
  private static func removeLeftovers(stem: String, above number: Int) {
    var next = number + 1
    while true {
      let candidate = stem + String(next)
      var info = stat()
      guard lstat(candidate, &info) == 0 else { return }
      removeIfLeftOver(candidate)
      next += 1
    }
  }

  /// Deletes the regular file `path` if no writer holds its lock, and says whether it did.
  @discardableResult
  private static func removeIfLeftOver(_ path: String) -> Bool {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return false }
    // The name must still be the file locked: its writer may have renamed it, and a new one taken it.
    var held = stat()
    var named = stat()
    guard fstat(descriptor, &held) == 0, lstat(path, &named) == 0, held.st_mode & S_IFMT == S_IFREG,
      held.st_dev == named.st_dev, held.st_ino == named.st_ino
    else { return false }
    return unlink(path) == 0
  }

  /// Where the file's name starts in `path`: after its last `/`, found in the bytes, since every
  /// write looks for it.
  private static func fileNameStart(of path: String) -> String.Index {
    let slash =
      path.utf8.withContiguousStorageIfAvailable { $0.lastIndex(of: UInt8(ascii: "/")) }
      ?? path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path.utf8.distance(from: path.utf8.startIndex, to: $0) }
    return slash.map { path.utf8.index(path.utf8.startIndex, offsetBy: $0 + 1) } ?? path.startIndex
  }

  /// The temporary names of `path` without their number: `<path>-plumb-tmp-`, or, when a name with a
  /// number could exceed `nameMax` bytes, the same made from as much of the start of the file's
  /// name (which starts at `nameStart`) as fits.
  private static func temporaryStem(of path: String, nameStart: String.Index, nameMax: Int) -> String {
    let marker = "-plumb-tmp-"
    // Room for a 10-digit number whatever the number is, so that a final name has temporary names
    // of one form only, and leftovers are found under the name a new writer would use.
    let suffixRoom = marker.utf8.count + 10
    var length = path.utf8[nameStart...].count
    if length + suffixRoom <= nameMax { return path + marker }
    let name = path.unicodeScalars[nameStart...]
    var kept = name.endIndex
    // Whole scalars go, so that the shortened name stays valid UTF-8.
    while length + suffixRoom > nameMax, kept > name.startIndex {
      name.formIndex(before: &kept)
      length -= UTF8.width(name[kept])
    }
    return String(path.unicodeScalars[..<kept]) + marker
  }

  /// The longest file name the file system of the folder of `path` (whose file name starts at
  /// `nameStart`) takes, or 255 when it cannot tell.
  ///
  /// Every file system in common use takes names of 143 bytes (eCryptfs's limit; most take 255),
  /// so the file system is asked only when the temporary name of `path` could be longer: one system
  /// call fewer for nearly every write.
  private static func maximumNameLength(in path: String, nameStart: String.Index) -> Int {
    if path.utf8[nameStart...].count + "-plumb-tmp-".utf8.count + 10 <= 143 { return 255 }
    let folder = String(path.utf8[..<nameStart].dropLast()) ?? ""
    let limit = pathconf(folder.isEmpty ? (nameStart == path.startIndex ? "." : "/") : folder, Int32(_PC_NAME_MAX))
    return limit > 0 ? limit : 255
  }

  /// Appends text (UTF-8). After a write error, it keeps nothing; see ``write(to:_:)``.
  public func write(_ text: String) {
    append(text.utf8)
  }

  /// Appends text followed by a newline. After a write error, it keeps nothing.
  public func writeLine(_ text: String) {
    append(text.utf8)
    append(CollectionOfOne(10))
  }

  /// Appends bytes. After a write error, it keeps nothing.
  public func write(_ data: Data) {
    append(data)
  }

  /// How many bytes wait in memory for the next write to the file.
  var bufferedByteCount: Int { buffer.count }

  private func append(_ bytes: some Collection<UInt8>) {
    guard failure == nil else { return }
    buffer.append(contentsOf: bytes)
    if buffer.count >= 64 * 1024 { flush() }
  }

  private func flush() {
    guard failure == nil, !buffer.isEmpty else { return }
    var offset = 0
    buffer.withUnsafeBytes { bytes in
      while offset < bytes.count {
        let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = .io(path: finalPath, operation: "write", code: errno)
          return
        }
        offset += written
      }
    }
    buffer.removeAll(keepingCapacity: failure == nil)
    // The disk is likely full: give back the space the partial file holds at once, not at commit.
    if failure != nil { discard() }
  }

  /// Puts the file in place of the final one, or throws the first error its writes met.
  func commit() throws {
    defer { forgetTemporaryFile() }
    flush()
    if let failure { throw failure }
    // The lock stays held until the rename, by `lock` where `descriptor` must close first.
    if lock >= 0 {
      let closed = close(descriptor)
      descriptor = -1
      if closed != 0 { throw TargetError.io(path: finalPath, operation: "write", code: errno) }
    }
    // Each path as the C string a native string already holds: passed as they are, strings given
    // to a C call are copied into new arrays (also in `openTemporaryFile` and `LocalTarget.exists`).
    let renamed = temporaryPath.withCString { from in finalPath.withCString { to in rename(from, to) } }
    if renamed != 0 {
      let code = errno
      if code == EISDIR { throw TargetError.isFolder(path: finalPath) }
      throw TargetError.io(path: finalPath, operation: "move into place", code: code)
    }
    let holder = lock >= 0 ? lock : descriptor
    close(holder)
    lock = -1
    descriptor = -1
  }

  private func discard() {
    defer { forgetTemporaryFile() }
    if lock >= 0, descriptor >= 0 {
      close(descriptor)
      descriptor = -1
    }
    let holder = lock >= 0 ? lock : descriptor
    if holder >= 0 {
      // Deleted before the lock goes, so that no other writer can have taken the name meanwhile.
      unlink(temporaryPath)
      close(holder)
      lock = -1
      descriptor = -1
    }
  }

  private func forgetTemporaryFile() {
    if let ticket { TemporaryFiles.forget(ticket) }
    ticket = nil
  }

  /// Creates the folders above `path` that are missing, like `mkdir -p`.
  static func createParentFolders(of path: String) throws {
    let parent = (path as NSString).deletingLastPathComponent
    guard !parent.isEmpty, parent != "/" else { return }
    if mkdir(parent, 0o777) == 0 { return }
    let code = errno
    switch code {
    case EEXIST:
      return
    case ENOENT:
      try createParentFolders(of: parent)
      guard mkdir(parent, 0o777) != 0 else { return }
      let again = errno
      if again != EEXIST { throw TargetError.io(path: path, operation: "create the folder for", code: again) }
    default:
      throw TargetError.io(path: path, operation: "create the folder for", code: code)
    }
  }
}

@available(*, unavailable, message: "an OutputFile belongs to the code writing it")
extension OutputFile: Sendable {}
