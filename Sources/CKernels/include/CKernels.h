// Hand-written AVX2 + FMA kernels for the engine's products with few rows: the shifted-line
// convolution of the narrow layers (Conv3Shifted) and the 64 per-point products of Winograd's
// F(2,3) (Winograd3). OpenBLAS packs every operand, which for products of 8 to 32 rows costs
// about as much as the arithmetic on CPUs without its unpacked small-matrix kernel; these read
// their operands in place. They run only where the CPU has AVX2 and FMA (tutor_lines_available);
// elsewhere, and in Double, the engine keeps OpenBLAS.
//
// "taps" is 3 for the shifted lines (row r read at offsets 0, 1, 2: the three kernel taps along
// x) and 1 for a plain product.
#ifndef TUTOR_CKERNELS_H
#define TUTOR_CKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU runs the kernels below (x86-64 with AVX2 and FMA), else 0.
int tutor_lines_available(void);

/// Reorders a[m][k][taps] (row-major; PyTorch's Conv3d weights [Cout][Cin·9][3] for taps 3) into
/// the product kernel's order: packed[((g·k + r)·taps + t)·4 + c] = a[4g + c][r][t]. m must be a
/// multiple of 4; packed holds m·k·taps floats.
void tutor_lines_pack(const float *a, int m, int k, int taps, float *packed);

/// product[i][j] = Σ_r Σ_t a[i][r][t] · lines[r][j + t] for i < m, j < n, with a packed by
/// tutor_lines_pack. lines: k rows `ldb` apart, each readable up to index n + taps − 2; product:
/// m rows `ldp` apart, overwritten. Does nothing unless tutor_lines_available().
void tutor_lines_product(const float *packed, int m, int k, int taps, const float *lines, long ldb, int n,
                         float *product, long ldp);

/// dw[t][i][r] += Σ_j dy[i][j] · lines[r][j + t] for j < n (taps 3), or dw[i][r] += Σ_j dy[i][j] ·
/// lines[r][j] (taps 1). dy: m rows `lddy` apart, m a multiple of 4; lines as in
/// tutor_lines_product. Does nothing unless tutor_lines_available().
void tutor_lines_gradient(const float *dy, long lddy, int m, const float *lines, long ldb, int k, int n,
                          int taps, float *dw);

#ifdef __cplusplus
}
#endif
#endif
