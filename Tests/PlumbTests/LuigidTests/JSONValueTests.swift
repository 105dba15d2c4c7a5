import Foundation
import XCTest

@testable import PlumbLuigid

/// luigid's JSON, written as Python's `json.dumps` writes it and read by hand: no luigid needed.
final class JSONValueTests: XCTestCase {
  func testTextIsPythonsJSONWithSortedKeys() {
    let value: JSONValue = .object([
      "worker": "W", "deps": .array(["a", "b"]), "priority": 3, "expl": .null, "runnable": true,
      "ratio": .number(1.5), "params": .object(["n": "5", "day": "2024-01-02"]), "empty": .array([]),
    ])
    XCTAssertEqual(
      value.text,
      #"{"deps": ["a", "b"], "empty": [], "expl": null, "params": {"day": "2024-01-02", "n": "5"}, "priority": 3, "#
        + #""ratio": 1.5, "runnable": true, "worker": "W"}"#)
  }

  func testStringsAreEscapedAsPythonEscapesThem() {
    XCTAssertEqual(JSONValue.string(#"say "hi" \ bye"#).text, #""say \"hi\" \\ bye""#)
    XCTAssertEqual(JSONValue.string("line\nnext\ttab\u{1}").text, #""line\nnext\ttab\u0001""#)
    XCTAssertEqual(JSONValue.string("é 😀 \u{7F}").text, #""\u00e9 \ud83d\ude00 \u007f""#)
    XCTAssertEqual(JSONValue.object(["ключ": "x"]).text, #"{"\u043a\u043b\u044e\u0447": "x"}"#)
  }

  func testFormPercentEncodesAllButUnreservedBytes() {
    let form = String(decoding: LuigidClient.form(["task_id": "A_b-1.x~", "n": 2]), as: UTF8.self)
    XCTAssertEqual(form, "data=%7B%22n%22%3A%202%2C%20%22task_id%22%3A%20%22A_b-1.x~%22%7D")
  }

  func testParsesWhatItWrites() throws {
    let value: JSONValue = .object([
      "response": .object([
        "task_id": "Leaf_5_abc", "n_pending_tasks": 998, "running_tasks": .array([.object(["worker": "W"])]),
        "batch_id": .null, "flag": false, "time": .number(1_733_000_000.25), "text": "é\n\"😀\"",
      ])
    ])
    XCTAssertEqual(try JSONValue(parsing: Data(value.text.utf8)), value)
  }

  func testParsesEscapesNumbersAndSpace() throws {
    XCTAssertEqual(
      try JSONValue(
        parsing: Data(#" { "a" : [ 1 , -2.5e3 , 0 , 1E2, 0.125 ] ,"b":"\u00e9\/\ud83d\ude00\b\f\r" } "#.utf8)),
      .object(["a": .array([1, .number(-2500), 0, 100, .number(0.125)]), "b": "é/😀\u{8}\u{C}\r"]))
    XCTAssertEqual(try JSONValue(parsing: Data("null".utf8)), .null)
    XCTAssertEqual(try JSONValue(parsing: Data("\"x\"".utf8)), "x")
    // true and false are not the numbers 1 and 0.
    XCTAssertEqual(try JSONValue(parsing: Data("[true, false, 1, 0]".utf8)), .array([true, false, 1, 0]))
    // A lone surrogate is no character: Python's json.dumps can write one, which reads as U+FFFD.
    XCTAssertEqual(try JSONValue(parsing: Data(#""\ud83dx""#.utf8)), "\u{FFFD}x")
  }

  func testRefusesWhatIsNotJSON() {
    for text in [
      "", " ", "{", "}", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "01", "-", "1.", "1e", ".5", "tru",
      "nul", "\"abc", "\"a\u{1}b\"", #""\x""#, #""\u12G4""#, "1 2", "[1]]", "NaN",
    ] {
      XCTAssertThrowsError(try JSONValue(parsing: Data(text.utf8)), "parsed \(text.debugDescription)")
    }
  }
}
