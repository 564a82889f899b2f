import ArgumentParser

/// `tutor model …`: work with UNet3D weights files directly.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Run a UNet3D weights file (safetensors, see MODEL.md) on tensors.",
        subcommands: [ModelForward.self]
    )
}
