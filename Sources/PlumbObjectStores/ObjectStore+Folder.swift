import Foundation
import PlumbCore

/// An ``ObjectStore`` in a folder on disk: bucket `models`, key `iris/model.json` is the file
/// `ROOT/models/iris/model.json`. Plumb's default backend, set in the config file:
///
/// ```ini
/// [object_store]
/// root = store
/// ```
///
/// Objects are written through ``LocalTarget``, so they appear whole or not at all.
public struct FolderObjectStore: ObjectStore, Hashable, Sendable {
  /// The absolute path of the folder holding the buckets.
  public let root: String

  /// A store in the folder `root`; a relative path resolves as a ``LocalTarget`` path does,
  /// against the run's working folder.
  public init(root: String) {
    self.root = LocalTarget(root).path
  }

  /// `folder store <root>`, for messages.
  public var description: String { "folder store \(root)" }

  /// The file that holds the object.
  ///
  /// - Throws: ``ObjectStoreError`` when the bucket name breaks S3's rules, or the key has parts a
  ///   path cannot hold faithfully (empty, `.`, `..`, a leading `/`).
  public func path(bucket: String, key: String) throws -> String {
    try Self.check(bucket: bucket)
    try Self.check(key: key)
    return root + "/" + bucket + "/" + key
  }

  /// Whether the object's file is in place.
  public func exists(bucket: String, key: String) throws -> Bool {
    var isFolder: ObjCBool = false
    let found = FileManager.default.fileExists(atPath: try path(bucket: bucket, key: key), isDirectory: &isFolder)
    return found && !isFolder.boolValue
  }

  /// The object's bytes.
  public func read(bucket: String, key: String) throws -> Data {
    try LocalTarget(path(bucket: bucket, key: key)).readData()
  }

  /// Writes the object's file atomically, as ``LocalTarget``'s `write { file in … }` does.
  public func write(bucket: String, key: String, _ body: (OutputFile) throws -> Void) throws {
    try LocalTarget(path(bucket: bucket, key: key)).write(body)
  }

  /// Deletes the object's file if it exists.
  public func remove(bucket: String, key: String) throws {
    try LocalTarget(path(bucket: bucket, key: key)).remove()
  }

  static func check(bucket: String) throws {
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
    guard (3...63).contains(bucket.count), bucket.allSatisfy(allowed.contains),
      let first = bucket.first, let last = bucket.last,
      first != "." && first != "-", last != "." && last != "-", !bucket.contains("..")
    else { throw ObjectStoreError.invalidBucket(bucket) }
  }

  private static func check(key: String) throws {
    guard !key.isEmpty else { throw ObjectStoreError.invalidKey(key, reason: "a key cannot be empty") }
    guard key.utf8.count <= 1024 else {
      throw ObjectStoreError.invalidKey(key, reason: "a key is at most 1024 bytes long")
    }
    guard !key.contains("\0") else {
      throw ObjectStoreError.invalidKey(key, reason: "a key cannot contain a NUL character")
    }
    let parts = key.split(separator: "/", omittingEmptySubsequences: false)
    guard !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
      throw ObjectStoreError.invalidKey(
        key, reason: "a folder store needs keys like 'models/iris.json', without empty, '.' or '..' parts")
    }
  }
}

extension ObjectStore where Self == FolderObjectStore {
  /// A store in the folder `root`.
  ///
  /// ```swift
  /// ObjectStoreTarget(bucket: "models", key: "iris.json", store: .folder("store"))
  /// ```
  public static func folder(_ root: String) -> FolderObjectStore {
    FolderObjectStore(root: root)
  }
}
