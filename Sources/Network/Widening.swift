import Volumes

/// Function-preserving widening (Net2Net's "wider" transform): a UNet3D with more channels per
/// level that computes what this one computes, so training can go on from it with more capacity.
///
/// New channel j of a level copies old channel j mod c (weights, bias, norm affine, PReLU slope).
/// A copy's conv output equals its original's, and InstanceNorm and PReLU act per channel, so the
/// copies' activations are equal too. Every layer that reads the level then splits the original's
/// input weight among its copies in random shares summing to one: the sum it computes is unchanged,
/// while the copies receive different gradients and drift apart in training (equal shares would
/// keep them identical forever).
extension UNet3D {
    public func widened(to channels: [Int], seed: UInt64 = 1) throws -> UNet3D {
        let old = config.channels
        guard channels.count == old.count else {
            throw TutorError("cannot widen a \(old.count)-level network to \(channels.count) levels; widening keeps the depth.")
        }
        if let n = channels.indices.first(where: { channels[$0] < old[$0] }) {
            throw TutorError("cannot widen level \(n) from \(old[n]) to \(channels[n]) channels; widening only adds channels.")
        }
        let wider = UNet3D(config: UNetConfig(inChannels: config.inChannels, outChannels: config.outChannels,
                                              channels: channels, decoders: config.decoders))
        wider.info = info
        wider.info["train.widened_from"] = old.map(String.init).joined(separator: ",")
        var rng = SeededGenerator(seed: seed)
        /// Level `i` as a layer's output axis: each new channel's source, unscaled.
        func produced(_ i: Int) -> ChannelMap { ChannelMap(old: old[i], new: channels[i]) }
        /// Level `i` as a layer's input axis: sources with random shares per original channel.
        func read(_ i: Int) -> ChannelMap { ChannelMap(old: old[i], new: channels[i], shares: &rng) }
        let identityIn = ChannelMap(old: config.inChannels, new: config.inChannels)
        let identityHead = ChannelMap(old: config.headChannels, new: config.headChannels)

        for (name, shape) in wider.config.parameterShapes {
            let parts = name.split(separator: ".").map(String.init)
            let layer = parts[0].split(separator: "_").last.map(String.init) ?? parts[0]   // "dec2_dec1" → "dec1"
            let kind = String(layer.prefix { !$0.isNumber }), level = Int(layer.drop { !$0.isNumber }) ?? 0
            let axes: [ChannelMap]
            switch (kind, parts.dropFirst().joined(separator: ".")) {
            case ("enc", "0.conv.weight"): axes = [produced(level), level == 0 ? identityIn : read(level - 1)]
            case ("dec", "up.conv.weight"): axes = [read(level + 1), produced(level)]     // ConvTranspose3d: in first
            case ("dec", "0.conv.weight"): axes = [produced(level), read(level).concatenated(read(level))]   // [skip, up]
            case (_, "1.conv.weight"): axes = [produced(level), read(level)]
            case ("head", "weight"): axes = [identityHead, read(0)]
            case ("head", "bias"): axes = [identityHead]
            default: axes = [produced(level)]    // conv bias, norm weight and bias, PReLU slope
            }
            let from = graph.param(name), to = wider.graph.param(name)
            let inner = shape.dropFirst(axes.count).reduce(1, *)
            let oldSecond = axes.count > 1 ? axes[1].oldCount : 1, newSecond = axes.count > 1 ? shape[1] : 1
            for a in 0..<shape[0] { for b in 0..<newSecond {
                let scale = axes[0].scale[a] * (axes.count > 1 ? axes[1].scale[b] : 1)
                let src = ((axes[0].source[a] * oldSecond) + (axes.count > 1 ? axes[1].source[b] : 0)) * inner
                let dst = (a * newSecond + b) * inner
                for r in 0..<inner { to[dst + r] = from[src + r] * scale }
            } }
        }
        return wider
    }
}

/// How the channels of one tensor axis in the wider network come from the narrower one's.
struct ChannelMap {
    /// Per new channel: the old channel it copies, and the factor on its weights.
    var source: [Int], scale: [Float]
    var oldCount: Int

    /// An output axis: channel j copies j mod old, unscaled.
    init(old: Int, new: Int) {
        source = (0..<new).map { $0 % old }; scale = Array(repeating: 1, count: new); oldCount = old
    }

    /// An input axis: as an output axis, and each old channel's copies share its weight in random
    /// parts that sum to one (no part under a third of another).
    init(old: Int, new: Int, shares rng: inout SeededGenerator) {
        self.init(old: old, new: new)
        for m in 0..<old {
            let copies = source.indices.filter { source[$0] == m }
            guard copies.count > 1 else { continue }
            let raw = copies.map { _ in rng.uniform(0.25...0.75) }
            let total = raw.reduce(0, +)
            for (c, r) in zip(copies, raw) { scale[c] = Float(r / total) }
        }
    }

    /// Two axes side by side (a channel concatenation): the second's sources follow the first's.
    func concatenated(_ other: ChannelMap) -> ChannelMap {
        var joined = self
        joined.source += other.source.map { $0 + oldCount }
        joined.scale += other.scale
        joined.oldCount += other.oldCount
        return joined
    }
}
