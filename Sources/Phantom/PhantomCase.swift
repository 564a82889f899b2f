import Foundation
import Volumes

/// One synthetic chest CT with its tumour mask and boxes. See Docs/phantom.md.
public struct PhantomCase: Sendable {
    /// HU, stored as int16, on a scanner-like grid and affine.
    public var ct: Volume
    /// 1 on tumour voxels (all tumours), stored as uint8; same grid as `ct`.
    public var label: Volume
    /// Tight axial boxes per slice per tumour (`axialBoxes(of: label)`).
    public var boxes: [Box]
    /// The same boxes drawn as a person would (`humanLikeBoxes`, default style).
    public var humanBoxes: [Box]
    public var info: PhantomInfo
}

/// What a phantom case contains, for people and for analyses (written as `phantom.json`).
public struct PhantomInfo: Codable, Sendable, Equatable {
    public struct TumourInfo: Codable, Sendable, Equatable {
        public var object: Int?
        public var diameterMM: Double
        public var shape: String, density: String, place: String
        public var centreVoxel: [Double]
        enum CodingKeys: String, CodingKey {
            case object, shape, density, place
            case diameterMM = "diameter_mm", centreVoxel = "centre_voxel"
        }
    }
    public var seed: UInt64, index: Int
    public var spacing: [Double]
    public var size: [Int]
    public var noiseHU: Double
    public var fullThorax: Bool
    public var tumours: [TumourInfo]
    enum CodingKeys: String, CodingKey {
        case seed, index, spacing, size, tumours
        case noiseHU = "noise_hu", fullThorax = "full_thorax"
    }
}

/// Knobs for making phantoms; the defaults make scanner-like cases. Tests shrink them for speed.
public struct PhantomOptions: Sendable {
    /// In-plane matrix (pixels per side). The field of view (mm) is drawn so the spacing is 0.6–0.9 mm at 512.
    public var matrix: Int
    /// At most this many slices: thin-slice cases become a slab around the tumours rather than the whole thorax.
    public var maxSlices: Int
    /// Cases like the real lung1: tumours 8–20 mm across (mostly solid, most against the chest wall,
    /// the mediastinum or a vessel) on 3 or 5 mm slices. Off: the default mix (Docs/phantom.md).
    public var smallThick: Bool
    /// Diaphragms with one to four round humps on the domes (`DiaphragmHump`) instead of two
    /// smooth domes. Off: the series made before humps existed, unchanged.
    public var lobulatedDiaphragm: Bool
    /// Lobar pulmonary arteries and inferior pulmonary veins about a centimetre across running into
    /// the lower lobes (`LobarVessels`). Off: the series made before they existed, unchanged.
    public var lobarVessels: Bool
    public init(matrix: Int = 512, maxSlices: Int = 160, smallThick: Bool = false, lobulatedDiaphragm: Bool = false,
                lobarVessels: Bool = false) {
        self.matrix = matrix; self.maxSlices = maxSlices; self.smallThick = smallThick
        self.lobulatedDiaphragm = lobulatedDiaphragm; self.lobarVessels = lobarVessels
    }

    /// The slice thicknesses (mm) cases are drawn from, each equally likely.
    public var thicknesses: [Double] { smallThick ? [3, 5] : [1.0, 1.25, 1.5, 2, 2.5, 3, 5] }
}

extension PhantomCase {
    /// Keeps in the label only each tumour's main part: the component holding the most of its
    /// labelled voxels near the centre. Thin spicule tips and slivers that the slice averaging cut
    /// off stay in the CT, as a radiologist would leave them out of the mask.
    static func keepMainParts(_ lab: inout [Float], of tumours: [Tumour], size: GridSize,
                              pixel: Double, thickness: Double, zLow: Double) {
        let comps = connectedComponents(of: Volume(size: size, spacing: [pixel, pixel, thickness], voxels: lab))
        var keep = Set<Int32>()
        for t in tumours {
            var votes: [Int32: Int] = [:]
            let r = t.radius * 0.8
            let k0 = max(Int((t.centre.z - r - zLow) / thickness), 0), k1 = min(Int((t.centre.z + r - zLow) / thickness), size.k - 1)
            let j0 = max(Int((t.centre.y - r) / pixel), 0), j1 = min(Int((t.centre.y + r) / pixel), size.j - 1)
            let i0 = max(Int((t.centre.x - r) / pixel), 0), i1 = min(Int((t.centre.x + r) / pixel), size.i - 1)
            guard k0 <= k1, j0 <= j1, i0 <= i1 else { continue }
            for k in k0...k1 { for j in j0...j1 { for i in i0...i1 {
                let l = comps.labels[i + size.i * (j + size.j * k)]
                if l > 0 { votes[l, default: 0] += 1 }
            } } }
            if let best = votes.max(by: { $0.value < $1.value })?.key { keep.insert(best) }
        }
        for idx in lab.indices where comps.labels[idx] > 0 && !keep.contains(comps.labels[idx]) { lab[idx] = 0 }
    }

    /// Makes case `index` of the series started by `seed`; the same pair always gives the same case.
    public static func generate(seed: UInt64, index: Int, options: PhantomOptions = PhantomOptions()) -> PhantomCase {
        var rng = SeededGenerator.derived(seed: seed, index: UInt64(index))
        // As on a scanner, the field of view fits the patient: 0.6–0.9 mm pixels at 512.
        var width = rng.uniform(265...345)
        let fov = min(max(width * rng.uniform(1.04...1.3), 0.6 * 512), 0.9 * 512)
        width = min(width, fov - 8)
        let pixel = fov / Double(options.matrix)
        let thickness = options.thicknesses[Int(rng.unit() * Double(options.thicknesses.count))]
        let anatomy = ChestAnatomy(width: width, fieldOfView: fov, lobulatedDiaphragm: options.lobulatedDiaphragm, rng: &rng)

        // Whole thorax from below the domes to above the apices, unless that needs too many slices.
        var zLow = rng.uniform(-35 ... -5), zHigh = anatomy.apexZ + rng.uniform(5...30)
        var slices = Int(((zHigh - zLow) / thickness).rounded())
        let fullThorax = slices <= options.maxSlices
        if !fullThorax {
            slices = options.maxSlices
            let extent = Double(slices) * thickness
            zLow = rng.uniform(anatomy.domeZ.1 - 20 ... max(anatomy.domeZ.1 - 20, anatomy.apexZ - 30 - extent))
            zHigh = zLow + extent
        }
        zHigh = zLow + Double(slices) * thickness
        let tubes = ChestTubes(anatomy, topZ: zHigh, lobarVessels: options.lobarVessels, rng: &rng)
        let placement = TumourPlacement(anatomy: anatomy, vessels: tubes.vessels, zRange: zLow...zHigh,
                                        smallThick: options.smallThick)
        var tumours = placement.tumours(rng: &rng)
        while tumours.isEmpty { tumours = placement.tumours(rng: &rng) }

        // Draw on sub-planes at most 1.25 mm apart; a thick slice is the mean of its sub-planes.
        let sub = max(1, Int((thickness / 1.25).rounded(.up)))
        var grid = FineGrid(ni: options.matrix, nj: options.matrix, nk: slices * sub,
                            pixel: pixel, dz: thickness / Double(sub), z0: zLow + thickness / Double(2 * sub))
        grid.fill(from: anatomy)
        for t in tubes.mediastinal + tubes.vessels + tubes.airways + tubes.bones { grid.paint(t) }
        for t in tumours { t.paint(on: &grid) }

        let averaged = grid.thickSlices(sub)
        var hu = averaged.hu, lab = averaged.label
        let inside = averaged.inside
        keepMainParts(&lab, of: tumours, size: GridSize(options.matrix, options.matrix, slices),
                      pixel: pixel, thickness: thickness, zLow: zLow)
        ScannerNoise.blurInPlane(&hu, ni: options.matrix, nj: options.matrix, nk: slices)
        let noise = rng.uniform(10...25)
        ScannerNoise.add(to: &hu, inside: inside, std: noise, airStd: 2.5,
                         ni: options.matrix, nj: options.matrix, nk: slices, rng: &rng)
        for idx in hu.indices { hu[idx] = min(max(hu[idx].rounded(), -1024), 3071) }

        // A scanner-like affine (as lung1's): i towards the patient's left, j towards the back,
        // so world x (RAS) falls with i and y falls with j; k runs upwards.
        let spacing = SIMD3(pixel, pixel, thickness)
        let x0 = pixel * Double(options.matrix) / 2 + rng.uniform(-15...15)
        let y0 = rng.uniform(150...340)
        let z0 = (rng.uniform(-900 ... -150) * 2).rounded() / 2
        let affine = Affine(rows: [-pixel, 0, 0, x0, 0, -pixel, 0, y0, 0, 0, thickness, z0, 0, 0, 0, 1])
        let size = GridSize(options.matrix, options.matrix, slices)
        let ct = Volume(size: size, spacing: spacing, affine: affine, voxels: hu, storedType: "int16")
        let label = Volume(size: size, spacing: spacing, affine: affine, voxels: lab, storedType: "uint8")
        let boxes = axialBoxes(of: label)
        let human = humanLikeBoxes(boxes, spacing: spacing, size: size, using: &rng)

        let comps = connectedComponents(of: label)
        let infos = tumours.map { t -> PhantomInfo.TumourInfo in
            let c = SIMD3(t.centre.x / pixel, t.centre.y / pixel, (t.centre.z - zLow) / thickness - 0.5)
            let i = Int(c.x.rounded()), j = Int(c.y.rounded()), k = Int(c.z.rounded())
            var object: Int? = nil
            if i >= 0, j >= 0, k >= 0, i < size.i, j < size.j, k < size.k {
                let l = comps.labels[label.index(i, j, k)]
                object = l > 0 ? Int(l) : nil
            }
            return .init(object: object, diameterMM: (2 * t.radius * 10).rounded() / 10, shape: t.shape.rawValue,
                         density: t.density.rawValue, place: t.place.rawValue,
                         centreVoxel: [c.x, c.y, c.z].map { ($0 * 10).rounded() / 10 })
        }
        let info = PhantomInfo(seed: seed, index: index, spacing: [pixel, pixel, thickness],
                               size: [size.i, size.j, size.k], noiseHU: (noise * 10).rounded() / 10,
                               fullThorax: fullThorax, tumours: infos)
        return PhantomCase(ct: ct, label: label, boxes: boxes, humanBoxes: human, info: info)
    }
}
