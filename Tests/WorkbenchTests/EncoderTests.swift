import XCTest
@testable import Workbench

final class EncoderTests: XCTestCase {
    func testUnchangedScreenSendsOnlyAReset() {
        var a = MemoryScreen(width: 10, height: 3)
        a.put("hello", x: 0, y: 1, fg: .palette(250))
        let bytes = ANSIEncoder(mode: .grey256).encode(from: a, to: a)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "\u{1b}[0m")
    }

    func testOneChangedCellIsOneMoveOnePenOneCharacter() {
        let a = MemoryScreen(width: 10, height: 3)
        var b = a
        b[4, 2] = Cell("▀", fg: .palette(240), bg: .palette(16))
        let text = String(decoding: ANSIEncoder(mode: .grey256).encode(from: a, to: b), as: UTF8.self)
        XCTAssertEqual(text, "\u{1b}[3;5H\u{1b}[38;5;240;48;5;16m▀\u{1b}[0m")
    }

    func testFullFrameClearsAndSkipsBlanksAndRepeatsNoPen() {
        var b = MemoryScreen(width: 4, height: 2)
        b[0, 0] = Cell(" ", bg: .rgb(1, 2, 3)); b[1, 0] = Cell(" ", bg: .rgb(1, 2, 3))
        b[0, 1] = Cell("x", attributes: [.bold])
        let text = String(decoding: ANSIEncoder(mode: .trueColor).encode(from: nil, to: b), as: UTF8.self)
        XCTAssertEqual(text, "\u{1b}[0m\u{1b}[2J\u{1b}[1;1H\u{1b}[48;2;1;2;3m  \u{1b}[2;1H\u{1b}[1;49mx\u{1b}[0m")
    }

    func testAttributesAreSwitchedOffWithAReset() {
        let a = MemoryScreen(width: 3, height: 1)
        var b = a
        b[0, 0] = Cell("a", attributes: [.reverse]); b[1, 0] = Cell("b", fg: .palette(100))
        let text = String(decoding: ANSIEncoder(mode: .grey256).encode(from: a, to: b), as: UTF8.self)
        XCTAssertEqual(text, "\u{1b}[1;1H\u{1b}[7ma\u{1b}[0;38;5;100mb\u{1b}[0m")
    }
}
