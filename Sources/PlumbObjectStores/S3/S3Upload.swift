import Foundation
import PlumbCore
import PlumbNetwork

/// How a finished file goes up to S3: in one `PUT` when it fits in one part, else as a multipart
/// upload whose parts are read from the file one at a time, so memory holds one part at most.
///
/// S3 stores a multipart object only when the upload is completed, so a failure at any step leaves
/// no object; the upload is then aborted, so that no parts stay behind (S3 keeps, and bills,
/// the parts of an upload never completed or aborted).
///
/// ```swift
/// try S3Upload(store: store, bucket: "models", key: "iris.json").send(file: "/tmp/plumb-s3-…")
/// ```
struct S3Upload {
  /// The size of a part: S3 wants at least 5 MiB for every part but the last, and at most 10,000
  /// parts, so a file over 80 GB gets larger parts.
  static func partSize(for size: Int) -> Int {
    max(8 << 20, (size + 9_999) / 10_000)
  }

  let store: S3ObjectStore
  let bucket: String
  let key: String

  /// Sends the file at `path`, `size` bytes long.
  ///
  /// - Throws: ``S3Error`` for a failed request, ``TargetError`` when the file cannot be read.
  func send(file path: String, size: Int) throws {
    guard let file = FileHandle(forReadingAtPath: path) else {
      throw TargetError.unreadable(path: path, reason: "cannot be opened")
    }
    defer { try? file.close() }
    let partSize = Self.partSize(for: size)
    guard size > partSize else {
      try check(request(method: "PUT", body: .data(try read(file, path: path, count: size))))
      return
    }
    let uploadID = try start()
    do {
      var parts: [(number: Int, etag: String)] = []
      var sent = 0
      while sent < size {
        let piece = try read(file, path: path, count: min(partSize, size - sent))
        parts.append((parts.count + 1, try sendPart(parts.count + 1, piece, uploadID: uploadID)))
        sent += piece.count
      }
      try complete(uploadID: uploadID, parts: parts)
    } catch {
      abort(uploadID: uploadID)
      throw error
    }
  }

  private func request(method: String, query: [String: String] = [:], body: S3Request.Body = .none) -> S3Request {
    S3Request(store: store, method: method, bucket: bucket, key: key, query: query, body: body)
  }

  /// Sends `request`; its answer when the status is 2xx and the body is not one of S3's errors
  /// (`CompleteMultipartUpload` can fail with 200).
  @discardableResult
  private func check(_ request: S3Request) throws -> S3Request.Answer {
    let answer = try request.send()
    guard (200..<300).contains(answer.status), answer.error == nil else { throw request.failure(answer) }
    return answer
  }

  /// `CreateMultipartUpload`: the new upload's id.
  private func start() throws -> String {
    let request = request(method: "POST", query: ["uploads": ""])
    let answer = try check(request)
    guard let uploadID = S3Request.Answer.element("UploadId", in: String(decoding: answer.body, as: UTF8.self)) else {
      throw request.failure("the answer named no UploadId")
    }
    return uploadID
  }

  /// `UploadPart`: the part's ETag, which completing the upload names.
  private func sendPart(_ number: Int, _ piece: Data, uploadID: String) throws -> String {
    let request = request(
      method: "PUT", query: ["partNumber": String(number), "uploadId": uploadID], body: .data(piece))
    guard let etag = try check(request).headers["etag"] else { throw request.failure("the answer had no ETag") }
    return etag
  }

  /// `CompleteMultipartUpload`: the object appears, whole.
  private func complete(uploadID: String, parts: [(number: Int, etag: String)]) throws {
    let list = parts.map { "<Part><PartNumber>\($0.number)</PartNumber><ETag>\($0.etag)</ETag></Part>" }.joined()
    let body = "<CompleteMultipartUpload>\(list)</CompleteMultipartUpload>"
    try check(request(method: "POST", query: ["uploadId": uploadID], body: .data(Data(body.utf8))))
  }

  /// `AbortMultipartUpload`, as well as it goes: the failure that led here is the one to report.
  private func abort(uploadID: String) {
    _ = try? request(method: "DELETE", query: ["uploadId": uploadID]).send()
  }

  private func read(_ file: FileHandle, path: String, count: Int) throws -> Data {
    let piece = try file.read(upToCount: count) ?? Data()
    guard piece.count == count else {
      throw TargetError.unreadable(path: path, reason: "it ended before its \(count) bytes")
    }
    return piece
  }
}
