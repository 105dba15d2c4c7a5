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
  // The fields that change are `@exclusivity(unchecked)`: one owner, no access overlaps another,
  // and the run-time check of each would cost a small write more than one of its system calls.
  private let finalPath: String
  /// Where the file's name starts in `finalPath`, and the longest name its folder takes.
  private let nameStart: String.Index
  private let nameMax: Int
  /// The temporary name the file has on its way to `finalPath` (see ``write(to:_:)``); empty while
  /// it has none.
  @exclusivity(unchecked) private var temporaryPath: String
  /// The temporary file's place among those removed at exit, until it is forgotten; `nil` for a
  /// file a test made. Forgotten once only: the place may be another file's afterwards.
  @exclusivity(unchecked) private var ticket: TemporaryFiles.Ticket?
  /// The file the content goes to, or -1 while the content is all in memory.
  @exclusivity(unchecked) private var descriptor: Int32
  /// Whether `descriptor` is a file without a name (`O_TMPFILE`), which gets one only at the end.
  @exclusivity(unchecked) private var isUnnamed = false
  /// On a file system whose `close` may report a late write error (NFS reports them there), a
  /// duplicate of `descriptor` that keeps its `flock` until the file is renamed or removed, so that
  /// closing `descriptor` can report the error before the rename while no other writer can take the
  /// temporary file for stale; elsewhere -1, and `descriptor` holds the lock until after the rename.
  @exclusivity(unchecked) private var lock: Int32 = -1
  @exclusivity(unchecked) private var buffer: [UInt8] = []
  @exclusivity(unchecked) private var failure: TargetError?

  /// Content up to this size stays in memory until the write ends; beyond it, it goes to the file
  /// as it comes.
  static let memoryLimit = 64 * 1024

  /// Starts a write of `finalPath`, all in memory for now; throws when no file can have its name.
  private init(finalPath: String) throws {
    let nameStart = Self.fileNameStart(of: finalPath)
    let nameMax = Self.maximumNameLength(in: finalPath, nameStart: nameStart)
    if finalPath.utf8[nameStart...].count > nameMax {
      throw TargetError.io(path: finalPath, operation: "create", code: ENAMETOOLONG)
    }
    self.finalPath = finalPath
    self.nameStart = nameStart
    self.nameMax = nameMax
    temporaryPath = ""
    descriptor = -1
  }

  /// Takes over `descriptor`, open on `temporaryPath`, to be renamed to `finalPath`; tests give
  /// it a descriptor that fails to write. `closeMayFail` says whether its file system may report
  /// a write error only at `close` (see `lock`).
  init(
    finalPath: String, temporaryPath: String, ticket: TemporaryFiles.Ticket? = nil, descriptor: Int32,
    closeMayFail: Bool = true
  ) throws {
    self.finalPath = finalPath
    nameStart = finalPath.startIndex
    nameMax = 255
    self.temporaryPath = temporaryPath
    self.ticket = ticket
    self.descriptor = descriptor
    try holdLockApart(if: closeMayFail)
  }

  /// Makes `lock` when `closeMayFail` (see `lock`); on failure, deletes the temporary file.
  private func holdLockApart(if closeMayFail: Bool) throws(TargetError) {
    guard closeMayFail else { return }
    lock = dup(descriptor)
    guard lock >= 0 else {
      let code = errno
      close(descriptor)
      descriptor = -1
      unlink(temporaryPath)
      forgetTemporaryFile()
      throw TargetError.io(path: finalPath, operation: "create a temporary file for", code: code)
    }
  }

  /// Opens a new temporary file for the content (see `openTemporaryFile`).
  private func openNamedFile() throws(TargetError) {
    let (path, ticket, descriptor, closeMayFail) = try Self.openTemporaryFile(beside: finalPath)
    temporaryPath = path
    self.ticket = ticket
    self.descriptor = descriptor
    try holdLockApart(if: closeMayFail)
  }

  /// Writes the file at `path` from what `body` writes into it, all at once or not at all.
  ///
  /// The content goes into a file with no name in the folder of `path` (`O_TMPFILE`): up to 64 KiB
  /// stays in memory until `body` returns, more goes there as it comes. Then `linkat(2)` gives it
  /// the name `path` in one step; where a file is at `path` already, which a link cannot replace,
  /// it gets a temporary name beside `path` (`<path>-plumb-tmp-<n>`) and `rename(2)` puts it in
  /// place of the earlier file in one step. File systems that have no files without names (NFS),
  /// or whose `close` may report a write error (which a link cannot wait for), write the temporary
  /// file by name from the start. Either way, readers see the old file or the new one, never a mix,
  /// and a process killed while `body` runs leaves no file behind where files without names are to
  /// be had. Missing parent folders are created. If `body` throws, nothing is written (a temporary
  /// file is deleted), the earlier file is left untouched, and the error is rethrown. A temporary
  /// name still there when the process exits (its task was left running by a stopped run) is
  /// removed then.
  ///
  /// ```swift
  /// try OutputFile.write(to: "/data/report.tsv") { file in
  ///     file.writeLine("song\tplays")
  /// }
  /// try OutputFile.write(to: "/data/report.tsv.done") { _ in }  // a flag, written only after the report
  /// ```
  ///
  /// The writes of `body` do not throw, so that a loop writing lines needs no `try`: the first one
  /// that fails (a full disk) lets go of the file written so far, every later write keeps nothing,
  /// and this method throws that first error once `body` returns.
  ///
  /// A writer holds an `flock(2)` on its temporary file until the file is renamed or deleted. A
  /// temporary file of `path` that nobody holds is left over from a writer that died (killed, or
  /// the machine went down) while its file had that name, and the next write of `path` that takes a
  /// temporary name deletes it: one that replaces a file, as a writer killed then had left the
  /// earlier file in place, and every write on a file system without files with no name. A write
  /// of a new file spends no system call on looking for leftovers. Writers take the lowest free
  /// number `n`, so leftovers are found by trying `n` upwards from 0, up to the first number that
  /// has no file; a leftover above such a gap stays until the gap fills. A writer that finds number 0
  /// free meets that gap at once and looks no further: a leftover is nearly always at 0, since the
  /// runs of a task write its outputs one at a time (its lock sees to that). Plumb takes any file
  /// named so for its own: do not give other files such names. A final name too long for the suffix
  /// makes the temporary name from its start instead (`<start>-plumb-tmp-<n>`).
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
  /// whether `close` may report a write error on its file system. With `unnamed`, a file without
  /// a name that this writer has locked already, that file takes the name instead of a new one.
  ///
  /// A folder at `path` is found by the rename (`EISDIR`), not by a `stat` here: one system call
  /// fewer for every write, and a run never gets that far, since `exists()` refuses the folder.
  private static func openTemporaryFile(
    beside path: String, naming unnamed: Int32? = nil
  ) throws(TargetError) -> (path: String, ticket: TemporaryFiles.Ticket?, descriptor: Int32, closeMayFail: Bool) {
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
        temporaryPath.withCString { name in
          if let unnamed { return link(unnamed, to: name) ? unnamed : -1 }
          return open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        }
      }
      if descriptor >= 0 {
        // Between open and flock a cleaner may have found the file unlocked and deleted it.
        let (isLocked, device) = unnamed == nil ? lockOrGiveUp(descriptor) : (true, nil)
        guard isLocked else {
          if let ticket { TemporaryFiles.forget(ticket) }
          continue
        }
        // With number 0 free, the first gap is there (see `write(to:_:)`).
        if metTemporaryFile { removeLeftovers(stem: stem, above: number) }
        // A file without a name is made only where `close` reports no late error.
        let closeMayFail = unnamed == nil && (device.map(closeMayReportErrors(on:)) ?? true)
        return (temporaryPath, ticket, descriptor, closeMayFail)
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
    if device == lastLocalDevice.load(ordering: .relaxed) { return false }
    if let known = closeMayFailByDevice.withLock({ $0[device] }) { return known }
    let mayFail = fileSystemType(of: device).map { !localFileSystems.contains($0) } ?? true
    closeMayFailByDevice.withLock { $0[device] = mayFail }
    if !mayFail { lastLocalDevice.store(device, ordering: .relaxed) }
    return mayFail
  }

  /// The last local device looked up: a run writes most of its files on one, so most writes find
  /// it here without the lock and the table.
  private static let lastLocalDevice = Atomic<UInt64>(.max)

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

  /// What a temporary name adds to the file's name before its number.
  private static let marker = "-plumb-tmp-"
  /// The bytes a temporary name may add to the file's name: the marker and a number of up to 10
  /// digits, whatever the number is, so that a final name has temporary names of one form only,
  /// and leftovers are found under the name a new writer would use.
  private static let suffixRoom = marker.utf8.count + 10

  /// The longest file name the file system of the folder of `path` (whose file name starts at
  /// `nameStart`) takes, or 255 when it cannot tell.
  ///
  /// Every file system in common use takes names of 143 bytes (eCryptfs's limit; most take 255),
  /// so the file system is asked only when the temporary name of `path` could be longer: one system
  /// call fewer for nearly every write.
  private static func maximumNameLength(in path: String, nameStart: String.Index) -> Int {
    if path.utf8[nameStart...].count + suffixRoom <= 143 { return 255 }
    let limit = withFolderName(of: path, nameStart: nameStart) { pathconf($0, Int32(_PC_NAME_MAX)) }
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
    if buffer.count >= Self.memoryLimit { flush() }
  }

  /// Writes what waits in memory to the file, opening one first if there is none yet: without a
  /// name where such files are to be had, else by a temporary name.
  private func flush() {
    guard failure == nil, !buffer.isEmpty else { return }
    if descriptor < 0, !openUnnamedFile() {
      do {
        try openNamedFile()
      } catch {
        failure = error
        buffer = []
        return
      }
    }
    if !Self.writeAll(buffer, to: descriptor) {
      failure = .io(path: finalPath, operation: "write", code: errno)
    }
    buffer.removeAll(keepingCapacity: failure == nil)
    // The disk is likely full: give back the space the partial file holds at once, not at commit.
    if failure != nil { discard() }
  }

  /// Writes all of `bytes` to `descriptor`; false, with `errno` set, on the first failure.
  private static func writeAll(_ bytes: some ContiguousBytes, to descriptor: Int32) -> Bool {
    bytes.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += written
      }
      return true
    }
  }

  /// Puts the file in place of the final one, or throws the first error its writes met.
  func commit() throws {
    defer { forgetTemporaryFile() }
    flush()
    if let failure { throw failure }
    // An empty file opened none.
    if descriptor < 0, !openUnnamedFile() { try openNamedFile() }
    if isUnnamed, try placeUnnamedFile() { return }
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

  /// Opens a file without a name in the folder of `finalPath` as `descriptor`, and says whether it
  /// did: not on file systems without such files, nor on those whose `close` may report a write
  /// error, which a link cannot wait for.
  private func openUnnamedFile() -> Bool {
    let unnamed = Self.withFolderName(of: finalPath, nameStart: nameStart) { folder in
      // Readable too, for `copyIntoNamedFile`.
      var unnamed = open(folder, Self.unnamedFileFlag | O_RDWR | O_CLOEXEC, 0o644)
      if unnamed < 0, errno == ENOENT, (try? Self.createParentFolders(of: finalPath)) != nil {
        unnamed = open(folder, Self.unnamedFileFlag | O_RDWR | O_CLOEXEC, 0o644)
      }
      return unnamed
    }
    guard unnamed >= 0 else { return false }
    var info = stat()
    guard fstat(unnamed, &info) == 0, !Self.closeMayReportErrors(on: UInt64(info.st_dev)) else {
      close(unnamed)
      return false
    }
    descriptor = unnamed
    isUnnamed = true
    return true
  }

  /// Calls `body` with the folder `path` is in (its file name starts at `nameStart`) as a C string
  /// made on the stack: the part before its last `/`, `/` for a file at the root, and `.` for a name
  /// without a folder. A task writes its outputs this way, and a new string would cost it more than
  /// the system call it is for.
  private static func withFolderName<Result>(
    of path: String, nameStart: String.Index, _ body: (UnsafePointer<CChar>) -> Result
  ) -> Result {
    let bytes = path.utf8
    let nameOffset = bytes.distance(from: bytes.startIndex, to: nameStart)
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + 2) { name in
      // The whole path, copied at once, then cut before the `/` that ends the folder (the root's kept).
      _ = name.initialize(fromContentsOf: bytes)
      if nameOffset == 0 { name[0] = UInt8(ascii: ".") }
      name[nameOffset == 0 ? 1 : nameOffset > 1 ? nameOffset - 1 : nameOffset] = 0
      return body(UnsafeRawPointer(name.baseAddress!).assumingMemoryBound(to: CChar.self))
    }
  }

  /// Gives the file without a name the name `finalPath`, and says whether it did. Where a file is
  /// there already, which a link cannot replace, the file takes a temporary name instead, for the
  /// rename to put it in place; where neither way of linking it is allowed, its content is copied
  /// into a temporary file: `false` either way, and `descriptor` is that named file.
  private func placeUnnamedFile() throws(TargetError) -> Bool {
    if finalPath.withCString({ Self.link(descriptor, to: $0) }) {
      close(descriptor)
      descriptor = -1
      isUnnamed = false
      return true
    }
    let code = errno
    switch code {
    case EEXIST:
      // Locked before it has a name, as every temporary file is while its writer lives; nobody
      // else can have it yet, so the lock is free.
      flock(descriptor, LOCK_EX)
      let named = try Self.openTemporaryFile(beside: finalPath, naming: descriptor)
      temporaryPath = named.path
      ticket = named.ticket
      isUnnamed = false
    case ENOENT, EPERM:
      try copyIntoNamedFile()
    default:
      throw TargetError.io(path: finalPath, operation: "move into place", code: code)
    }
    return false
  }

  /// Copies the file without a name into a new temporary file, which becomes `descriptor`: the way
  /// where no link can name it (a kernel before Linux 6.10, which lets only a privileged process
  /// link by the descriptor, without `/proc`).
  private func copyIntoNamedFile() throws(TargetError) {
    let unnamed = descriptor
    defer { close(unnamed) }
    descriptor = -1
    isUnnamed = false
    try openNamedFile()
    var chunk = [UInt8](repeating: 0, count: Self.memoryLimit)
    var offset: off_t = 0
    while true {
      let count = chunk.withUnsafeMutableBytes { pread(unnamed, $0.baseAddress, $0.count, offset) }
      if count == 0 { return }
      if count < 0, errno == EINTR { continue }
      guard count > 0, Self.writeAll(chunk[..<count], to: descriptor) else {
        throw TargetError.io(path: finalPath, operation: "write", code: errno)
      }
      offset += off_t(count)
    }
  }

  /// Gives the file without a name open on `descriptor` the name `path`, and says whether it did.
  ///
  /// By the descriptor itself (`AT_EMPTY_PATH`), which kernels before Linux 6.10 let only a
  /// privileged process do; there, by the descriptor's entry in `/proc`, which every kernel with
  /// `O_TMPFILE` follows. Whichever worked is tried first from then on.
  private static func link(_ descriptor: Int32, to path: UnsafePointer<CChar>) -> Bool {
    func link(byProc: Bool) -> Bool {
      guard byProc else { return linkat(descriptor, "", AT_FDCWD, path, emptyPathFlag) == 0 }
      return "/proc/self/fd/\(descriptor)".withCString { linkat(AT_FDCWD, $0, AT_FDCWD, path, AT_SYMLINK_FOLLOW) } == 0
    }
    if refusesLinks.load(ordering: .relaxed) {
      errno = EPERM
      return false
    }
    let byProcFirst = linksByProc.load(ordering: .relaxed)
    if link(byProc: byProcFirst) { return true }
    // Anything else than "not allowed this way" (a file at the path, no space) is the same either way.
    guard errno == ENOENT || errno == EPERM, link(byProc: !byProcFirst) else { return false }
    linksByProc.store(!byProcFirst, ordering: .relaxed)
    return true
  }

  /// Whether `link` tries `/proc` first: the way that worked last time.
  static let linksByProc = Atomic<Bool>(false)

  /// Set by tests to have `link` refused both ways, as a kernel before Linux 6.10 without `/proc`
  /// refuses it to a process without privileges.
  static let refusesLinks = Atomic<Bool>(false)

  /// Linux's `O_TMPFILE` and `AT_EMPTY_PATH` (the same on every architecture Swift runs on there),
  /// which Glibc declares only to C code built with `_GNU_SOURCE`.
  private static let unnamedFileFlag: Int32 = 0o20_000_000 | O_DIRECTORY
  private static let emptyPathFlag: Int32 = 0x1000

  private func discard() {
    defer { forgetTemporaryFile() }
    if isUnnamed {
      // Nothing has its name: closing it frees it.
      close(descriptor)
      descriptor = -1
      isUnnamed = false
      return
    }
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
  static func createParentFolders(of path: String) throws(TargetError) {
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
