/// A message from a PostgreSQL server (protocol 3.0), decoded from its type byte and body: what
/// ``PostgresStateMachine`` acts on. Only what Plumb reads is kept of each message.
///
/// ```swift
/// let message = try PostgresBackendMessage(type: UInt8(ascii: "Z"), body: [UInt8(ascii: "I")])
/// // .readyForQuery(transactionState: UInt8(ascii: "I"))
/// ```
enum PostgresBackendMessage: Equatable, Sendable {
  /// A request of the authentication exchange, or its end (`R`).
  case authentication(Authentication)
  /// A run-time setting the server reports (`S`), such as `server_version`.
  case parameterStatus(name: String, value: String)
  /// The key to cancel this session's queries with (`K`).
  case backendKeyData(processID: Int32, secretKey: Int32)
  /// The server waits for a query (`Z`): `I` idle, `T` in a transaction, `E` in a failed one.
  case readyForQuery(transactionState: UInt8)
  /// The columns of the rows that follow (`T`), as many as there are.
  case rowDescription(columns: Int)
  /// One row (`D`), each value as text or `nil` for NULL.
  case dataRow([String?])
  /// A statement finished (`C`), with its tag such as `INSERT 0 1` or `COPY 3`.
  case commandComplete(tag: String)
  /// The query string was empty (`I`).
  case emptyQueryResponse
  /// The server reports an error (`E`).
  case error(PostgresServerNotice)
  /// The server reports a warning or a note (`N`).
  case notice(PostgresServerNotice)
  /// A `NOTIFY` this session listens to (`A`).
  case notification
  /// The server waits for the rows of a `COPY … FROM STDIN` (`G`).
  case copyInResponse
  /// The server starts sending the rows of a `COPY … TO STDOUT` (`H`).
  case copyOutResponse
  /// Rows of a `COPY … TO STDOUT` (`d`).
  case copyData
  /// The end of a `COPY … TO STDOUT` (`c`).
  case copyDone
  /// The answers to the steps of an extended query (`1` Parse, `2` Bind, `3` Close, `n` NoData,
  /// `t` ParameterDescription, `s` PortalSuspended).
  case parseComplete, bindComplete, closeComplete, noData, parameterDescription, portalSuspended
  /// A message of another type, which Plumb never asks for (CopyBothResponse, FunctionCallResponse,
  /// NegotiateProtocolVersion…).
  case other(type: UInt8)

  /// A step of the authentication exchange (the `R` message's code).
  enum Authentication: Equatable, Sendable {
    /// `0`: the server accepts the login.
    case ok
    /// `3`: send the password as it is.
    case cleartextPassword
    /// `5`: send `md5` + md5(md5(password + user) + salt).
    case md5Password(salt: [UInt8])
    /// `10`: a SASL exchange, with the mechanisms the server offers.
    case sasl(mechanisms: [String])
    /// `11`: the server's next SASL message.
    case saslContinue([UInt8])
    /// `12`: the server's last SASL message.
    case saslFinal([UInt8])
    /// Another code: Kerberos (2), SCM (6), GSSAPI (7, 8), SSPI (9).
    case unsupported(code: Int32)
  }

  /// A body too short for its type, or a field that does not end.
  struct Malformed: Error, Equatable {
    /// The type byte of the message.
    let type: UInt8
  }

  /// Decodes the message of type `type` whose body (after the length) is `body`.
  ///
  /// - Throws: ``Malformed`` when the body does not hold what its type says.
  init(type: UInt8, body: ArraySlice<UInt8>) throws(Malformed) {
    var reader = Reader(body, type: type)
    switch type {
    case UInt8(ascii: "R"):
      let code = try reader.int32()
      switch code {
      case 0: self = .authentication(.ok)
      case 3: self = .authentication(.cleartextPassword)
      case 5: self = .authentication(.md5Password(salt: Array(try reader.bytes(4))))
      case 10:
        var mechanisms: [String] = []
        while let name = try reader.cString(), !name.isEmpty { mechanisms.append(name) }
        self = .authentication(.sasl(mechanisms: mechanisms))
      case 11: self = .authentication(.saslContinue(Array(reader.rest())))
      case 12: self = .authentication(.saslFinal(Array(reader.rest())))
      default: self = .authentication(.unsupported(code: code))
      }
    case UInt8(ascii: "S"):
      self = .parameterStatus(name: try reader.string(), value: try reader.string())
    case UInt8(ascii: "K"):
      self = .backendKeyData(processID: try reader.int32(), secretKey: try reader.int32())
    case UInt8(ascii: "Z"):
      self = .readyForQuery(transactionState: try reader.bytes(1).first!)
    case UInt8(ascii: "T"):
      self = .rowDescription(columns: Int(try reader.int16()))
    case UInt8(ascii: "D"):
      let count = Int(try reader.int16())
      var row: [String?] = []
      row.reserveCapacity(count)
      for _ in 0..<count {
        let length = Int(try reader.int32())
        row.append(length < 0 ? nil : String(decoding: try reader.bytes(length), as: UTF8.self))
      }
      self = .dataRow(row)
    case UInt8(ascii: "C"):
      self = .commandComplete(tag: try reader.string())
    case UInt8(ascii: "I"): self = .emptyQueryResponse
    case UInt8(ascii: "E"): self = .error(PostgresServerNotice(fields: body))
    case UInt8(ascii: "N"): self = .notice(PostgresServerNotice(fields: body))
    case UInt8(ascii: "A"): self = .notification
    case UInt8(ascii: "G"): self = .copyInResponse
    case UInt8(ascii: "H"): self = .copyOutResponse
    case UInt8(ascii: "d"): self = .copyData
    case UInt8(ascii: "c"): self = .copyDone
    case UInt8(ascii: "1"): self = .parseComplete
    case UInt8(ascii: "2"): self = .bindComplete
    case UInt8(ascii: "3"): self = .closeComplete
    case UInt8(ascii: "n"): self = .noData
    case UInt8(ascii: "t"): self = .parameterDescription
    case UInt8(ascii: "s"): self = .portalSuspended
    default: self = .other(type: type)
    }
  }

  /// The message's name in PostgreSQL's documentation, for errors: `DataRow`, `AuthenticationOk`…
  var name: String {
    switch self {
    case .authentication(let request):
      switch request {
      case .ok: return "AuthenticationOk"
      case .cleartextPassword: return "AuthenticationCleartextPassword"
      case .md5Password: return "AuthenticationMD5Password"
      case .sasl: return "AuthenticationSASL"
      case .saslContinue: return "AuthenticationSASLContinue"
      case .saslFinal: return "AuthenticationSASLFinal"
      case .unsupported(let code): return "Authentication code \(code)"
      }
    case .parameterStatus: return "ParameterStatus"
    case .backendKeyData: return "BackendKeyData"
    case .readyForQuery: return "ReadyForQuery"
    case .rowDescription: return "RowDescription"
    case .dataRow: return "DataRow"
    case .commandComplete: return "CommandComplete"
    case .emptyQueryResponse: return "EmptyQueryResponse"
    case .error: return "ErrorResponse"
    case .notice: return "NoticeResponse"
    case .notification: return "NotificationResponse"
    case .copyInResponse: return "CopyInResponse"
    case .copyOutResponse: return "CopyOutResponse"
    case .copyData: return "CopyData"
    case .copyDone: return "CopyDone"
    case .parseComplete: return "ParseComplete"
    case .bindComplete: return "BindComplete"
    case .closeComplete: return "CloseComplete"
    case .noData: return "NoData"
    case .parameterDescription: return "ParameterDescription"
    case .portalSuspended: return "PortalSuspended"
    case .other(let type): return "type '\(Character(Unicode.Scalar(type)))'"
    }
  }

  /// Reads the fields of a body, throwing ``Malformed`` past its end.
  private struct Reader {
    let bytes: ArraySlice<UInt8>
    let type: UInt8
    var offset: Int

    init(_ bytes: ArraySlice<UInt8>, type: UInt8) {
      self.bytes = bytes
      self.type = type
      offset = bytes.startIndex
    }

    mutating func bytes(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> {
      guard count >= 0, count <= bytes.endIndex - offset else { throw Malformed(type: type) }
      defer { offset += count }
      return bytes[offset..<(offset + count)]
    }

    mutating func int32() throws(Malformed) -> Int32 {
      let raw = try bytes(4)
      return raw.reduce(0) { $0 << 8 | Int32($1) }
    }

    mutating func int16() throws(Malformed) -> Int16 {
      let raw = try bytes(2)
      return Int16(bitPattern: UInt16(raw[raw.startIndex]) << 8 | UInt16(raw[raw.startIndex + 1]))
    }

    /// A NUL-terminated string, or nil at the end of the body.
    mutating func cString() throws(Malformed) -> String? {
      guard offset < bytes.endIndex else { return nil }
      guard let end = bytes[offset...].firstIndex(of: 0) else { throw Malformed(type: type) }
      defer { offset = end + 1 }
      return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    /// A NUL-terminated string that must be there.
    mutating func string() throws(Malformed) -> String {
      guard let string = try cString() else { throw Malformed(type: type) }
      return string
    }

    mutating func rest() -> ArraySlice<UInt8> {
      defer { offset = bytes.endIndex }
      return bytes[offset...]
    }
  }
}

/// The fields of an ErrorResponse or NoticeResponse: severity, SQLSTATE code and message.
struct PostgresServerNotice: Equatable, Sendable {
  /// `ERROR`, `FATAL`, `WARNING`…: the untranslated severity (`V`), or the localized one (`S`).
  var severity: String
  /// The SQLSTATE code (`C`), such as `28P01`.
  var code: String?
  /// The primary message (`M`).
  var message: String

  /// A notice with these fields.
  init(severity: String = "ERROR", code: String?, message: String) {
    self.severity = severity
    self.code = code
    self.message = message
  }

  /// The notice in `fields`: a type byte, a C string, and so on, up to a NUL.
  init(fields body: ArraySlice<UInt8>) {
    var fields: [UInt8: String] = [:]
    var start = body.startIndex
    while start < body.endIndex, body[start] != 0 {
      let end = body[(start + 1)...].firstIndex(of: 0) ?? body.endIndex
      fields[body[start]] = String(decoding: body[(start + 1)..<end], as: UTF8.self)
      start = end + 1
    }
    severity = fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")] ?? "ERROR"
    code = fields[UInt8(ascii: "C")]
    message = fields[UInt8(ascii: "M")] ?? "(no message)"
  }
}
