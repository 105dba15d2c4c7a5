import Foundation
@_spi(Reflection) import Swift

/// Where a task type keeps its parameters, found once per type, so that reading a task's
/// parameters costs a few loads instead of a reflection walk.
///
/// `Mirror` looks up each field's type by its mangled name on every walk; at three walks per task
/// (resolving, naming, identity) that was most of the scheduling cost. The standard library's
/// field metadata (`_forEachField`, what `Mirror` reads underneath) gives each stored property's
/// name, offset and type once. Types it does not describe (classes) are read with `Mirror`,
/// superclasses included.
package struct ParameterLayout: Sendable {
  private struct Field: Sendable {
    let name: String
    let offset: Int
    let type: any ParameterField.Type
  }

  /// The parameter fields in declaration order, or `nil` to read the type with `Mirror`.
  private let fields: [Field]?
  /// Whether the engine can make a changed copy of a task of this type: true for structs. A class
  /// instance is shared by reference, so a run could not give it values of its own.
  var isValueType: Bool { fields != nil }
  /// Whether the type stores anything besides parameters (always assumed for classes), which
  /// could make two tasks with the same parameters differ.
  package let hasOtherStoredProperties: Bool

  private static let layouts = TypeCache<ParameterLayout>()

  /// The layout of `type`, worked out on first use.
  package static func of(_ type: any PipelineTask.Type) -> ParameterLayout {
    layouts.value(for: type) { ParameterLayout(type) }
  }

  private init(_ type: any PipelineTask.Type) {
    var fields: [Field] = []
    var storedCount = 0
    let described = _forEachField(of: type) { name, offset, fieldType, _ in
      storedCount += 1
      let label = String(cString: name)
      if label.hasPrefix("_"), let parameterType = fieldType as? any ParameterField.Type {
        fields.append(Field(name: String(label.dropFirst()), offset: offset, type: parameterType))
      }
      return true
    }
    // A parameter may carry the name Luigi gives it; the declared value says so for every instance.
    if described, !fields.isEmpty {
      func names<T: PipelineTask>(_: T.Type) -> [String?] {
        withUnsafeBytes(of: T()) { bytes in fields.map { $0.type.read(at: bytes.baseAddress! + $0.offset).luigiName } }
      }
      fields = zip(fields, names(type)).map { field, name in
        Field(name: name ?? field.name, offset: field.offset, type: field.type)
      }
    }
    self.fields = described ? fields : nil
    hasOtherStoredProperties = !described || storedCount > fields.count
  }

  /// The parameters of `task`, by name (the property's, or Luigi's where it differs), in declaration order.
  func parameters<T: PipelineTask>(of task: T) -> [(name: String, parameter: any AnyParameter)] {
    guard let fields else { return Self.reflectedParameters(of: task) }
    if fields.isEmpty { return [] }
    return withUnsafeBytes(of: task) { bytes in
      var parameters: [(name: String, parameter: any AnyParameter)] = []
      parameters.reserveCapacity(fields.count)
      for field in fields {
        parameters.append((field.name, field.type.read(at: bytes.baseAddress! + field.offset)))
      }
      return parameters
    }
  }

  /// The significant parameters of `task` as its ``TaskInfo`` lists them, read where the task
  /// stores them rather than copied out one by one; `nil` for a type read with `Mirror`.
  func significantValues<T: PipelineTask>(of task: T) -> [TaskInfo.NamedValue]? {
    guard let fields else { return nil }
    if fields.isEmpty { return [] }
    return withUnsafeBytes(of: task) { bytes in
      var values: [TaskInfo.NamedValue] = []
      values.reserveCapacity(fields.count)
      for field in fields {
        guard let identity = field.type.identity(at: bytes.baseAddress! + field.offset) else { continue }
        values.append(TaskInfo.NamedValue(name: field.name, value: identity.text, successor: identity.successor))
      }
      return values
    }
  }

  /// A copy of `task` in which `change` may replace each parameter (returning `nil` keeps it).
  ///
  /// - Precondition: ``isValueType``; for other types `task` is returned unchanged.
  package func updating<T: PipelineTask>(
    _ task: T, _ change: (_ name: String, _ parameter: any AnyParameter) throws -> (any AnyParameter)?
  ) rethrows -> T {
    try changingFields(of: task) { field, address in
      if let changed = try change(field.name, field.type.read(at: address)) { changed.store(at: address) }
    }
  }

  /// A copy of `task` with its parameters resolved for a run: a parameter that `defaultText` does
  /// not know (it returns `nil`), or that is resolved already, stays as it is; one whose value was
  /// set in code (anything but its declared default, whose text `defaultText` gives) is marked
  /// resolved where it is stored; `change` may replace the others (returning `nil` keeps one).
  ///
  /// The same as ``updating(_:_:)`` with those rules in `change`, without copying each parameter out
  /// and back: a requirement made with its values in `requires()`, the common case, is resolved
  /// so for every task a run meets.
  ///
  /// - Precondition: ``isValueType``; for other types `task` is returned unchanged.
  package func resolving<T: PipelineTask>(
    _ task: T, defaultText: (_ name: String) -> String??,
    _ change: (_ name: String, _ parameter: any AnyParameter) throws -> (any AnyParameter)?
  ) rethrows -> T {
    try changingFields(of: task) { field, address in
      guard let declaredDefault = defaultText(field.name),
        !field.type.resolveIfSetInCode(at: address, defaultText: declaredDefault)
      else { return }
      if let changed = try change(field.name, field.type.read(at: address)) { changed.store(at: address) }
    }
  }

  /// A copy of `task` on whose stored parameters `body` works in place, one field at a time.
  private func changingFields<T: PipelineTask>(
    of task: T, _ body: (Field, UnsafeMutableRawPointer) throws -> Void
  ) rethrows -> T {
    guard let fields, !fields.isEmpty else { return task }
    var copy = task
    try withUnsafeMutableBytes(of: &copy) { bytes in
      for field in fields { try body(field, bytes.baseAddress! + field.offset) }
    }
    return copy
  }

  /// A class's parameters, its superclasses' first: a mirror lists only the properties the class
  /// itself declares, and keeps those it inherits in its superclass mirror.
  private static func reflectedParameters(of task: any PipelineTask) -> [(name: String, parameter: any AnyParameter)] {
    var mirrors: [Mirror] = []
    var next: Mirror? = Mirror(reflecting: task)
    while let mirror = next {
      mirrors.append(mirror)
      next = mirror.superclassMirror
    }
    return mirrors.reversed().flatMap { mirror in
      mirror.children.compactMap { child -> (name: String, parameter: any AnyParameter)? in
        guard let label = child.label, label.hasPrefix("_"),
          let parameter = child.value as? any AnyParameter
        else { return nil }
        return (parameter.luigiName ?? String(label.dropFirst()), parameter)
      }
    }
  }
}

/// A ``Parameter`` type that can be read from where a task stores it.
protocol ParameterField: Sendable {
  static func read(at address: UnsafeRawPointer) -> any AnyParameter

  /// The text of the parameter at `address` and of the next value in order, or `nil` when the
  /// parameter is not significant (not part of the task's identity).
  static func identity(at address: UnsafeRawPointer) -> (text: String, successor: String?)?

  /// Marks the parameter at `address` resolved if its value was set in code (see
  /// ``AnyParameter/isSetInCode(defaultText:)``); returns whether it is resolved now.
  static func resolveIfSetInCode(at address: UnsafeMutableRawPointer, defaultText: String?) -> Bool
}

extension Parameter: ParameterField {
  static func read(at address: UnsafeRawPointer) -> any AnyParameter {
    address.load(as: Self.self)
  }

  static func identity(at address: UnsafeRawPointer) -> (text: String, successor: String?)? {
    let parameter = address.assumingMemoryBound(to: Self.self)
    guard parameter.pointee.isSignificant else { return nil }
    return (parameter.pointee.text, parameter.pointee.successorText)
  }

  static func resolveIfSetInCode(at address: UnsafeMutableRawPointer, defaultText: String?) -> Bool {
    let parameter = address.assumingMemoryBound(to: Self.self)
    if parameter.pointee.isResolved { return true }
    guard parameter.pointee.isSetInCode(defaultText: defaultText) else { return false }
    parameter.pointee.origin = .resolved
    return true
  }
}
