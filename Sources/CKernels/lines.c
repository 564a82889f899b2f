// The shifted-line convolution kernels of CKernels.h: a [4 outputs × 24 columns] register block
// for the forward pass and [4 outputs × 3 taps] dot products for the weight gradient, both
// reading each padded input line in place (no packing), 12 accumulators in ymm registers.
#include "CKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define KERNEL __attribute__((target("avx2,fma")))

int tutor_lines_available(void) {
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return known;
}

/// One group of 4 outputs over 24 columns from j: 12 accumulators, per (r, kw) three line loads
/// and four weight broadcasts for 12 FMAs.
KERNEL static void forward24(const float *wg, int k, const float *lines, long ldb, long j, float *p, long ldp) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    for (int r = 0; r < k; r++) {
        const float *l = lines + r * ldb + j;
        const float *w = wg + r * 12;
        for (int kw = 0; kw < 3; kw++) {
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
KERNEL static void forward8(const float *wg, int k, const float *lines, long ldb, long j, float *p, long ldp) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int r = 0; r < k; r++) {
        const float *l = lines + r * ldb + j;
        const float *w = wg + r * 12;
        for (int kw = 0; kw < 3; kw++) {
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

KERNEL void tutor_lines_forward(const float *packed, int cout, int k, const float *lines, long ldb, int n,
                                float *product, long ldp) {
    if (!tutor_lines_available()) return;
    // Column blocks outside, output groups inside: a block's k short line segments stay in L1
    // for every group.
    long j = 0;
    for (; j + 24 <= n; j += 24)
        for (int g = 0; g < cout / 4; g++) forward24(packed + (long)g * k * 12, k, lines, ldb, j, product + 4L * g * ldp, ldp);
    for (; j + 8 <= n; j += 8)
        for (int g = 0; g < cout / 4; g++) forward8(packed + (long)g * k * 12, k, lines, ldb, j, product + 4L * g * ldp, ldp);
    for (int g = 0; g < cout / 4; g++) {
        const float *wg = packed + (long)g * k * 12;
        float *p = product + 4L * g * ldp;
        for (long jj = j; jj < n; jj++) {   // the last few columns, one at a time
            float s[4] = {0, 0, 0, 0};
            for (int r = 0; r < k; r++) {
                const float *l = lines + r * ldb + jj, *w = wg + r * 12;
                for (int kw = 0; kw < 3; kw++)
                    for (int c = 0; c < 4; c++) s[c] += w[kw * 4 + c] * l[kw];
            }
            for (int c = 0; c < 4; c++) p[c * ldp + jj] = s[c];
        }
    }
}

KERNEL static float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

KERNEL void tutor_lines_weight_gradient(const float *dy, long lddy, int cout, const float *lines, long ldb, int k,
                                        int n, float *dw) {
    if (!tutor_lines_available()) return;
    long n8 = n / 8 * 8;
    for (int g = 0; g < cout / 4; g++) {
        const float *d0 = dy + 4L * g * lddy, *d1 = d0 + lddy, *d2 = d1 + lddy, *d3 = d2 + lddy;
        for (int r = 0; r < k; r++) {
            const float *l = lines + r * ldb;
            __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
            __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
            for (long j = 0; j < n8; j += 8) {
                __m256 l0 = _mm256_loadu_ps(l + j), l1 = _mm256_loadu_ps(l + j + 1), l2 = _mm256_loadu_ps(l + j + 2);
                __m256 y = _mm256_loadu_ps(d0 + j);
                a00 = _mm256_fmadd_ps(y, l0, a00); a01 = _mm256_fmadd_ps(y, l1, a01); a02 = _mm256_fmadd_ps(y, l2, a02);
                y = _mm256_loadu_ps(d1 + j);
                a10 = _mm256_fmadd_ps(y, l0, a10); a11 = _mm256_fmadd_ps(y, l1, a11); a12 = _mm256_fmadd_ps(y, l2, a12);
                y = _mm256_loadu_ps(d2 + j);
                a20 = _mm256_fmadd_ps(y, l0, a20); a21 = _mm256_fmadd_ps(y, l1, a21); a22 = _mm256_fmadd_ps(y, l2, a22);
                y = _mm256_loadu_ps(d3 + j);
                a30 = _mm256_fmadd_ps(y, l0, a30); a31 = _mm256_fmadd_ps(y, l1, a31); a32 = _mm256_fmadd_ps(y, l2, a32);
            }
            float s[4][3] = {
                {sum8(a00), sum8(a01), sum8(a02)}, {sum8(a10), sum8(a11), sum8(a12)},
                {sum8(a20), sum8(a21), sum8(a22)}, {sum8(a30), sum8(a31), sum8(a32)},
            };
            const float *rows[4] = {d0, d1, d2, d3};
            for (long j = n8; j < n; j++)
                for (int c = 0; c < 4; c++)
                    for (int kw = 0; kw < 3; kw++) s[c][kw] += rows[c][j] * l[j + kw];
            for (int c = 0; c < 4; c++)
                for (int kw = 0; kw < 3; kw++) dw[((long)kw * cout + 4 * g + c) * k + r] += s[c][kw];
        }
    }
}

#else
int tutor_lines_available(void) { return 0; }
void tutor_lines_forward(const float *packed, int cout, int k, const float *lines, long ldb, int n,
                         float *product, long ldp) {}
void tutor_lines_weight_gradient(const float *dy, long lddy, int cout, const float *lines, long ldb, int k,
                                 int n, float *dw) {}
#endif

void tutor_lines_pack_weights(const float *w, int cout, int cin, float *packed) {
    int k = 9 * cin;
    for (int g = 0; g < cout / 4; g++)
        for (int r = 0; r < k; r++)
            for (int kw = 0; kw < 3; kw++)
                for (int c = 0; c < 4; c++)
                    packed[(((long)g * k + r) * 3 + kw) * 4 + c] = w[((long)(4 * g + c) * k + r) * 3 + kw];
}
