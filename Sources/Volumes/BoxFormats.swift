import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

// Box files in the two other formats the field uses, next to the JSON of DESIGN.md:
//
// CSV: a header line, then one box per line. Columns `slice,x_min,y_min,x_max,y_max` are required,
// `object` (default 1) and `image` are optional, others are ignored. Same 0-based inclusive voxel
// indices as the JSON file.
//
// Pascal VOC XML: one file per annotated slice, as Lung-PET-CT-Dx ships them. VOC pixel indices are
// 1-based, so x = xmin − 1 and y = ymin − 1 on reading (and + 1 on writing). The slice comes from a
// `<slice>` element when present, otherwise from the last number in the file name (`slice_0032.xml`,
// `32.xml`); Lung-PET-CT-Dx names its files by DICOM UID, which must be renamed to slice numbers first.
// An object's `<object_id>` (written by tutor) keeps tumours apart; without it, boxes on a slice are
// numbered 1, 2, … in file order.

extension BoxFile {
    /// The CSV header this module writes.
    public static let csvColumns = ["image", "slice", "x_min", "y_min", "x_max", "y_max", "object"]

    /// Reads a CSV box file (see the comment at the top of this file).
    public static func load(csv path: String) throws -> BoxFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TutorError("Cannot read the box file \(path).")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TutorError("The box file \(path) is not UTF-8 text.")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let header = lines.first else { throw TutorError("The CSV box file \(path) is empty.") }
        let names = fields(header).map { $0.lowercased() }
        var column: [String: Int] = [:]
        for (n, name) in names.enumerated() { column[name] = n }
        for required in ["slice", "x_min", "y_min", "x_max", "y_max"] where column[required] == nil {
            throw TutorError("The CSV box file \(path) has no \"\(required)\" column in its header.")
        }
        var image = ""
        var boxes: [Box] = []
        for (n, line) in lines.enumerated().dropFirst() {
            let values = fields(line)
            func int(_ name: String) throws -> Int? {
                guard let c = column[name] else { return nil }
                guard c < values.count, let v = Int(values[c]) else {
                    throw TutorError("The CSV box file \(path) has no whole number for \(name) on line \(n + 1).")
                }
                return v
            }
            if let c = column["image"], c < values.count { image = values[c] }
            boxes.append(Box(slice: try int("slice")!, xMin: try int("x_min")!, yMin: try int("y_min")!,
                             xMax: try int("x_max")!, yMax: try int("y_max")!, object: try int("object") ?? 1))
        }
        return BoxFile(image: image, boxes: boxes)
    }

    /// The CSV text of these boxes, with the header `image,slice,x_min,y_min,x_max,y_max,object`.
    public func csvData() -> Data {
        var text = Self.csvColumns.joined(separator: ",") + "\n"
        for b in boxes {
            text += "\(image),\(b.slice),\(b.xMin),\(b.yMin),\(b.xMax),\(b.yMax),\(b.object)\n"
        }
        return Data(text.utf8)
    }

    /// Reads every `.xml` file of a folder as one Pascal VOC slice each.
    public static func load(vocFolder path: String) throws -> BoxFile {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw TutorError("Cannot list the VOC folder \(path).")
        }
        let files = names.filter { $0.lowercased().hasSuffix(".xml") && !$0.hasPrefix(".") }.sorted()
        guard !files.isEmpty else { throw TutorError("The VOC folder \(path) holds no .xml files.") }
        return try load(vocFiles: files.map { (path as NSString).appendingPathComponent($0) })
    }

    /// Reads Pascal VOC files, one axial slice each, into one box file sorted by object then slice.
    public static func load(vocFiles paths: [String]) throws -> BoxFile {
        var image = ""
        var boxes: [Box] = []
        for path in paths {
            let slice = try VOCSlice(path: path)
            if image.isEmpty { image = slice.filename }
            boxes += slice.boxes
        }
        boxes.sort { ($0.object, $0.slice, $0.yMin, $0.xMin) < ($1.object, $1.slice, $1.yMin, $1.xMin) }
        return BoxFile(image: image, boxes: boxes)
    }

    /// One Pascal VOC document per annotated slice, named `slice_KKKK.xml`, in slice order.
    /// `size` gives the `<size>` element (width = i, height = j).
    public func vocDocuments(size: GridSize) -> [(name: String, data: Data)] {
        let slices = Dictionary(grouping: boxes, by: \.slice)
        return slices.keys.sorted().map { k in
            var xml = "<annotation>\n  <filename>\(Self.escape(image))</filename>\n  <slice>\(k)</slice>\n"
            xml += "  <size><width>\(size.i)</width><height>\(size.j)</height><depth>1</depth></size>\n"
            for b in slices[k]!.sorted(by: { ($0.object, $0.xMin, $0.yMin) < ($1.object, $1.xMin, $1.yMin) }) {
                xml += "  <object>\n    <name>tumour</name>\n    <object_id>\(b.object)</object_id>\n"
                xml += "    <bndbox><xmin>\(b.xMin + 1)</xmin><ymin>\(b.yMin + 1)</ymin>"
                xml += "<xmax>\(b.xMax + 1)</xmax><ymax>\(b.yMax + 1)</ymax></bndbox>\n  </object>\n"
            }
            xml += "</annotation>\n"
            return (String(format: "slice_%04d.xml", k), Data(xml.utf8))
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Splits a CSV line on commas, dropping surrounding quotes and spaces from each field.
    static func fields(_ line: String) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }
}

/// One Pascal VOC file: the boxes of one axial slice.
struct VOCSlice {
    var filename = ""
    var boxes: [Box] = []

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TutorError("Cannot read the VOC file \(path).")
        }
        // FoundationXML traps on an element name that is not valid in the document's encoding
        // (libxml2 passes it on), so bytes that are not UTF-8, in a file that declares no other
        // encoding, are refused before parsing.
        let prolog = String(decoding: data.prefix(100), as: UTF8.self)
        guard String(data: data, encoding: .utf8) != nil || prolog.hasPrefix("<?xml") && prolog.contains("encoding=") else {
            throw TutorError("The VOC file \(path) is not UTF-8 text (and declares no other encoding).")
        }
        let tree = VOCTree()
        let parser = XMLParser(data: data)
        parser.delegate = tree
        guard parser.parse(), tree.closed, tree.root == "annotation" else {
            throw TutorError("The VOC file \(path) is not a Pascal VOC <annotation> XML document.")
        }
        filename = tree.filename
        let slice: Int
        if let s = tree.slice {
            guard let v = Int(s) else { throw TutorError("The VOC file \(path) has a <slice> that is not a whole number.") }
            slice = v
        } else {
            let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            guard let digits = base.split(whereSeparator: { !$0.isNumber }).last, let v = Int(digits) else {
                throw TutorError("The VOC file \(path) has no <slice> element and no slice number in its name.")
            }
            slice = v
        }
        for (n, object) in tree.objects.enumerated() {
            func coord(_ key: String) throws -> Int {
                guard let text = object[key], let v = Double(text) else {
                    throw TutorError("The VOC file \(path) has an object without a numeric <\(key)>.")
                }
                return Int(v.rounded()) - 1
            }
            let id = object["object_id"].flatMap { Int($0) } ?? n + 1
            boxes.append(Box(slice: slice, xMin: try coord("xmin"), yMin: try coord("ymin"),
                             xMax: try coord("xmax"), yMax: try coord("ymax"), object: id))
        }
    }
}

/// Collects what VOCSlice needs: the root element, `<filename>`, `<slice>`, and each `<object>`'s
/// leaf values (`name`, `object_id`, `xmin`, …) keyed by element name.
final class VOCTree: NSObject, XMLParserDelegate {
    var root: String?
    var filename = ""
    var slice: String?
    var objects: [[String: String]] = []
    /// Whether the root element was closed: a truncated file is not a document.
    var closed = false
    private var path: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = name }
        path.append(name)
        text = ""
        if name == "object" && path.count == 2 { objects.append([:]) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if path.count == 2 && name == "filename" { filename = value }
        if path.count == 2 && name == "slice" { slice = value }
        if path.count > 2 && path[1] == "object" && !objects.isEmpty { objects[objects.count - 1][name] = value }
        path.removeLast()
        closed = path.isEmpty
        text = ""
    }
}
