import Foundation

extension BoxFile {
    /// Reads the JSON box file of DESIGN.md; throws a TutorError naming `path` when it cannot.
    public static func load(json path: String) throws -> BoxFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TutorError("Cannot read the box file \(path).")
        }
        do {
            return try JSONDecoder().decode(BoxFile.self, from: data)
        } catch {
            throw TutorError("The box file \(path) is not a valid box JSON file (\(jsonDecodingProblem(error))).")
        }
    }

    /// The JSON encoding written to disk: pretty, with sorted keys, so equal box files give equal bytes.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()   // encoding plain ints and strings cannot fail
    }

    /// Reads a box file in any supported format, chosen by its name: `.json`, `.csv`, `.xml`
    /// (one Pascal VOC slice) or a folder of VOC `.xml` files (one per slice).
    public static func load(anyFormat path: String) throws -> BoxFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw TutorError("The box file \(path) does not exist.")
        }
        if isFolder.boolValue { return try load(vocFolder: path) }
        switch (path as NSString).pathExtension.lowercased() {
        case "json": return try load(json: path)
        case "csv": return try load(csv: path)
        case "xml": return try load(vocFiles: [path])
        default:
            throw TutorError("The box file \(path) has an unknown format; use .json, .csv, .xml or a folder of .xml files.")
        }
    }

    /// Throws a TutorError when a box lies (partly) outside an image of `size`; `source` names the file.
    public func checkInside(_ size: GridSize, source: String) throws {
        for b in boxes where b.xMin < 0 || b.yMin < 0 || b.slice < 0
            || b.xMax >= size.i || b.yMax >= size.j || b.slice >= size.k {
            throw TutorError("The box file \(source) has a box on slice \(b.slice) "
                + "(x \(b.xMin)…\(b.xMax), y \(b.yMin)…\(b.yMax)) outside the \(size) image.")
        }
    }
}

/// What is wrong with a JSON file that did not decode, in a few words for an error sentence:
/// `missing "slice"`, `wrong value at boxes[0].x_min`, `not JSON`.
public func jsonDecodingProblem(_ error: Error) -> String {
    func place(_ path: [CodingKey]) -> String {
        path.reduce("") { text, key in key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? "" : text + ".") + key.stringValue }
    }
    switch error {
    case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
    case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
        return "wrong value at \(place(c.codingPath))"
    case DecodingError.dataCorrupted(let c) where !c.codingPath.isEmpty:
        return "wrong value at \(place(c.codingPath))"
    case DecodingError.dataCorrupted: return "not JSON"
    default: return "\(error)"
    }
}
