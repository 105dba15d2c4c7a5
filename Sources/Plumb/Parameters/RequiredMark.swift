#if canImport(Glibc)
  import Glibc
#endif

/// Carries "this parameter is required" from `= .required` to the ``Parameter`` it initializes.
///
/// A property wrapper's initial value must have the property's own type, so `.required` has to be
/// a value of that type, and no value of the type can stand for "none" without making a real value
/// illegal (`Int.min`, an empty string). Instead, reading ``RequirableParameterValue/required``
/// raises a mark on the current thread, and `Parameter.init(wrappedValue:)`, which Swift calls
/// right after evaluating its argument on the same thread, takes it down. A mark left by reading
/// `.required` anywhere else is taken down by the next parameter's initializer only if that
/// parameter was given the placeholder itself, so a real value is never taken for "required".
enum RequiredMark {
  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()

  static func set() {
    // Any non-null pointer will do: the mark carries no data.
    pthread_setspecific(key, UnsafeMutableRawPointer(bitPattern: 1))
  }

  /// Whether the mark was raised on this thread since the last call; lowers it.
  static func take() -> Bool {
    guard pthread_getspecific(key) != nil else { return false }
    pthread_setspecific(key, nil)
    return true
  }
}
