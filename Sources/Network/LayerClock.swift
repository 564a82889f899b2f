import Foundation

/// Wall time per layer and pass, for `tutor bench teacher --layers`: where a forward pass and a
/// training step spend their time. The graph times each block only while a clock is attached.
public final class LayerClock: @unchecked Sendable {
    public enum Pass: String, Sendable { case forward, training, backward }

    /// Seconds summed per (layer, pass) over every timed pass, and how many passes of each kind ran.
    public private(set) var seconds: [String: [Pass: Double]] = [:]
    /// Layers in the order they first ran.
    public private(set) var layers: [String] = []

    public init() {}

    func measure<R>(_ layer: String, _ pass: Pass, _ body: () -> R) -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if seconds[layer] == nil { layers.append(layer) }
        seconds[layer, default: [:]][pass, default: 0] += elapsed
        return result
    }
}
