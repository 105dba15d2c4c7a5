import Foundation
import PlumbCore

/// Where ``ObjectStoreTarget``s keep their objects: named buckets holding objects under keys, as in
/// S3. Plumb ships a folder on disk (``FolderObjectStore``); conform your own type to add a backend.
///
/// Every backend must keep Plumb's promise of nothing half-written: an object appears under its key
/// only once ``write(bucket:key:_:)`` has all of it, and a write that throws leaves no object. The
/// folder store does this with ``LocalTarget``'s temporary file and rename. An S3-style backend gets
/// it from the service: let `body` write into a temporary ``LocalTarget``, then send that file in one
/// `PUT`, which S3 stores whole or not at all.
///
/// ```swift
/// let store: any ObjectStore = .folder("/srv/plumb-store")
/// try store.write(bucket: "models", key: "iris/model.json") { file in file.write(json) }
/// let model = try store.read(bucket: "models", key: "iris/model.json")
/// ```
public protocol ObjectStore: Sendable, CustomStringConvertible {
  /// Whether an object is stored under `key` in `bucket`.
  ///
  /// - Throws: when the store cannot tell, such as an unreachable server or an unusable key.
  func exists(bucket: String, key: String) throws -> Bool

  /// The object's bytes.
  func read(bucket: String, key: String) throws -> Data

  /// Hands the object's bytes to `receive` piece by piece, in order, as they arrive, so that a large
  /// object need not fit in memory; a store that cannot stream hands it over whole (the default).
  ///
  /// ```swift
  /// try store.read(bucket: "models", key: "big.bin") { piece in file.write(piece) }
  /// ```
  func read(bucket: String, key: String, into receive: (Data) throws -> Void) throws

  /// Stores what `body` writes as the object, replacing any earlier one, all at once or not at all.
  func write(bucket: String, key: String, _ body: (OutputFile) throws -> Void) throws

  /// Deletes the object; deleting a missing object is not an error.
  func remove(bucket: String, key: String) throws
}

extension ObjectStore {
  /// Hands the whole object to `receive` at once: the default for a store that cannot stream.
  public func read(bucket: String, key: String, into receive: (Data) throws -> Void) throws {
    try receive(read(bucket: bucket, key: key))
  }
}
