import Foundation
import PlumbCore

/// The client's side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL runs it: the password is
/// never sent, and the server proves it knows the password too.
///
/// ```swift
/// var scram = SCRAM(password: "secret")
/// send(scram.clientFirstMessage)
/// send(try scram.clientFinalMessage(serverFirst: answer))
/// guard scram.verify(serverFinal: last) else { … }
/// ```
struct SCRAM: Equatable, Sendable {
  private let password: String
  private let user: String
  private let clientNonce: String
  private var serverSignature: [UInt8] = []

  /// An exchange for `password`. PostgreSQL takes the user from the start-up message, so `user`
  /// stays empty there; `clientNonce` is random unless a test fixes it (RFC 7677's example).
  init(password: String, user: String = "", clientNonce: String? = nil) {
    self.password = password
    self.user = user
    if let clientNonce {
      self.clientNonce = clientNonce
    } else {
      var generator = SystemRandomNumberGenerator()
      let random = (0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) }
      self.clientNonce = Data(random).base64EncodedString()
    }
  }

  /// The user as SCRAM writes names: `=` and `,` escaped (RFC 5802, 5.1).
  private var clientFirstBare: String {
    let name = user.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
    return "n=\(name),r=\(clientNonce)"
  }

  /// `n,,n=,r=<nonce>`: no channel binding.
  var clientFirstMessage: String { "n,," + clientFirstBare }

  /// The proof for the server's `r=…,s=…,i=…`.
  mutating func clientFinalMessage(serverFirst: String) throws -> String {
    var fields: [Character: String] = [:]
    for part in serverFirst.split(separator: ",") where part.count >= 2 {
      fields[part.first!] = String(part.dropFirst(2))
    }
    guard let nonce = fields["r"], nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count,
      let saltText = fields["s"], let salt = Data(base64Encoded: saltText),
      let iterations = fields["i"].flatMap({ Int($0) }), iterations > 0
    else { throw SCRAMError(message: "the server's SCRAM message is malformed") }
    let withoutProof = "c=biws,r=\(nonce)"
    let authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof
    let salted = PBKDF2.sha256(password: Array(password.utf8), salt: Array(salt), iterations: iterations)
    let clientKey = HMAC.sha256(key: salted, "Client Key")
    let storedKey = SHA256.digest(clientKey)
    let clientSignature = HMAC.sha256(key: storedKey, authMessage)
    let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
    serverSignature = HMAC.sha256(key: HMAC.sha256(key: salted, "Server Key"), authMessage)
    return withoutProof + ",p=" + Data(proof).base64EncodedString()
  }

  /// Whether the server's `v=…` is the signature only a server knowing the password can make.
  func verify(serverFinal: String) -> Bool {
    guard !serverSignature.isEmpty,
      let value = serverFinal.split(separator: ",").first(where: { $0.hasPrefix("v=") }),
      let signature = Data(base64Encoded: String(value.dropFirst(2)))
    else { return false }
    return Array(signature) == serverSignature
  }
}

/// A SCRAM message that does not follow RFC 5802.
struct SCRAMError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

// The password and the keys stay out of printed states and test failures.
extension SCRAM: CustomStringConvertible, CustomReflectable {
  /// `SCRAM-SHA-256 exchange, client nonce …`, never the password.
  var description: String { "SCRAM-SHA-256 exchange, client nonce \(clientNonce)" }
  var customMirror: Mirror { Mirror(self, children: ["clientNonce": clientNonce]) }
}
