import PlumbCore

/// The authentication exchange of a PostgreSQL login, from the start-up message to
/// AuthenticationOk: the method the server asks for (trust, cleartext password, MD5,
/// SCRAM-SHA-256), what to answer, and whether the answers come in order. A part of
/// ``PostgresStateMachine``, as postgres-nio's `AuthenticationStateMachine` is of its connection's.
///
/// ```swift
/// var authentication = PostgresAuthentication(user: "plumb", password: "secret")
/// authentication.receive(.md5Password(salt: [1, 2, 3, 4]))   // .send(.password("md5…"))
/// authentication.receive(.ok)                                 // .authenticated
/// ```
struct PostgresAuthentication: Equatable {
  /// Where the exchange stands.
  enum Step: Equatable {
    /// The start-up message was sent; the server picks a method.
    case startupSent
    /// A password (cleartext or MD5) was sent.
    case passwordSent
    /// SCRAM's client-first message was sent.
    case scramFirstSent(SCRAM)
    /// SCRAM's client-final message (the proof) was sent.
    case scramFinalSent(SCRAM)
    /// The server proved it knows the password too.
    case scramVerified
    /// The server accepted the login.
    case authenticated
  }

  /// What the connection does next.
  enum Action: Equatable {
    /// Send this message and wait for the server's next request.
    case send(PostgresFrontendMessage)
    /// Wait for the server's next request.
    case wait
    /// The login is accepted.
    case authenticated
    /// The login cannot go on, for this reason: the connection closes.
    case fail(String)
    /// The request came out of order: the connection closes.
    case unexpected
  }

  let user: String
  let password: String?
  /// SCRAM's client nonce; random unless a test fixes it.
  let clientNonce: String?
  private(set) var step = Step.startupSent

  /// An exchange for `user` with `password` (nil when there is none).
  init(user: String, password: String?, clientNonce: String? = nil) {
    self.user = user
    self.password = password
    self.clientNonce = clientNonce
  }

  /// What the server's `request` leads to.
  mutating func receive(_ request: PostgresBackendMessage.Authentication) -> Action {
    switch (step, request) {
    case (.startupSent, .ok), (.passwordSent, .ok), (.scramVerified, .ok):
      step = .authenticated
      return .authenticated
    case (.startupSent, .cleartextPassword):
      guard let password else { return passwordMissing("password") }
      step = .passwordSent
      return .send(.password(password))
    case (.startupSent, .md5Password(let salt)):
      guard let password else { return passwordMissing("MD5") }
      step = .passwordSent
      return .send(.password(Self.md5Password(password, user: user, salt: salt)))
    case (.startupSent, .sasl(let mechanisms)):
      guard mechanisms.contains("SCRAM-SHA-256") else {
        return .fail("the server offers \(mechanisms.joined(separator: ", ")), not SCRAM-SHA-256")
      }
      guard let password else { return passwordMissing("SCRAM-SHA-256") }
      let scram = SCRAM(password: password, clientNonce: clientNonce)
      step = .scramFirstSent(scram)
      return .send(.saslInitialResponse(mechanism: "SCRAM-SHA-256", response: Array(scram.clientFirstMessage.utf8)))
    case (.scramFirstSent(var scram), .saslContinue(let serverFirst)):
      guard let final = try? scram.clientFinalMessage(serverFirst: String(decoding: serverFirst, as: UTF8.self)) else {
        return .fail("the server's SCRAM message is malformed")
      }
      step = .scramFinalSent(scram)
      return .send(.saslResponse(Array(final.utf8)))
    case (.scramFinalSent(let scram), .saslFinal(let serverFinal)):
      guard scram.verify(serverFinal: String(decoding: serverFinal, as: UTF8.self)) else {
        return .fail("the server's SCRAM signature is wrong: it does not know the password")
      }
      step = .scramVerified
      return .wait
    case (.startupSent, .unsupported(let code)):
      return .fail("the server asks for an authentication Plumb does not speak (code \(code))")
    case (.scramFirstSent, .ok), (.scramFinalSent, .ok):
      // Without the server's signature, a server that does not know the password could pose as the real one.
      return .fail("the server ended SCRAM authentication before proving it knows the password")
    default:
      return .unexpected
    }
  }

  /// MD5 authentication's answer: `md5` + md5(md5(password + user) + salt), in hex.
  static func md5Password(_ password: String, user: String, salt: [UInt8]) -> String {
    let inner = MD5.hex(Array((password + user).utf8))
    return "md5" + MD5.hex(Array(inner.utf8) + salt)
  }

  private func passwordMissing(_ method: String) -> Action {
    .fail("the server asks for a password (\(method)) for user \(user): set [postgres] password or PGPASSWORD")
  }
}

// The password stays out of printed states and test failures.
extension PostgresAuthentication: CustomStringConvertible, CustomReflectable {
  /// `authentication of plumb at startupSent`, never the password.
  var description: String { "authentication of \(user) at \(step)" }
  var customMirror: Mirror { Mirror(self, children: ["user": user, "step": step]) }
}
