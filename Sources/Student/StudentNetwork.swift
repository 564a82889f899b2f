import Foundation
import Network
import Teacher
import Volumes

/// A trained student: a 5-level UNet3D that maps one lung crop (the z-scored CT, 1 channel) to tumour
/// probabilities (channel 0; the dual-output student's channel 1, the box mask, is only a training aid,
/// so its box decoder is not run here).
public final class StudentNetwork {
    public let net: UNet3D
    public let variant: StudentVariant
    /// Identifies the weights in provenance records (FNV-1a 64 of the file's bytes).
    public let weightsHash: String
    /// Largest side (voxels, a multiple of 16) of one forward pass; larger crops are tiled with
    /// overlapping windows whose probabilities are averaged.
    public var maxTile = 192

    public init(net: UNet3D, variant: StudentVariant, weightsHash: String) {
        self.net = net; self.variant = variant; self.weightsHash = weightsHash
    }

    /// Loads a student's weights; refuses a teacher's file or one whose channels do not fit.
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TutorError("cannot read student weights \(url.path): the file is missing or unreadable.")
        }
        let net = try UNet3D(contentsOf: url)
        let role = net.info["role"] ?? StudentVariant.so.role
        guard let variant = StudentVariant(role: role) else {
            throw TutorError("\(url.path) holds a '\(role)' network, not a student (student-baseline, student-so or student-do).")
        }
        guard net.config.inChannels == 1, net.config.outChannels == variant.outChannels else {
            throw TutorError("\(url.path): a \(role) needs 1 input and \(variant.outChannels) output channels, the file has \(net.config.inChannels) and \(net.config.outChannels).")
        }
        self.init(net: net, variant: variant, weightsHash: fnv1a64(data))
    }

    /// The segmenting options stored with the weights (`tutor student tune`), if any.
    public var recommendedOptions: SegmentOptions? { SegmentOptions(metadata: net.info) }

    /// Tumour probabilities (channel 0) of a crop whose sides are multiples of 2^(levels−1), in Volume order.
    public func probabilities(_ crop: Volume) throws -> [Float] {
        let s = crop.size, unit = 1 << (net.config.levels - 1)
        guard s.i % unit == 0, s.j % unit == 0, s.k % unit == 0 else {
            throw TutorError("a student crop of \(s) voxels is not a multiple of \(unit) on every axis.")
        }
        let tile = max(unit, maxTile / unit * unit)
        if s.i <= tile && s.j <= tile && s.k <= tile {
            return ChannelPacking.unpack(try tumour(ChannelPacking.pack([crop.voxels], size: s)), channel: 0)
        }
        var sum = [Float](repeating: 0, count: s.count), hits = [Float](repeating: 0, count: s.count)
        let t = GridSize(min(tile, s.i), min(tile, s.j), min(tile, s.k))
        for z in starts(s.k, t.k) { for y in starts(s.j, t.j) { for x in starts(s.i, t.i) {
            let o = SIMD3(x, y, z)
            let window = block(crop.voxels, s, o, t)
            let p = ChannelPacking.unpack(try tumour(ChannelPacking.pack([window], size: t)), channel: 0)
            for c in 0..<t.k { for b in 0..<t.j { for a in 0..<t.i {
                let v = (o.x + a) + s.i * ((o.y + b) + s.j * (o.z + c))
                sum[v] += p[a + t.i * (b + t.j * c)]; hits[v] += 1
            } } }
        } } }
        for v in sum.indices { sum[v] /= max(hits[v], 1) }
        return sum
    }

    /// The first decoder's output, whose channel 0 is the tumour (a single-decoder DO file, from before
    /// the second decoder, gives both channels from its one decoder).
    func tumour(_ x: Tensor) throws -> Tensor { try net.forward(x, firstDecoderOnly: true) }

    /// Window starts covering 0..<n with windows of `t`, evenly spread (overlapping where needed).
    func starts(_ n: Int, _ t: Int) -> [Int] {
        guard n > t else { return [0] }
        let count = (n - t + t / 2 - 1) / (t / 2) + 1
        return (0..<count).map { (n - t) * $0 / (count - 1) }
    }
}

/// The sub-block of size `t` at offset `o` of a Volume-ordered block of size `s`.
func block<T: Numeric>(_ src: [T], _ s: GridSize, _ o: SIMD3<Int>, _ t: GridSize) -> [T] {
    var out = [T](repeating: 0, count: t.count)
    for c in 0..<t.k { for b in 0..<t.j {
        let from = o.x + s.i * ((o.y + b) + s.j * (o.z + c)), to = t.i * (b + t.j * c)
        for a in 0..<t.i { out[to + a] = src[from + a] }
    } }
    return out
}

/// A Volume-ordered block of size `t`, mirrored along i when `flip`.
func mirrored<T>(_ a: [T], _ t: GridSize, _ flip: Bool) -> [T] {
    guard flip else { return a }
    var out = a
    for row in stride(from: 0, to: a.count, by: t.i) {
        for x in 0..<t.i { out[row + x] = a[row + t.i - 1 - x] }
    }
    return out
}
