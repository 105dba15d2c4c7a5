import Foundation
import PlumbCore
import PlumbNetwork

/// An object in an object store, named by a bucket and a key: the output of an "upload" step.
///
/// It behaves like ``LocalTarget``: it exists once written, and a write appears whole or not at
/// all. Unless given a store, it uses the one the run's config file describes in `[object_store]`
/// (by default a folder, `object-store`, in the run's working folder):
///
/// ```ini
/// [object_store]
/// root = store
/// ```
///
/// ```swift
/// struct UploadModel: PipelineTask {
///     func requires() -> TrainModel { TrainModel() }
///     func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "models", key: "iris.json") }
///     func run() throws { try output().upload(input()) }
/// }
/// ```
///
/// A store that cannot be used (a bad `[object_store]` section, an invalid bucket or key, a backend
/// that cannot be reached) makes ``exists()`` and every read or write throw a one-line error naming
/// the problem, so its task fails scheduling with that reason instead of running as if the object
/// were missing. Reading text and lines and writing text or data come from ``ReadableTarget`` and
/// ``WritableTarget``.
public struct ObjectStoreTarget: ReadableTarget, WritableTarget, Sendable {
  /// The bucket holding the object.
  public let bucket: String
  /// The object's key in the bucket, such as `iris/model.json`.
  public let key: String
  private let store: Result<any ObjectStore, any Error>

  /// The object `key` in `bucket`, in the store configured for the run.
  ///
  /// With `[object_store] bucket = name` in the config file, the object goes to that bucket
  /// instead of `bucket`: one deployment, one bucket.
  public init(bucket: String, key: String) {
    let configuration = Result {
      try RunContext.current?.configuration ?? Configuration.load(in: FileManager.default.currentDirectoryPath)
    }
    self.bucket = (try? configuration.get()).flatMap(ObjectStoreSettings.bucket(from:)) ?? bucket
    self.key = key
    store = configuration.flatMap { configuration in Result { try ObjectStoreSettings.store(from: configuration) } }
  }

  /// The object `key` in `bucket` of `store`.
  public init(bucket: String, key: String, store: any ObjectStore) {
    self.bucket = bucket
    self.key = key
    self.store = .success(store)
  }

  /// `bucket/key in <store>`, such as `models/iris.json in folder store /work/run/store`.
  public var description: String {
    switch store {
    case .success(let store): return "\(bucket)/\(key) in \(store)"
    case .failure: return "\(bucket)/\(key) in an unusable object store"
    }
  }

  /// Whether the object is stored.
  ///
  /// - Throws: the store's error when it cannot tell: a bad `[object_store]` section, an invalid
  ///   bucket or key, an unreachable backend.
  public func exists() throws -> Bool {
    try store.get().exists(bucket: bucket, key: key)
  }

  /// The whole object as bytes; ``ReadableTarget`` builds `read()` and `lines()` on it.
  public func readData() throws -> Data {
    try store.get().read(bucket: bucket, key: key)
  }

  /// Stores what `body` writes as the object, atomically. If `body` throws, nothing is stored.
  ///
  /// ``WritableTarget`` builds `write(_:)` of text and data on it.
  public func write(_ body: (OutputFile) throws -> Void) throws {
    try store.get().write(bucket: bucket, key: key, body)
  }

  /// Stores a copy of a local file as the object, atomically. The file is copied in pieces of 1 MB,
  /// so a large one is never held in memory.
  public func upload(_ file: LocalTarget) throws {
    guard let handle = FileHandle(forReadingAtPath: file.path) else {
      // readData() says why (missing, a folder, no permission) in the target's own words.
      _ = try file.readData()
      throw TargetError.unreadable(path: file.path, reason: "cannot be opened")
    }
    defer { try? handle.close() }
    try write { output in
      while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty { output.write(piece) }
    }
  }

  /// Saves a copy of the object as a local file, atomically, piece by piece as it arrives (from an
  /// S3 store over `http://`; other stores hand it over whole), so a large object is never held in
  /// memory. If the download fails, the file is left as it was.
  ///
  /// ```swift
  /// try ObjectStoreTarget(bucket: "models", key: "big.bin").download(to: LocalTarget("big.bin"))
  /// ```
  public func download(to file: LocalTarget) throws {
    let store = try store.get()
    try file.write { output in
      try store.read(bucket: bucket, key: key) { output.write($0) }
    }
  }

  /// Deletes the object if it exists.
  public func remove() throws {
    try store.get().remove(bucket: bucket, key: key)
  }
}
