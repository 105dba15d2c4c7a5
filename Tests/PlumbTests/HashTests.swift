import Foundation
import Plumb
import XCTest

@testable import PlumbCore
@testable import PlumbObjectStores
@testable import PlumbPostgres

/// SHA-256 against NIST's examples (FIPS 180-4, "SHA256.pdf" and the long message), HMAC-SHA256
/// against RFC 4231's test cases, MD5 against RFC 1321's test suite, PBKDF2-HMAC-SHA256 against
/// published vectors, and SCRAM-SHA-256 against RFC 7677's example exchange.
final class HashTests: XCTestCase {
  private func sha256(_ bytes: [UInt8]) -> String { SHA256.hex(SHA256.digest(bytes)) }
  private func hmac(_ key: [UInt8], _ message: [UInt8]) -> String {
    SHA256.hex(HMAC.sha256(key: key, message: message))
  }

  func testSHA256MatchesNISTExamples() {
    XCTAssertEqual(sha256([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(sha256(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(
      sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(
      sha256(
        Array(
          "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
            .utf8)),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    XCTAssertEqual(
      sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  func testSHA256FedInPiecesEqualsTheWholeMessage() {
    let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    for size in [1, 7, 63, 64, 65, 200] {
      var hash = SHA256()
      for start in stride(from: 0, to: message.count, by: size) {
        hash.update(Data(message[start..<min(start + size, message.count)]))
      }
      XCTAssertEqual(SHA256.hex(hash.finish()), sha256(message), "pieces of \(size)")
    }
  }

  func testHMACMatchesRFC4231() {
    XCTAssertEqual(
      hmac([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8)),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    XCTAssertEqual(
      hmac(Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    XCTAssertEqual(
      hmac([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50)),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    XCTAssertEqual(
      hmac(
        [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    let long =
      "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
    XCTAssertEqual(
      hmac([UInt8](repeating: 0xaa, count: 131), Array(long.utf8)),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
  }

  /// RFC 1321, appendix A.5 ("test suite").
  func testMD5MatchesRFC1321TestSuite() {
    let suite = [
      ("", "d41d8cd98f00b204e9800998ecf8427e"),
      ("a", "0cc175b9c0f1b6a831c399e269772661"),
      ("abc", "900150983cd24fb0d6963f7d28e17f72"),
      ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
      ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
      ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
      (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ]
    for (message, digest) in suite {
      XCTAssertEqual(MD5.hex(Array(message.utf8)), digest, "MD5(\"\(message)\")")
    }
  }

  /// RFC 6070's vectors are for PBKDF2-HMAC-SHA1, which Plumb does not have (SCRAM-SHA-256 needs
  /// SHA-256 only). These are the same inputs with HMAC-SHA256, as published beside RFC 6070
  /// (and checked here with Python's hashlib.pbkdf2_hmac), and RFC 7914's section 11 vector
  /// (PBKDF2-HMAC-SHA256, 64 bytes, two blocks).
  func testPBKDF2MatchesPublishedSHA256Vectors() {
    func pbkdf2(_ password: String, _ salt: String, _ iterations: Int, _ length: Int) -> String {
      SHA256.hex(
        PBKDF2.sha256(password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations, length: length))
    }
    XCTAssertEqual(
      pbkdf2("password", "salt", 1, 32), "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
    XCTAssertEqual(
      pbkdf2("password", "salt", 2, 32), "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")
    XCTAssertEqual(
      pbkdf2("password", "salt", 4096, 32), "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
    XCTAssertEqual(
      pbkdf2("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40),
      "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9")
    XCTAssertEqual(pbkdf2("pass\0word", "sa\0lt", 4096, 16), "89b69d0516f829893c696226650a8687")
    XCTAssertEqual(
      pbkdf2("passwd", "salt", 1, 64),
      "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
  }

  /// RFC 7677, section 3: user "user", password "pencil", the client nonce of the example.
  func testSCRAMMatchesRFC7677Exchange() throws {
    var scram = SCRAM(password: "pencil", user: "user", clientNonce: "rOprNGfwEbeRWgbNEkqO")
    XCTAssertEqual(scram.clientFirstMessage, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
    let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    XCTAssertEqual(
      try scram.clientFinalMessage(serverFirst: serverFirst),
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    XCTAssertTrue(scram.verify(serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
    XCTAssertFalse(scram.verify(serverFinal: "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="), "one bit off")
    XCTAssertFalse(scram.verify(serverFinal: "e=invalid-proof"))
  }

  /// PostgreSQL's MD5 password answer, `md5` + md5(md5(password + user) + salt), against Python's
  /// hashlib for the same inputs.
  func testPostgresMD5PasswordAnswer() {
    XCTAssertEqual(
      PostgresAuthentication.md5Password("secret", user: "alice", salt: [1, 2, 3, 4]),
      "md598a0412b9c31436fc53776e863350083")
  }

  /// The example of AWS's S3 documentation, "GET Object" in "Signature Calculations for the
  /// Authorization Header".
  func testSigV4MatchesAWSExample() {
    let signer = S3Signer(
      credentials: S3Credentials(
        accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
      region: "us-east-1")
    let headers = signer.headers(
      method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [:],
      extraHeaders: ["range": "bytes=0-9"], payloadHash: S3Signer.emptyPayloadHash,
      date: Date(timeIntervalSince1970: 1_369_353_600))
    XCTAssertEqual(headers["x-amz-date"], "20130524T000000Z")
    XCTAssertEqual(
      headers["authorization"],
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
  }

  func testSigV4SignsTheSessionTokenOfTemporaryCredentials() {
    let signer = S3Signer(
      credentials: S3Credentials(accessKey: "ASIAX", secretKey: "s", sessionToken: "token/1"), region: "us-east-1")
    let headers = signer.headers(
      method: "GET", host: "h", path: "/b/k", query: [:], payloadHash: S3Signer.emptyPayloadHash, date: Date())
    XCTAssertEqual(headers["x-amz-security-token"], "token/1")
    XCTAssertTrue(
      headers["authorization"]?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,")
        == true, headers["authorization"] ?? "")
    let credentials = S3Credentials(accessKey: "ASIAX", secretKey: "s", sessionToken: "very-secret-token")
    XCTAssertFalse(String(reflecting: credentials).contains("very-secret-token"))
  }

  func testSigV4EncodesPathsOnceAndQueriesFully() {
    XCTAssertEqual(S3Signer.encode("/raw/a b+c~.txt", keepingSlashes: true), "/raw/a%20b%2Bc~.txt")
    XCTAssertEqual(S3Signer.canonicalQuery(["prefix": "raw/", "list-type": "2"]), "list-type=2&prefix=raw%2F")
  }

  func testCredentialsNeverPrintTheSecret() {
    let credentials = S3Credentials(accessKey: "AKIAX", secretKey: "very-secret")
    for text in [String(describing: credentials), String(reflecting: credentials), "\(credentials)"] {
      XCTAssertFalse(text.contains("very-secret"), text)
    }
  }
}
