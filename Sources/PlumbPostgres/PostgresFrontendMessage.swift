/// A message Plumb sends to a PostgreSQL server (protocol 3.0, "Message Formats" in PostgreSQL's
/// documentation): what ``PostgresStateMachine`` asks the connection to send, as a value a test can
/// compare, and its bytes on the wire.
///
/// ```swift
/// var bytes: [UInt8] = []
/// PostgresFrontendMessage.query("SELECT 1").encode(into: &bytes)   // "Q", length 13, "SELECT 1\0"
/// ```
enum PostgresFrontendMessage: Equatable, Sendable {
  /// Asks for TLS before anything else (SSLRequest); the server answers with one byte.
  case sslRequest
  /// Starts the session as `user` on `database`, in UTF-8 (StartupMessage, protocol 3.0).
  case startup(user: String, database: String)
  /// A password, or an MD5 hash of one (PasswordMessage).
  case password(String)
  /// The first SASL message: the mechanism chosen and the client's first message.
  case saslInitialResponse(mechanism: String, response: [UInt8])
  /// A later SASL message.
  case saslResponse([UInt8])
  /// A simple query: one or more statements, no parameters.
  case query(String)
  /// Parses `sql` as the unnamed statement, leaving the parameters' types to the server.
  case parse(String)
  /// Binds the unnamed statement's parameters, as text (`nil` is NULL), to the unnamed portal.
  case bind([String?])
  /// Runs the unnamed portal to its end.
  case execute
  /// Ends an extended query: the server answers ReadyForQuery.
  case sync
  /// Rows of a `COPY … FROM STDIN`, in COPY's text format.
  case copyData([UInt8])
  /// The end of the rows of a COPY.
  case copyDone
  /// Abandons a COPY, with the reason the server puts in its error.
  case copyFail(String)
  /// Ends the session.
  case terminate

  /// The protocol version 3.0 as the start-up message gives it.
  static let protocolVersion: Int32 = 196_608
  /// The code of SSLRequest, sent where the start-up message has its version.
  static let sslRequestCode: Int32 = 80_877_103

  /// Appends the message's bytes (type, length, body) to `bytes`.
  func encode(into bytes: inout [UInt8]) {
    switch self {
    case .sslRequest:
      Self.frame(nil, into: &bytes) { $0.append(int32: Self.sslRequestCode) }
    case .startup(let user, let database):
      Self.frame(nil, into: &bytes) { body in
        body.append(int32: Self.protocolVersion)
        for (name, value) in [("user", user), ("database", database), ("client_encoding", "UTF8")] {
          body.append(cString: name)
          body.append(cString: value)
        }
        body.append(0)
      }
    case .password(let password):
      Self.frame("p", into: &bytes) { $0.append(cString: password) }
    case .saslInitialResponse(let mechanism, let response):
      Self.frame("p", into: &bytes) { body in
        body.append(cString: mechanism)
        body.append(int32: Int32(response.count))
        body += response
      }
    case .saslResponse(let response):
      Self.frame("p", into: &bytes) { $0 += response }
    case .query(let sql):
      Self.frame("Q", into: &bytes) { $0.append(cString: sql) }
    case .parse(let sql):
      Self.frame("P", into: &bytes) { body in
        body.append(cString: "")
        body.append(cString: sql)
        body.append(int16: 0)
      }
    case .bind(let parameters):
      Self.frame("B", into: &bytes) { body in
        body.append(cString: "")
        body.append(cString: "")
        body.append(int16: 0)  // every parameter in text format
        body.append(int16: Int16(clamping: parameters.count))
        for parameter in parameters {
          if let parameter {
            body.append(int32: Int32(clamping: parameter.utf8.count))
            body += parameter.utf8
          } else {
            body.append(int32: -1)
          }
        }
        body.append(int16: 0)  // every result column in text format
      }
    case .execute:
      Self.frame("E", into: &bytes) { body in
        body.append(cString: "")
        body.append(int32: 0)  // no row limit
      }
    case .sync:
      Self.frame("S", into: &bytes) { _ in }
    case .copyData(let data):
      Self.frame("d", into: &bytes) { $0 += data }
    case .copyDone:
      Self.frame("c", into: &bytes) { _ in }
    case .copyFail(let reason):
      Self.frame("f", into: &bytes) { $0.append(cString: reason) }
    case .terminate:
      Self.frame("X", into: &bytes) { _ in }
    }
  }

  /// The messages' bytes, one after the other.
  static func encode(_ messages: [PostgresFrontendMessage]) -> [UInt8] {
    var bytes: [UInt8] = []
    for message in messages { message.encode(into: &bytes) }
    return bytes
  }

  /// Appends the type byte (none for the start-up and SSL request), a length that counts itself,
  /// and the body `write` appends.
  private static func frame(_ type: Unicode.Scalar?, into bytes: inout [UInt8], _ write: (inout [UInt8]) -> Void) {
    if let type { bytes.append(UInt8(ascii: type)) }
    let lengthAt = bytes.count
    bytes.append(int32: 0)
    write(&bytes)
    bytes.overwrite(int32: Int32(bytes.count - lengthAt), at: lengthAt)
  }
}

extension [UInt8] {
  /// Appends `value` big-endian, as the protocol sends integers.
  mutating func append(int32 value: Int32) {
    let bits = UInt32(bitPattern: value)
    append(UInt8(truncatingIfNeeded: bits >> 24))
    append(UInt8(truncatingIfNeeded: bits >> 16))
    append(UInt8(truncatingIfNeeded: bits >> 8))
    append(UInt8(truncatingIfNeeded: bits))
  }

  /// Appends `value` big-endian.
  mutating func append(int16 value: Int16) {
    let bits = UInt16(bitPattern: value)
    append(UInt8(truncatingIfNeeded: bits >> 8))
    append(UInt8(truncatingIfNeeded: bits))
  }

  /// Appends `string` as a C string: UTF-8 and a NUL.
  mutating func append(cString string: String) {
    append(contentsOf: string.utf8)
    append(0)
  }

  /// Writes `value` big-endian over the four bytes at `index`: a length known once the body is in.
  mutating func overwrite(int32 value: Int32, at index: Int) {
    let bits = UInt32(bitPattern: value)
    self[index] = UInt8(truncatingIfNeeded: bits >> 24)
    self[index + 1] = UInt8(truncatingIfNeeded: bits >> 16)
    self[index + 2] = UInt8(truncatingIfNeeded: bits >> 8)
    self[index + 3] = UInt8(truncatingIfNeeded: bits)
  }
}
