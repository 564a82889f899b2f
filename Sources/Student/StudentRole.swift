/// What a student's weights file says it is (`__metadata__` key `role`, MODEL.md).
public enum StudentVariant: String, CaseIterable, Sendable {
    /// Trained on strong labels only (the paper's baseline).
    case baseline
    /// Single output: trained on strong + pseudo-strong labels.
    case so
    /// Dual output: a second decoder on the same encoder predicts the per-slice box mask of each
    /// tumour, as the second output channel.
    case `do`

    /// The `role` metadata value.
    public var role: String {
        switch self {
        case .baseline: return "student-baseline"
        case .so: return "student-so"
        case .do: return "student-do"
        }
    }

    public init?(role: String) {
        guard let v = Self.allCases.first(where: { $0.role == role }) else { return nil }
        self = v
    }

    public var outChannels: Int { self == .do ? 2 : 1 }
    /// The dual-output student has a second decoder for the box mask (Docs/student.md).
    public var decoders: Int { self == .do ? 2 : 1 }
    /// Whether training uses accepted pseudo-strong labels as well as strong ones.
    public var usesPseudoLabels: Bool { self != .baseline }
}
