/// The voxel datatypes `tutor` reads from and writes to NIfTI and NRRD files.
/// Raw values are the NIfTI-1 `datatype` codes.
public enum VoxelType: Int, CaseIterable, Sendable {
    case uint8 = 2, int16 = 4, int32 = 8, float32 = 16, float64 = 64
    case int8 = 256, uint16 = 512, uint32 = 768, int64 = 1024, uint64 = 1280

    /// Bytes per voxel.
    public var size: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// The numpy-style name (`int16`, `float32`, …) that `tutor info` prints.
    public var name: String { "\(self)" }

    /// The type named `name` (as `name` prints it), if any.
    public init?(name: String) {
        guard let t = VoxelType.allCases.first(where: { $0.name == name }) else { return nil }
        self = t
    }

    /// The NIfTI names of datatypes that exist but that a CT or mask never uses.
    static func unsupportedName(code: Int) -> String? {
        switch code {
        case 1: return "binary (1 bit)"
        case 32: return "complex64"
        case 128: return "RGB24"
        case 1536: return "float128"
        case 1792: return "complex128"
        case 2048: return "complex256"
        case 2304: return "RGBA32"
        default: return nil
        }
    }
}
