#include "retort_math.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The algorithm of glibc's expf (from ARM's optimized-routines), with the
   fused multiply-adds where glibc's FMA build has them:
     k = round(x·32/ln2), r = x·32/ln2 − k (both from one fma each),
     expf(x) = 2^(k/32) · (1 + C2·r + (C1 + C0·r)·r²) in double, then rounded.
   2^(i/32) comes from a table of 32 doubles whose exponent field has i·2^47
   taken off, so that adding k·2^47 gives 2^(k/32) directly. */
#pragma clang fp contract(off)

/* bits(2^(i/32)) − i·2^47, 2^(i/32) correctly rounded (computed with
   Python's decimal module at 60 digits). */
static const uint64_t two_to_i_32[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540};

static const double inverse_ln2_32 = 0x1.71547652b82fep+0 * 32;
static const double round_shift = 0x1.8p+52;
static const double c0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32;
static const double c1 = 0x1.ebfce50fac4f3p-3 / 32 / 32;
static const double c2 = 0x1.62e42ff0c52d6p-1 / 32;
/* Beyond these, expf is +inf and 0 (glibc's overflow and underflow bounds). */
static const float overflow_bound = 0x1.62e42ep6f, underflow_bound = -0x1.9fe368p6f;

static inline uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static inline double from_bits(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

/* One exponential by glibc's algorithm with fused multiply-adds; the loops
   below inline it where AVX2 and FMA (or AVX-512) are enabled, which makes
   __builtin_fma one instruction and lets the compiler vectorise. */
static inline __attribute__((always_inline)) float fused_expf(float x) {
  double xd = x;
  double kd = __builtin_fma(inverse_ln2_32, xd, round_shift);
  uint64_t ki = bits(kd);
  kd -= round_shift;
  double r = __builtin_fma(inverse_ln2_32, xd, -kd);
  double s = from_bits(two_to_i_32[ki & 31] + (ki << 47));
  double z = __builtin_fma(c0, r, c1);
  double y = __builtin_fma(c2, r, 1.0);
  y = __builtin_fma(z, r * r, y);
  float e = (float)(y * s);
  /* NaN gives x + x, as glibc's does; ±inf land on the bounds. */
  return x < underflow_bound ? 0.0f : x > overflow_bound ? INFINITY : x != x ? x + x : e;
}

#define EXP_LOOPS(NAME, TARGET)                                                    \
  __attribute__((target(TARGET))) static void NAME##_array(const float *x, long n, \
                                                           float *y) {             \
    for (long j = 0; j < n; j++) y[j] = fused_expf(x[j]);                          \
  }                                                                                \
  __attribute__((target(TARGET))) static float NAME##_sum(                         \
      const float *z, long n, float max, float scale, float *p) {                  \
    float sum = 0;                                                                 \
    long j = 0;                                                                    \
    /* Sixteen at a time (the in-order sum of one group overlaps the */           \
    /* exponentials of the next), read before written, so p may be z. */          \
    for (; j + 16 <= n; j += 16) {                                                 \
      float e[16];                                                                 \
      for (int i = 0; i < 16; i++) e[i] = fused_expf((z[j + i] - max) * scale);    \
      for (int i = 0; i < 16; i++) {                                               \
        p[j + i] = e[i];                                                           \
        sum += e[i];                                                               \
      }                                                                            \
    }                                                                              \
    for (; j < n; j++) {                                                           \
      p[j] = fused_expf((z[j] - max) * scale);                                     \
      sum += p[j];                                                                 \
    }                                                                              \
    return sum;                                                                    \
  }

EXP_LOOPS(avx512, "avx512f,avx2,fma")
EXP_LOOPS(avx2, "avx2,fma")

static void glibc_array(const float *x, long n, float *y) {
  for (long j = 0; j < n; j++) y[j] = expf(x[j]);
}

static float glibc_sum(const float *z, long n, float max, float scale, float *p) {
  float sum = 0;
  for (long j = 0; j < n; j++) {
    p[j] = expf((z[j] - max) * scale);
    sum += p[j];
  }
  return sum;
}

/* glibc runs its FMA expf exactly where AVX2 and FMA are usable. */
const char *retort_exp_kernel(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return "glibc";
  return __builtin_cpu_supports("avx512f") ? "avx512" : "avx2";
}

float retort_exp_sum(const float *z, long n, float max, float scale, float *p) {
  static int chosen = -1; /* 0 glibc, 1 avx2, 2 avx512; every thread finds the same */
  int kernel = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
  if (kernel < 0) {
    const char *k = retort_exp_kernel();
    kernel = strcmp(k, "avx512") == 0 ? 2 : strcmp(k, "avx2") == 0 ? 1 : 0;
    __atomic_store_n(&chosen, kernel, __ATOMIC_RELAXED);
  }
  if (kernel == 2) return avx512_sum(z, n, max, scale, p);
  if (kernel == 1) return avx2_sum(z, n, max, scale, p);
  return glibc_sum(z, n, max, scale, p);
}

void retort_expf_array(const char *kernel, const float *x, long n, float *y) {
  const char *here = retort_exp_kernel();
  int avx512 = strcmp(here, "avx512") == 0, avx2 = avx512 || strcmp(here, "avx2") == 0;
  if (strcmp(kernel, "avx512") == 0 && avx512) avx512_array(x, n, y);
  else if (strcmp(kernel, "avx2") == 0 && avx2) avx2_array(x, n, y);
  else glibc_array(x, n, y);
}

float retort_row_max(const float *z, long n) {
  /* Eight running maxima, each by the scalar rule, then combined; a zero
     maximum is found again in order, since +0 and -0 compare equal and the
     scalar rule keeps the later of the two. */
  float lanes[8] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY,
                    -INFINITY, -INFINITY, -INFINITY, -INFINITY};
  long j = 0;
  for (; j + 8 <= n; j += 8)
    for (int i = 0; i < 8; i++) lanes[i] = z[j + i] >= lanes[i] ? z[j + i] : lanes[i];
  float m = -INFINITY;
  for (int i = 0; i < 8; i++) m = lanes[i] >= m ? lanes[i] : m;
  for (; j < n; j++) m = z[j] >= m ? z[j] : m;
  if (m == 0) {
    m = -INFINITY;
    for (j = 0; j < n; j++) m = z[j] >= m ? z[j] : m;
  }
  return m;
}
