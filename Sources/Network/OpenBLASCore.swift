import COpenBLAS
import Foundation

/// Debian's OpenBLAS (0.3.21, DYNAMIC_ARCH) does not recognise newer Xeons (this machine's
/// family 6 model 207) and falls back to its generic "Prescott" kernels, several times slower
/// than the AVX-512 ones the CPU can run. OpenBLAS picks its kernels when it loads, from
/// OPENBLAS_CORETYPE or CPUID; when it chose Prescott and the user did not ask for a core, this
/// selects the kernels the CPU's flags allow, through OpenBLAS's own dynamic-dispatch entry
/// points (the same path OPENBLAS_CORETYPE takes at load time).
enum OpenBLASCore {
    static func selectKernels() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              String(cString: openblas_get_corename()) == "Prescott",
              let flags = cpuFlags() else { return }
        let core: String
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") { core = "SkylakeX" }
        else if flags.contains("avx2") && flags.contains("fma") { core = "Haswell" }
        else { return }
        guard let quit = symbol("gotoblas_dynamic_quit"),
              let initialise = symbol("gotoblas_dynamic_init") else { return }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", core, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialise, to: Entry.self)()
        unsetenv("OPENBLAS_CORETYPE")
    }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(dlopen(nil, RTLD_NOW), name)
    }

    /// The `flags` line of /proc/cpuinfo (Linux), as a set.
    private static func cpuFlags() -> Set<Substring>? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        return Set(line.split(separator: " "))
    }
}
