import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbCore

#if canImport(Glibc)
  import Glibc
#endif

final class OutputFileTests: XCTestCase {
  // MARK: - Names as long as the file system takes

  func testNamesUpToTheLongestTheFileSystemTakesAreWritten() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    // "é" is two bytes: a shortened temporary name must not cut one in half.
    let names =
      [240, 250, 255].map { String(repeating: "n", count: $0 - 4) + ".txt" } + [
        String(repeating: "é", count: 127) + "x"
      ]
    for name in names {
      XCTAssertLessThanOrEqual(name.utf8.count, 255)
      let target = LocalTarget(folder.path(of: name))
      try target.write { file in
        file.writeLine(name)
        file.write(Data(repeating: 7, count: 100_000))
      }
      XCTAssertEqual(try target.readData(), Data((name + "\n").utf8) + Data(repeating: 7, count: 100_000))
    }
    XCTAssertEqual(folder.files(), names.sorted(), "no temporary file may be left")
  }

  func testANameLongerThanTheFileSystemTakesFailsBeforeWriting() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: String(repeating: "n", count: 256)))
    XCTAssertFalse(try target.exists(), "no file can have that name, so the task runs and its write says why")
    var bodyRan = false
    XCTAssertThrowsError(try target.write { _ in bodyRan = true }) { error in
      XCTAssertEqual("\(error)", "could not create \(target.path): File name too long")
    }
    XCTAssertFalse(bodyRan)
    XCTAssertEqual(folder.files(), [])
  }

  // MARK: - Files without a name on the way

  func testASmallFileIsLinkedByTheDescriptorAndWhereThatIsRefusedByItsEntryInProc() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "out.txt"))
    let first = OutputFile.linksByProc.load(ordering: .relaxed)
    defer { OutputFile.linksByProc.store(first, ordering: .relaxed) }

    // Kernels before Linux 6.10 refuse the first way to a process without privileges; this one
    // takes both, so each is tried here on its own.
    for byProc in [false, true] {
      OutputFile.linksByProc.store(byProc, ordering: .relaxed)
      try? target.remove()
      try target.write("by proc: \(byProc)\n")
      XCTAssertEqual(folder.contents(of: "out.txt"), "by proc: \(byProc)\n")
      XCTAssertEqual(OutputFile.linksByProc.load(ordering: .relaxed), byProc, "the way tried first worked")
    }
    XCTAssertEqual(folder.files(), ["out.txt"])
  }

  func testAFileOfAnySizeHasNoNameUntilItIsInPlace() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let large = String(repeating: "x", count: 200_000)
    for before in [nil, "old\n"] {
      for content in ["", "small\n", large] {
        try? FileManager.default.removeItem(atPath: folder.path(of: "out.txt"))
        if let before { try folder.write(before, to: "out.txt") }
        var namesWhileWriting: [String] = []
        try OutputFile.write(to: folder.path(of: "out.txt")) { file in
          file.write(content)
          namesWhileWriting = folder.files()
          XCTAssertEqual(folder.contents(of: "out.txt"), before, "the final file must not change while writing")
        }
        XCTAssertEqual(namesWhileWriting, before == nil ? [] : ["out.txt"], "no name before the end")
        XCTAssertEqual(folder.contents(of: "out.txt"), content)
        XCTAssertEqual(folder.files(), ["out.txt"])
      }
    }
  }

  func testWhereNoLinkCanNameAFileWithoutANameItsContentIsCopiedToATemporaryFileAndRenamed() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "out.txt"))
    OutputFile.refusesLinks.store(true, ordering: .relaxed)
    defer { OutputFile.refusesLinks.store(false, ordering: .relaxed) }

    // New and replaced, empty, small and larger than the copy's chunks, each whole.
    let contents = ["", "small\n", String(repeating: "0123456789", count: 20_000)]
    for content in contents + contents {
      try target.write(content)
      XCTAssertEqual(try target.read(), content)
      XCTAssertEqual(folder.files(), ["out.txt"], "no temporary file may be left")
    }
  }

  func testWritersOfOneFileAtOnceEachPutAWholeFileInPlaceAndLeaveNoTemporaryFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "out.txt"))
    // Small files go in place by a link, which finds the file there for all but the first writer
    // and sends the others the temporary-file way, among the live temporary files of the others;
    // the last writer's file is larger than a write keeps in memory, so it goes that way throughout.
    let contents = (0..<8).map { writer in String(repeating: "\(writer)", count: writer == 7 ? 70_000 : 10 + writer) }
    let problems = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: contents.count) { writer in
      for _ in 0..<50 {
        do {
          try target.write(contents[writer])
          let found = try target.read()
          if !contents.contains(found) {
            problems.withLock { $0.append("read \(found.utf8.count) bytes, not a whole file") }
          }
        } catch {
          problems.withLock { $0.append("writer \(writer): \(error)") }
        }
      }
    }
    XCTAssertEqual(problems.withLock { $0 }, [])
    XCTAssertEqual(folder.files(), ["out.txt"], "no temporary file may be left")
    XCTAssertTrue(contents.contains(try target.read()))
  }

  func testASmallFileAtAFolderPathFailsAsAFolderAndLeavesNothing() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertEqual(mkdir(folder.path(of: "out.txt"), 0o755), 0)
    let target = LocalTarget(folder.path(of: "out.txt"))
    XCTAssertThrowsError(try target.write("small")) { error in
      XCTAssertEqual(error as? TargetError, .isFolder(path: target.path))
    }
    XCTAssertEqual(folder.listing(), ["out.txt"])
  }

  // MARK: - A write that fails

  func testWritesAfterAFailedWriteKeepNothingAndTheFirstErrorIsThrown() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    let full = open("/dev/full", O_WRONLY | O_CLOEXEC)
    XCTAssertGreaterThanOrEqual(full, 0, "cannot open /dev/full")
    let finalPath = folder.path(of: "out.txt")
    let file = try OutputFile(
      finalPath: finalPath, temporaryPath: folder.path(of: "out.txt-plumb-tmp-0"), descriptor: full)
    let line = String(repeating: "x", count: 999)

    var mostBuffered = 0
    for _ in 0..<100 { file.writeLine(line) }  // 100 kB: the first flush, at 64 KiB, fails
    for _ in 0..<1_000 {
      file.writeLine(line)
      file.write(line)
      file.write(Data(line.utf8))
      mostBuffered = max(mostBuffered, file.bufferedByteCount)
    }

    XCTAssertEqual(mostBuffered, 0, "writes after the failure must not pile up in memory")
    XCTAssertThrowsError(try file.commit()) { error in
      XCTAssertEqual("\(error)", "could not write \(finalPath): No space left on device")
    }
    XCTAssertEqual(folder.files(), [])
  }

  // MARK: - Late write errors

  func testOnlyFileSystemsNotKnownToBeLocalCloseBeforeTheRename() throws {
    // A mount of a local kind from this machine's own table (fields: id, parent, device, root,
    // mount point, options, tags, "-", type): every Linux machine mounts tmpfs or ext4 somewhere.
    let table = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
    let local = table.split(separator: "\n").compactMap { line -> String? in
      let fields = line.split(separator: " ")
      guard let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count, fields.count > 4,
        ["tmpfs", "ext4"].contains(fields[dash + 1])
      else { return nil }
      return String(fields[4])
    }
    let mountPoint = try XCTUnwrap(local.first, "no tmpfs or ext4 mount in /proc/self/mountinfo:\n\(table)")
    var info = stat()
    XCTAssertEqual(stat(mountPoint, &info), 0, mountPoint)
    XCTAssertFalse(OutputFile.closeMayReportErrors(on: UInt64(info.st_dev)), "\(mountPoint) is local")
    // No file system is mounted from major 4095, minor 1048575: unknown, so close may fail there.
    XCTAssertTrue(OutputFile.closeMayReportErrors(on: 0xFFFF_FFFF_FFFF_FFFF))
  }

  // MARK: - Temporary files left over by writers that died

  func testLeftoverTemporaryFilesOfDeadWritersGoAtTheNextWriteThatReplacesTheFileAndLiveOnesStay() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    for number in [0, 1, 3] { try folder.write("dead \(number)", to: "out.txt-plumb-tmp-\(number)") }
    try folder.write("live", to: "out.txt-plumb-tmp-2")
    // A writer holds the lock on its temporary file for as long as it writes it.
    let live = open(folder.path(of: "out.txt-plumb-tmp-2"), O_RDONLY | O_CLOEXEC)
    XCTAssertGreaterThanOrEqual(live, 0)
    defer { close(live) }
    XCTAssertEqual(flock(live, LOCK_EX | LOCK_NB), 0)
    // Not the temporary files of out.txt.
    let others = ["other.txt-plumb-tmp-0", "out.txt-plumb-tmp-1x", "out.txt-plumb-tmp-", "out.txt-plumb-tmp-01"]
    for name in others { try folder.write("not a leftover", to: name) }
    let leftovers = ["out.txt-plumb-tmp-0", "out.txt-plumb-tmp-1", "out.txt-plumb-tmp-3"]
    let target = LocalTarget(folder.path(of: "out.txt"))

    // A new file takes no temporary name, and looks for no leftover.
    try target.write("new")
    XCTAssertEqual(folder.files(), (others + leftovers + ["out.txt", "out.txt-plumb-tmp-2"]).sorted())

    // Replacing it takes one, and the dead writers' go.
    try target.write("newer")

    XCTAssertEqual(folder.contents(of: "out.txt"), "newer")
    XCTAssertEqual(folder.contents(of: "out.txt-plumb-tmp-2"), "live")
    XCTAssertEqual(folder.files(), (others + ["out.txt", "out.txt-plumb-tmp-2"]).sorted())
  }

  func testALeftoverAboveAFreeNumberZeroGoesWithTheFirstWriteThatMeetsATemporaryFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "out.txt"))
    try folder.write("dead 1", to: "out.txt-plumb-tmp-1")

    // Number 0 is free: the gap is there, and the write looks no further.
    try target.write("first")
    XCTAssertEqual(folder.files(), ["out.txt", "out.txt-plumb-tmp-1"])

    try folder.write("dead 0", to: "out.txt-plumb-tmp-0")
    try target.write("second")

    XCTAssertEqual(folder.contents(of: "out.txt"), "second")
    XCTAssertEqual(folder.files(), ["out.txt"])
  }

  func testALeftoverOfALongNameGoesAtTheNextWriteThatReplacesTheFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let name = String(repeating: "n", count: 250)
    // 234 bytes of the name leave room for "-plumb-tmp-" and a number of up to 10 digits.
    let leftover = String(name.prefix(234)) + "-plumb-tmp-0"
    try folder.write("dead", to: leftover)
    try folder.write("old", to: name)

    try LocalTarget(folder.path(of: name)).write("new")

    XCTAssertEqual(folder.contents(of: name), "new")
    XCTAssertEqual(folder.files(), [name])
  }

  func testAWriteInsideAnotherWriteOfTheSameFileLeavesTheOuterOnesTemporaryFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "out.txt"))

    try target.write { outer in
      outer.write("outer")
      try target.write("inner")
      XCTAssertEqual(folder.contents(of: "out.txt"), "inner")
    }

    XCTAssertEqual(folder.contents(of: "out.txt"), "outer")
    XCTAssertEqual(folder.files(), ["out.txt"])
  }
}
