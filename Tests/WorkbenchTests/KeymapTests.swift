import Foundation
import XCTest
import Volumes
@testable import Workbench

final class KeymapTests: XCTestCase {
    func testBundledKeymapsAreTheKeymapFiles() throws {
        let root = packageRoot()
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("Keymaps/default.keys"), encoding: .utf8),
                       BundledKeymaps.defaultKeys, "run Keymaps/bundle.py after editing Keymaps/default.keys")
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("Keymaps/vi.keys"), encoding: .utf8),
                       BundledKeymaps.viKeys, "run Keymaps/bundle.py after editing Keymaps/vi.keys")
    }

    func testEveryActionHasAKeyInBothKeymaps() throws {
        for name in ["default", "vi"] {
            let map = try Keymap.bundled(name)
            let unbound = Action.allCases.filter { map.keys(for: $0).isEmpty }
            XCTAssertEqual(unbound, [], "\(name).keys leaves actions without a key")
        }
    }

    func testParsesKeyNamesAndComments() throws {
        let map = try Keymap.parse("""
        # a comment
        <C-x>   quit      # trailing comment
        <S-Up>  page-up
        <Space> mark-corner
        j       slice-down
        """, source: "test.keys")
        XCTAssertEqual(map[.ctrl("x")], .quit)
        XCTAssertEqual(map[.shiftUp], .pageUp)
        XCTAssertEqual(map[.char(" ")], .markCorner)
        XCTAssertEqual(map[.char("j")], .sliceDown)
        XCTAssertNil(map[.char("k")])
    }

    func testErrorsNameTheFileAndLine() {
        XCTAssertThrowsError(try Keymap.parse("q quit\nz zoom-sideways\n", source: "my.keys")) { error in
            XCTAssertEqual((error as? TutorError)?.message,
                           "my.keys line 2: unknown action \"zoom-sideways\" (see `?` in the workbench for the list).")
        }
        XCTAssertThrowsError(try Keymap.parse("<Hyper-q> quit\n", source: "my.keys")) { error in
            XCTAssertEqual((error as? TutorError)?.message, "my.keys line 1: unknown key name \"<Hyper-q>\".")
        }
        XCTAssertThrowsError(try Keymap.parse("q\n", source: "my.keys"))
    }

    func testUserFileGoesOnTopOfItsBase() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tutor"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "base vi\nq none\nQ quit\n".write(to: dir.appendingPathComponent("tutor/keys"), atomically: true, encoding: .utf8)
        let map = try Keymap.load(name: nil, environment: ["XDG_CONFIG_HOME": dir.path])
        XCTAssertEqual(map[.char("j")], .cursorDown, "vi base: j moves the cursor")
        XCTAssertNil(map[.char("q")])
        XCTAssertEqual(map[.char("Q")], .quit)
        // Without a user file, the default keymap.
        let plain = try Keymap.load(name: nil, environment: ["XDG_CONFIG_HOME": dir.appendingPathComponent("none").path])
        XCTAssertEqual(plain[.char("q")], .quit)
        XCTAssertEqual(plain[.char("j")], .boxDown)
    }

    func testKeyNamesRoundTrip() {
        for key: Key in [.char("a"), .char(" "), .ctrl("r"), .up, .shiftLeft, .pageDown, .escape, .enter, .backspace] {
            XCTAssertEqual(Key(name: key.description), key, "\(key)")
        }
    }
}
