import Foundation

/// nnU-Net's appearance augmentations for a training cube: now and then Gaussian noise, a Gaussian
/// blur and a change of contrast, so that a network trained on phantoms leans less on their exact
/// look (noise level, edge sharpness, tissue contrast) and more on shape.
///
/// Works on one channel of a cube of `size` in Volume order (i fastest), values z-scored (unit
/// spread), in place. Probabilities and ranges are nnU-Net's defaults.
public struct AppearanceAugmentation: Sendable {
    public var noiseChance = 0.15, noiseVariance = 0.0...0.1
    public var blurChance = 0.2, blurSigma = 0.5...1.0           // voxels, per axis
    public var contrastChance = 0.15, contrastFactor = 0.75...1.25
    public init() {}

    public func apply(_ x: inout [Float], size: GridSize, using rng: inout SeededGenerator) {
        if rng.unit() < noiseChance {
            let std = rng.uniform(noiseVariance).squareRoot()
            for n in x.indices { x[n] += Float(rng.normal() * std) }
        }
        if rng.unit() < blurChance {
            for axis in 0..<3 { gaussianBlur(&x, size: size, axis: axis, sigma: rng.uniform(blurSigma)) }
        }
        if rng.unit() < contrastChance { scaleContrast(&x, by: Float(rng.uniform(contrastFactor))) }
    }
}

/// Blurs along one axis (0: i, 1: j, 2: k) with a Gaussian of `sigma` voxels, truncated at 3σ and
/// renormalised, edges clamped: a constant stays constant.
public func gaussianBlur(_ x: inout [Float], size: GridSize, axis: Int, sigma: Double) {
    let radius = max(1, Int((3 * sigma).rounded(.up)))
    var weights = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
    let total = weights.reduce(0, +)
    weights = weights.map { $0 / total }
    let length = [size.i, size.j, size.k][axis]
    let stride = [1, size.i, size.i * size.j][axis]
    var line = [Float](repeating: 0, count: length)
    // One line per voxel whose coordinate along `axis` is 0.
    for start in 0..<size.count where (start / stride) % length == 0 {
        for t in 0..<length { line[t] = x[start + t * stride] }
        for t in 0..<length {
            var sum: Float = 0
            for (w, d) in zip(weights, -radius...radius) { sum += w * line[min(max(t + d, 0), length - 1)] }
            x[start + t * stride] = sum
        }
    }
}

/// Scales the values' spread about their mean by `factor`; the mean stays.
public func scaleContrast(_ x: inout [Float], by factor: Float) {
    let mean = x.reduce(0, +) / Float(max(x.count, 1))
    for n in x.indices { x[n] = (x[n] - mean) * factor + mean }
}
