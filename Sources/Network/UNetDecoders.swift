import Volumes

/// The second decoder of the dual-output student (our extension of MODEL.md, which leaves the
/// names to us under a `dec2_` prefix): metadata `decoders` = 2, and every decoder and head
/// tensor of MODEL.md again with `dec2_` in front (`dec2_dec0.up.conv.weight`, `dec2_head.bias`).
/// Keeping the whole MODEL.md name after the prefix makes the second decoder a PyTorch module
/// `dec2_dec{i}` beside `dec{i}`, and its tensors map to MODEL.md's by dropping the prefix.
extension UNetConfig {
    /// The metadata key; absent means 1, so every MODEL.md file keeps its meaning.
    public static let decodersKey = "decoders"

    /// Prefix of decoder `d`'s tensor names (0-based): none for the first, `dec2_` for the second.
    public static func decoderPrefix(_ d: Int) -> String { d == 0 ? "" : "dec\(d + 1)_" }

    /// Output channels of each decoder's head: all of them with one decoder, one each with two.
    public var headChannels: Int { decoders == 1 ? outChannels : 1 }

    /// Reads `decoders` from a file's metadata; `file` names the source in the error.
    static func decoders(metadata m: [String: String], outChannels: Int, file: String) throws -> Int {
        let decoders: Int
        switch m[decodersKey]?.trimmingCharacters(in: .whitespaces) {
        case nil, "1": decoders = 1
        case "2": decoders = 2
        case let other?: throw TutorError("\(file): metadata '\(decodersKey)' is '\(other)', expected 1 or 2.")
        }
        guard decoders == 1 || outChannels == 2 else {
            throw TutorError("\(file): metadata '\(decodersKey)' is 2 but 'out_channels' is \(outChannels); a two-decoder UNet3D has one output channel per decoder, so 2.")
        }
        return decoders
    }

    /// "a 5-level UNet3D" or "a 5-level two-decoder UNet3D", for messages.
    var summary: String { "a \(levels)-level \(decoders == 2 ? "two-decoder " : "")UNet3D with channels \(metadata["channels"]!)" }
}
