import Foundation

/// The `[object_store]` section of the config file, which picks the backend of
/// ``ObjectStoreTarget``s that are not given a store:
///
/// ```ini
/// [object_store]
/// backend = folder   ; the only backend so far, and the default
/// root = store       ; relative to the run's working folder; default object-store
/// ```
///
/// A new backend (S3, say) adds a `backend` value and its own keys here.
enum ObjectStoreSettings {
  static let section = "object_store"
  static let defaultRoot = "object-store"

  /// The store the configuration describes.
  static func store(from configuration: Configuration) throws -> any ObjectStore {
    let backend = configuration.value(section: section, key: "backend")?.lowercased() ?? "folder"
    switch backend {
    case "folder":
      let root = configuration.value(section: section, key: "root") ?? defaultRoot
      guard !root.isEmpty else { throw problem("root must name a folder", in: configuration) }
      return FolderObjectStore(root: root)
    default:
      throw problem("backend '\(backend)' is not supported; use backend = folder", in: configuration)
    }
  }

  private static func problem(_ text: String, in configuration: Configuration) -> ConfigurationError {
    ConfigurationError(source: configuration.files.last ?? "config", line: nil, problem: "[\(section)] \(text)")
  }
}
