// The kernels of CKernels.h. Both keep 12 accumulators in ymm registers and read their operands
// in place (no packing): the product as a [4 outputs × 24 columns] block, per (row, tap) three
// loads and four weight broadcasts for 12 FMAs; the gradient as dot products of 4 dy rows with 3
// line views (3 taps of one line, or 3 lines), per 8 columns seven loads for 12 FMAs.
#include "CKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define KERNEL __attribute__((target("avx2,fma")))
// Inlined into callers that pass a constant `taps`, so the tap loop unrolls (a run-time trip
// count made the kernel slower than OpenBLAS).
#define INLINE KERNEL __attribute__((always_inline)) static inline

int tutor_lines_available(void) {
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return known;
}

/// One group of 4 outputs over 24 columns from j.
INLINE void product24(const float *wg, int k, int taps, const float *lines, long ldb, long j, float *p, long ldp) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    for (int r = 0; r < k; r++) {
        const float *l = lines + r * ldb + j;
        const float *w = wg + r * taps * 4;
        for (int kw = 0; kw < taps; kw++) {
            __m256 b0 = _mm256_loadu_ps(l + kw), b1 = _mm256_loadu_ps(l + kw + 8), b2 = _mm256_loadu_ps(l + kw + 16);
            __m256 w0 = _mm256_broadcast_ss(w + kw * 4), w1 = _mm256_broadcast_ss(w + kw * 4 + 1);
            a00 = _mm256_fmadd_ps(w0, b0, a00); a01 = _mm256_fmadd_ps(w0, b1, a01); a02 = _mm256_fmadd_ps(w0, b2, a02);
            a10 = _mm256_fmadd_ps(w1, b0, a10); a11 = _mm256_fmadd_ps(w1, b1, a11); a12 = _mm256_fmadd_ps(w1, b2, a12);
            __m256 w2 = _mm256_broadcast_ss(w + kw * 4 + 2), w3 = _mm256_broadcast_ss(w + kw * 4 + 3);
            a20 = _mm256_fmadd_ps(w2, b0, a20); a21 = _mm256_fmadd_ps(w2, b1, a21); a22 = _mm256_fmadd_ps(w2, b2, a22);
            a30 = _mm256_fmadd_ps(w3, b0, a30); a31 = _mm256_fmadd_ps(w3, b1, a31); a32 = _mm256_fmadd_ps(w3, b2, a32);
        }
    }
    float *p0 = p + j, *p1 = p0 + ldp, *p2 = p1 + ldp, *p3 = p2 + ldp;
    _mm256_storeu_ps(p0, a00); _mm256_storeu_ps(p0 + 8, a01); _mm256_storeu_ps(p0 + 16, a02);
    _mm256_storeu_ps(p1, a10); _mm256_storeu_ps(p1 + 8, a11); _mm256_storeu_ps(p1 + 16, a12);
    _mm256_storeu_ps(p2, a20); _mm256_storeu_ps(p2 + 8, a21); _mm256_storeu_ps(p2 + 16, a22);
    _mm256_storeu_ps(p3, a30); _mm256_storeu_ps(p3 + 8, a31); _mm256_storeu_ps(p3 + 16, a32);
}

/// The same over 8 columns (the remainder of a tile after its 24-column blocks).
INLINE void product8(const float *wg, int k, int taps, const float *lines, long ldb, long j, float *p, long ldp) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int r = 0; r < k; r++) {
        const float *l = lines + r * ldb + j;
        const float *w = wg + r * taps * 4;
        for (int kw = 0; kw < taps; kw++) {
            __m256 b = _mm256_loadu_ps(l + kw);
            a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + kw * 4), b, a0);
            a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + kw * 4 + 1), b, a1);
            a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + kw * 4 + 2), b, a2);
            a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + kw * 4 + 3), b, a3);
        }
    }
    _mm256_storeu_ps(p + j, a0); _mm256_storeu_ps(p + ldp + j, a1);
    _mm256_storeu_ps(p + 2 * ldp + j, a2); _mm256_storeu_ps(p + 3 * ldp + j, a3);
}

/// All groups of 4 rows over all n columns, for a constant `taps`.
INLINE void productTaps(const float *packed, int m, int k, int taps, const float *lines, long ldb, int n,
                        float *product, long ldp) {
    long groupWeights = (long)k * taps * 4;
    // Column blocks outside, output groups inside: a block's k short line segments stay in L1
    // for every group.
    long j = 0;
    for (; j + 24 <= n; j += 24)
        for (int g = 0; g < m / 4; g++) product24(packed + g * groupWeights, k, taps, lines, ldb, j, product + 4L * g * ldp, ldp);
    for (; j + 8 <= n; j += 8)
        for (int g = 0; g < m / 4; g++) product8(packed + g * groupWeights, k, taps, lines, ldb, j, product + 4L * g * ldp, ldp);
    for (int g = 0; g < m / 4; g++) {
        const float *wg = packed + g * groupWeights;
        float *p = product + 4L * g * ldp;
        for (long jj = j; jj < n; jj++) {   // the last few columns, one at a time
            float s[4] = {0, 0, 0, 0};
            for (int r = 0; r < k; r++) {
                const float *l = lines + r * ldb + jj, *w = wg + r * taps * 4;
                for (int kw = 0; kw < taps; kw++)
                    for (int c = 0; c < 4; c++) s[c] += w[kw * 4 + c] * l[kw];
            }
            for (int c = 0; c < 4; c++) p[c * ldp + jj] = s[c];
        }
    }
}

KERNEL void tutor_lines_product(const float *packed, int m, int k, int taps, const float *lines, long ldb, int n,
                                float *product, long ldp) {
    if (!tutor_lines_available()) return;
    if (taps == 3) productTaps(packed, m, k, 3, lines, ldb, n, product, ldp);
    else productTaps(packed, m, k, 1, lines, ldb, n, product, ldp);
}

KERNEL static float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/// s[c][i] = Σ_{j<n} d_c[j] · v_i[j]: four dy rows against three line views.
KERNEL static void dot4x3(const float *const d[4], const float *const v[3], long n, float s[4][3]) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    const float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3], *v0 = v[0], *v1 = v[1], *v2 = v[2];
    long n8 = n / 8 * 8;
    for (long j = 0; j < n8; j += 8) {
        __m256 l0 = _mm256_loadu_ps(v0 + j), l1 = _mm256_loadu_ps(v1 + j), l2 = _mm256_loadu_ps(v2 + j);
        __m256 y = _mm256_loadu_ps(d0 + j);
        a00 = _mm256_fmadd_ps(y, l0, a00); a01 = _mm256_fmadd_ps(y, l1, a01); a02 = _mm256_fmadd_ps(y, l2, a02);
        y = _mm256_loadu_ps(d1 + j);
        a10 = _mm256_fmadd_ps(y, l0, a10); a11 = _mm256_fmadd_ps(y, l1, a11); a12 = _mm256_fmadd_ps(y, l2, a12);
        y = _mm256_loadu_ps(d2 + j);
        a20 = _mm256_fmadd_ps(y, l0, a20); a21 = _mm256_fmadd_ps(y, l1, a21); a22 = _mm256_fmadd_ps(y, l2, a22);
        y = _mm256_loadu_ps(d3 + j);
        a30 = _mm256_fmadd_ps(y, l0, a30); a31 = _mm256_fmadd_ps(y, l1, a31); a32 = _mm256_fmadd_ps(y, l2, a32);
    }
    s[0][0] = sum8(a00); s[0][1] = sum8(a01); s[0][2] = sum8(a02);
    s[1][0] = sum8(a10); s[1][1] = sum8(a11); s[1][2] = sum8(a12);
    s[2][0] = sum8(a20); s[2][1] = sum8(a21); s[2][2] = sum8(a22);
    s[3][0] = sum8(a30); s[3][1] = sum8(a31); s[3][2] = sum8(a32);
    for (long j = n8; j < n; j++)
        for (int c = 0; c < 4; c++)
            for (int i = 0; i < 3; i++) s[c][i] += d[c][j] * v[i][j];
}

KERNEL void tutor_lines_gradient(const float *dy, long lddy, int m, const float *lines, long ldb, int k, int n,
                                 int taps, float *dw) {
    if (!tutor_lines_available()) return;
    for (int g = 0; g < m / 4; g++) {
        const float *d[4] = {dy + 4L * g * lddy, dy + (4L * g + 1) * lddy, dy + (4L * g + 2) * lddy, dy + (4L * g + 3) * lddy};
        float s[4][3];
        if (taps == 3) {   // one line at its three shifts: dw[kw][co][r]
            for (int r = 0; r < k; r++) {
                const float *l = lines + r * ldb;
                const float *v[3] = {l, l + 1, l + 2};
                dot4x3(d, v, n, s);
                for (int c = 0; c < 4; c++)
                    for (int kw = 0; kw < 3; kw++) dw[((long)kw * m + 4 * g + c) * k + r] += s[c][kw];
            }
        } else {           // three lines at a time: dw[co][r]
            for (int r = 0; r < k; r += 3) {
                int count = k - r < 3 ? k - r : 3;
                // A short last group repeats its first line; those sums are dropped.
                const float *v[3];
                for (int i = 0; i < 3; i++) v[i] = lines + (long)(r + (i < count ? i : 0)) * ldb;
                dot4x3(d, v, n, s);
                for (int c = 0; c < 4; c++)
                    for (int i = 0; i < count; i++) dw[(4L * g + c) * k + r + i] += s[c][i];
            }
        }
    }
}

#else
int tutor_lines_available(void) { return 0; }
void tutor_lines_product(const float *packed, int m, int k, int taps, const float *lines, long ldb, int n,
                         float *product, long ldp) {}
void tutor_lines_gradient(const float *dy, long lddy, int m, const float *lines, long ldb, int k, int n,
                          int taps, float *dw) {}
#endif

void tutor_lines_pack(const float *a, int m, int k, int taps, float *packed) {
    for (int g = 0; g < m / 4; g++)
        for (int r = 0; r < k; r++)
            for (int kw = 0; kw < taps; kw++)
                for (int c = 0; c < 4; c++)
                    packed[(((long)g * k + r) * taps + kw) * 4 + c] = a[((long)(4 * g + c) * k + r) * taps + kw];
}
