/// A bucket name or object key a store cannot use, said in one line.
public enum ObjectStoreError: Error, CustomStringConvertible, Equatable {
  /// The bucket name breaks the naming rules (S3's, which every backend follows).
  case invalidBucket(String)
  /// The key cannot name an object in this store.
  case invalidKey(String, reason: String)

  /// The message, in one line.
  public var description: String {
    switch self {
    case .invalidBucket(let name):
      return
        "invalid bucket name '\(name)': use 3 to 63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit"
    case .invalidKey(let key, let reason):
      return "invalid object key '\(key)': \(reason)"
    }
  }
}
