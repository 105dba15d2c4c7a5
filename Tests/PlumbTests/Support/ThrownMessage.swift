/// The description of the error `body` throws, or `nil` when it throws none: for comparing a whole
/// error message in one assertion.
func thrownMessage(_ body: () throws -> Any) -> String? {
  do {
    _ = try body()
    return nil
  } catch {
    return "\(error)"
  }
}
