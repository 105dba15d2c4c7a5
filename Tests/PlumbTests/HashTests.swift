import Foundation
import XCTest

@testable import Plumb

/// SHA-256 against NIST's examples (FIPS 180-4, "SHA256.pdf" and the long message), HMAC-SHA256
/// against RFC 4231's test cases.
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
