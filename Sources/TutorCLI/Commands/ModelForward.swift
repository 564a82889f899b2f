import ArgumentParser
import Foundation
import Network
import Volumes

/// `tutor model forward --weights W --input IN --output OUT`
struct ModelForward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "One forward pass: reads tensor 'input' [1, C, A, B, C'] from a safetensors file and writes tensor 'output'.",
        discussion: """
        The network's shape comes from the weights file's metadata (format unet3d, version 1, \
        in_channels, out_channels, channels). Each spatial size of the input must be divisible \
        by 2^(levels-1). The output holds sigmoid probabilities, one channel per output channel.
        """
    )

    @Option(name: .long, help: "The UNet3D weights (safetensors).")
    var weights: String

    @Option(name: .long, help: "A safetensors file with a float32 tensor named 'input'.")
    var input: String

    @Option(name: .long, help: "Where to write the safetensors file with the tensor 'output' (replaced atomically).")
    var output: String

    @Option(name: .long, help: "Worker threads (default: every core).")
    var threads: Int?

    func run() throws {
        if let threads { Engine.threads = threads }
        let net = try UNet3D(contentsOf: URL(fileURLWithPath: weights))
        let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: input))
        let x = try file.tensor("input", in: input)
        let y = try net.forward(x, name: input)
        try SafetensorsFile(tensors: ["output": y]).write(to: URL(fileURLWithPath: output))
    }
}
