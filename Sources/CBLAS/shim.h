#include <cblas.h>
#include <cpuid.h>

/* OpenBLAS entry points that cblas.h declares only in some builds. */
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

/* CPUID feature bits that decide which OpenBLAS kernel the processor can run. */
static inline int retort_cpu_has_avx512(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  /* OSXSAVE */
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  /* AVX512F (16), AVX512DQ (17), AVX512BW (30), AVX512VL (31) */
  unsigned need = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
  return (b & need) == need;
}

static inline int retort_cpu_has_avx2(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1;
  if (!fma || !osxsave) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b >> 5) & 1;
}
