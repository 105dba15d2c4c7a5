import Foundation
import PlumbCore

/// The parameter of a task that receives each date of a range or each interval of a schedule:
/// found by its type (``Day``, ``DateHour``, ``Month`` or ``DataInterval``) or by the name given
/// as `param_name`, and filled with the interval's logical date or with the interval itself.
struct DateParameterSlot: Sendable {
  /// What a parameter can receive.
  enum Kind: Sendable, CaseIterable {
    case day, hour, month, interval

    var typeName: String {
      switch self {
      case .day: return "Day"
      case .hour: return "DateHour"
      case .month: return "Month"
      case .interval: return "DataInterval"
      }
    }

    /// The kind of a parameter, if it holds a date (an optional one too).
    init?(_ parameter: any AnyParameter) {
      switch parameter {
      case is Parameter<Day>, is Parameter<Day?>: self = .day
      case is Parameter<DateHour>, is Parameter<DateHour?>: self = .hour
      case is Parameter<Month>, is Parameter<Month?>: self = .month
      case is Parameter<DataInterval>, is Parameter<DataInterval?>: self = .interval
      default: return nil
      }
    }

    /// The text the parameter gets for `interval`.
    func text(for interval: DataInterval) -> String {
      switch self {
      case .day: return interval.logicalDay.parameterText
      case .hour: return DateHour(interval.start).parameterText
      case .month: return Month(interval.logicalDay).parameterText
      case .interval: return interval.parameterText
      }
    }
  }

  let type: any PipelineTask.Type
  let name: String
  let kind: Kind

  /// The slot of `type`: the parameter called `name` when one is given, else its only parameter
  /// of one of `kinds`.
  ///
  /// - Throws: ``ScheduleError`` when there is none, several, or the named one cannot hold a date.
  init(in type: any PipelineTask.Type, named name: String?, accepting kinds: [Kind]) throws {
    let expected = kinds.map(\.typeName).joined(separator: " or ")
    let candidates = ParameterSchema.parameters(of: Self.make(type)).compactMap { entry -> (String, Kind)? in
      guard let kind = Kind(entry.parameter), kinds.contains(kind) else { return nil }
      return (entry.name, kind)
    }
    if let name, !name.isEmpty {
      guard let found = candidates.first(where: { ParameterDeclaration.isSameKey($0.0, name) }) else {
        throw ScheduleError.unusableDateParameter(family: type.family, name: name, expected: expected)
      }
      (self.name, kind) = found
    } else {
      guard let first = candidates.first else {
        throw ScheduleError.noDateParameter(family: type.family, expected: expected)
      }
      guard candidates.count == 1 else {
        throw ScheduleError.ambiguousDateParameter(family: type.family, candidates: candidates.map(\.0))
      }
      (self.name, kind) = first
    }
    self.type = type
  }

  /// A task of the slot's type, its other parameters at their defaults (the run fills them from
  /// family flags and the config file), this one set for `interval` as if in code.
  func task(for interval: DataInterval) -> any PipelineTask {
    task(for: interval, basedOn: Self.make(type))
  }

  /// `base` with this parameter set for `interval` as if in code; its other parameters as they are.
  func task(for interval: DataInterval, basedOn base: any PipelineTask) -> any PipelineTask {
    Self.setting(base, name: name, text: kind.text(for: interval))
  }

  private static func setting<T: PipelineTask>(_ task: T, name: String, text: String) -> T {
    ParameterLayout.of(T.self).updating(task) { parameterName, parameter in
      parameterName == name ? parameter.assigning(text: text) : nil
    }
  }

  /// `type.init()` through a generic function: calling it on an existential metatype crashed
  /// swift-frontend 6.3.1 in some contexts.
  static func make(_ type: any PipelineTask.Type) -> any PipelineTask {
    func make<T: PipelineTask>(_: T.Type) -> T { T() }
    return make(type)
  }
}
