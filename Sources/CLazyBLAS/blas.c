#include "retort_blas.h"

#include <cpuid.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

/* CBLAS's enumerations, as every cblas.h numbers them. */
enum { row_major = 101, no_transpose = 111, transpose = 112 };

static void (*sgemm)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                     float, float *, int);
static void (*dgemm)(int, int, int, int, int, int, double, const double *, int, const double *,
                     int, double, double *, int);
static void (*sgemv)(int, int, int, int, float, const float *, int, const float *, int, float,
                     float *, int);
static char *(*get_corename)(void);
static int (*get_num_threads)(void);
static void (*set_num_threads)(int);

static char load_error[512];
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    snprintf(load_error, sizeof load_error, "%s", why ? why : "libopenblas.so.0: not found");
    return;
  }
  *(void **)&sgemm = dlsym(library, "cblas_sgemm");
  *(void **)&dgemm = dlsym(library, "cblas_dgemm");
  *(void **)&sgemv = dlsym(library, "cblas_sgemv");
  *(void **)&get_corename = dlsym(library, "openblas_get_corename");
  *(void **)&get_num_threads = dlsym(library, "openblas_get_num_threads");
  *(void **)&set_num_threads = dlsym(library, "openblas_set_num_threads");
  if (!sgemm || !dgemm || !sgemv || !get_corename || !get_num_threads || !set_num_threads) {
    snprintf(load_error, sizeof load_error, "libopenblas.so.0 lacks a CBLAS or OpenBLAS function");
    return;
  }
  __atomic_store_n(&loaded, 1, __ATOMIC_RELEASE);
}

int retort_openblas_load(void) {
  pthread_once(&once, load);
  return __atomic_load_n(&loaded, __ATOMIC_ACQUIRE) ? 0 : -1;
}

int retort_openblas_loaded(void) { return __atomic_load_n(&loaded, __ATOMIC_ACQUIRE); }

const char *retort_openblas_error(void) { return load_error; }

/* Loads OpenBLAS or ends the process: the functions below have no way to
   report a failure, and the tools load it (retort_openblas_load) before any. */
static void need(void) {
  if (retort_openblas_load() == 0) return;
  dprintf(2, "retort: cannot load OpenBLAS (%s)\n", load_error);
  _exit(70);
}

void retort_sgemm(int transpose_a, int transpose_b, int m, int n, int k, float alpha,
                  const float *a, int lda, const float *b, int ldb, float beta, float *c,
                  int ldc) {
  need();
  sgemm(row_major, transpose_a ? transpose : no_transpose, transpose_b ? transpose : no_transpose,
        m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void retort_dgemm(int transpose_a, int transpose_b, int m, int n, int k, double alpha,
                  const double *a, int lda, const double *b, int ldb, double beta, double *c,
                  int ldc) {
  need();
  dgemm(row_major, transpose_a ? transpose : no_transpose, transpose_b ? transpose : no_transpose,
        m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void retort_sgemv(int transpose_flag, int m, int n, float alpha, const float *a, int lda,
                  const float *x, float beta, float *y) {
  need();
  sgemv(row_major, transpose_flag ? transpose : no_transpose, m, n, alpha, a, lda, x, 1, beta, y,
        1);
}

const char *retort_openblas_core(void) {
  need();
  return get_corename();
}

int retort_openblas_threads(void) {
  need();
  return get_num_threads();
}

void retort_openblas_set_threads(int threads) {
  need();
  set_num_threads(threads);
}

int retort_cpu_has_avx512(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0; /* OSXSAVE */
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  /* AVX512F (16), AVX512DQ (17), AVX512BW (30), AVX512VL (31) */
  unsigned want = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
  return (b & want) == want;
}

int retort_cpu_has_avx2(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1;
  if (!fma || !osxsave) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b >> 5) & 1;
}
