import Foundation
import PlumbCore

/// The `[object_store]` section of the config file, which picks the backend of
/// ``ObjectStoreTarget``s that are not given a store:
///
/// ```ini
/// [object_store]
/// backend = folder   ; the default
/// root = store       ; relative to the run's working folder; default object-store
/// ```
///
/// or an S3-compatible server (``S3ObjectStore``); each key left out is read from the usual AWS
/// variable named beside it:
///
/// ```ini
/// [object_store]
/// backend = s3
/// endpoint = http://127.0.0.1:5000   ; AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL
/// region = us-east-1                 ; AWS_REGION, AWS_DEFAULT_REGION; default us-east-1
/// access_key_id = AKIA…              ; AWS_ACCESS_KEY_ID
/// secret_access_key = …              ; AWS_SECRET_ACCESS_KEY
/// session_token = …                  ; AWS_SESSION_TOKEN, for temporary credentials only
/// bucket = team-models               ; optional: every target's objects go to this bucket
/// max_attempts = 3                   ; AWS_MAX_ATTEMPTS: tries of a request a server error may take
/// ca_bundle = /etc/ssl/team-ca.pem    ; AWS_CA_BUNDLE: the authorities of an https:// endpoint;
///                                    ; default the system's
/// ```
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
    case "s3":
      return try s3Store(from: configuration, environment: ProcessInfo.processInfo.environment)
    default:
      throw problem("backend '\(backend)' is not supported; use backend = folder or backend = s3", in: configuration)
    }
  }

  /// The bucket that replaces the one each target names, when `[object_store] bucket` is set.
  static func bucket(from configuration: Configuration) -> String? {
    configuration.value(section: section, key: "bucket").flatMap { $0.isEmpty ? nil : $0 }
  }

  static func s3Store(from configuration: Configuration, environment: [String: String]) throws -> S3ObjectStore {
    func setting(_ key: String, _ variables: [String]) -> String? {
      let value = configuration.value(section: section, key: key) ?? variables.lazy.compactMap { environment[$0] }.first
      return value.flatMap { $0.isEmpty ? nil : $0 }
    }
    guard let address = setting("endpoint", ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]) else {
      throw problem("backend = s3 needs endpoint = http://host:port (or AWS_ENDPOINT_URL)", in: configuration)
    }
    guard let endpoint = URL(string: address), let scheme = endpoint.scheme?.lowercased(),
      scheme == "http" || scheme == "https", endpoint.host?.isEmpty == false
    else { throw problem("endpoint must be an http:// or https:// URL, not '\(address)'", in: configuration) }
    guard let accessKey = setting("access_key_id", ["AWS_ACCESS_KEY_ID"]) else {
      throw problem("backend = s3 needs access_key_id (or AWS_ACCESS_KEY_ID)", in: configuration)
    }
    guard let secretKey = setting("secret_access_key", ["AWS_SECRET_ACCESS_KEY"]) else {
      throw problem("backend = s3 needs secret_access_key (or AWS_SECRET_ACCESS_KEY)", in: configuration)
    }
    let region = setting("region", ["AWS_REGION", "AWS_DEFAULT_REGION"]) ?? "us-east-1"
    let credentials = S3Credentials(
      accessKey: accessKey, secretKey: secretKey, sessionToken: setting("session_token", ["AWS_SESSION_TOKEN"]))
    var store = S3ObjectStore(endpoint: endpoint, region: region, credentials: credentials)
    store.caBundle = setting("ca_bundle", ["AWS_CA_BUNDLE"])
    if let text = setting("max_attempts", ["AWS_MAX_ATTEMPTS"]) {
      guard let attempts = Int(text), (1...100).contains(attempts) else {
        throw problem("max_attempts must be a whole number from 1 to 100, not '\(text)'", in: configuration)
      }
      store.maximumAttempts = attempts
    }
    return store
  }

  private static func problem(_ text: String, in configuration: Configuration) -> ConfigurationError {
    ConfigurationError(source: configuration.files.last ?? "config", line: nil, problem: "[\(section)] \(text)")
  }
}
