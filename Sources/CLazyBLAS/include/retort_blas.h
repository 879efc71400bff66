#ifndef RETORT_BLAS_H
#define RETORT_BLAS_H

/* OpenBLAS, loaded when first needed (dlopen of libopenblas.so.0) rather than
   when a tool starts: loading it with its Fortran runtime and starting its
   threads costs 1.5-2.5 ms, and nms, ohem-select, softlabel and most of
   tensor never multiply matrices. The first call of any function below
   loads it; retort_openblas_load reports a failure, the others end the process
   with one line (status 70) when the library cannot be loaded. */

/* Loads OpenBLAS if it is not loaded yet: 0 when it is loaded, -1 when it
   cannot be (retort_openblas_error says why). */
int retort_openblas_load(void);

/* Whether OpenBLAS has been loaded (never loads it). */
int retort_openblas_loaded(void);

/* Why OpenBLAS could not be loaded (the loader's message); empty otherwise. */
const char *retort_openblas_error(void);

/* cblas_sgemm, cblas_dgemm and cblas_sgemv on row-major arrays; a
   transpose flag is 0 (no) or 1 (yes). */
void retort_sgemm(int transpose_a, int transpose_b, int m, int n, int k, float alpha,
                  const float *a, int lda, const float *b, int ldb, float beta, float *c,
                  int ldc);
void retort_dgemm(int transpose_a, int transpose_b, int m, int n, int k, double alpha,
                  const double *a, int lda, const double *b, int ldb, double beta, double *c,
                  int ldc);
void retort_sgemv(int transpose, int m, int n, float alpha, const float *a, int lda,
                  const float *x, float beta, float *y);

/* openblas_get_corename, openblas_get_num_threads, openblas_set_num_threads. */
const char *retort_openblas_core(void);
int retort_openblas_threads(void);
void retort_openblas_set_threads(int threads);

/* CPUID feature bits that decide which OpenBLAS kernel the processor can run:
   AVX-512 F, DQ, BW and VL; AVX2 with FMA (each with OSXSAVE). */
int retort_cpu_has_avx512(void);
int retort_cpu_has_avx2(void);

#endif
