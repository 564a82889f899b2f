/// One axial bounding box: 0-based voxel indices of the image as stored, inclusive at both ends.
/// `x` is the first NIfTI axis (i), `y` the second (j), `slice` the third (k); `object` tells tumours apart.
public struct Box: Hashable, Codable, Sendable {
    public var slice: Int
    public var xMin: Int, yMin: Int, xMax: Int, yMax: Int
    public var object: Int

    public init(slice: Int, xMin: Int, yMin: Int, xMax: Int, yMax: Int, object: Int = 1) {
        self.slice = slice; self.object = object
        self.xMin = min(xMin, xMax); self.xMax = max(xMin, xMax)
        self.yMin = min(yMin, yMax); self.yMax = max(yMin, yMax)
    }

    enum CodingKeys: String, CodingKey {
        case slice, object
        case xMin = "x_min", yMin = "y_min", xMax = "x_max", yMax = "y_max"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(slice: try c.decode(Int.self, forKey: .slice),
                  xMin: try c.decode(Int.self, forKey: .xMin), yMin: try c.decode(Int.self, forKey: .yMin),
                  xMax: try c.decode(Int.self, forKey: .xMax), yMax: try c.decode(Int.self, forKey: .yMax),
                  object: try c.decodeIfPresent(Int.self, forKey: .object) ?? 1)
    }
}

/// The box file of DESIGN.md: `{"image": "ct.nii.gz", "boxes": [{"slice": …, "x_min": …, …}]}`.
public struct BoxFile: Codable, Sendable, Equatable {
    public var image: String
    public var boxes: [Box]
    public init(image: String, boxes: [Box]) { self.image = image; self.boxes = boxes }
}
