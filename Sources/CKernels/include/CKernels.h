// Hand-written AVX2 + FMA kernels for the engine's narrow stride-1 convolutions (Conv3Shifted).
// Swift builds for baseline x86-64 and OpenBLAS packs every operand, which for the 8-channel
// layers of a 128³ teacher costs more than the arithmetic; these kernels read the padded lines in
// place. They run only where the CPU has AVX2 and FMA (tutor_lines_available); elsewhere, and for
// Double, the engine keeps the GEMM path.
#ifndef TUTOR_CKERNELS_H
#define TUTOR_CKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU runs the kernels below (x86-64 with AVX2 and FMA), else 0.
int tutor_lines_available(void);

/// Reorders PyTorch's Conv3d weights [cout][cin][3][3][3] (r = ci·9 + kd·3 + kh, kw innermost)
/// into the forward kernel's order: packed[((g·k + r)·3 + kw)·4 + c] = w[4g + c][r][kw], with
/// k = 9·cin. cout must be a multiple of 4; packed holds 27·cout·cin floats.
void tutor_lines_pack_weights(const float *w, int cout, int cin, float *packed);

/// product[co][j] = Σ_r Σ_kw w[co][r][kw] · lines[r][j + kw] for co < cout, j < n, with the
/// weights packed by tutor_lines_pack_weights. lines: k rows `ldb` apart, each readable up to
/// index n + 1; product: cout rows `ldp` apart. Does nothing unless tutor_lines_available().
void tutor_lines_forward(const float *packed, int cout, int k, const float *lines, long ldb, int n,
                         float *product, long ldp);

/// dw[kw][co][r] += Σ_j dy[co][j] · lines[r][j + kw] for j < n (the per-tap weight gradient,
/// [3][cout][k]). dy: cout rows `lddy` apart; lines as in tutor_lines_forward. cout must be a
/// multiple of 4. Does nothing unless tutor_lines_available().
void tutor_lines_weight_gradient(const float *dy, long lddy, int cout, const float *lines, long ldb, int k,
                                 int n, float *dw);

#ifdef __cplusplus
}
#endif
#endif
