#ifndef RETORT_LAPACKE_H
#define RETORT_LAPACKE_H

/* LAPACKE, loaded when first needed (dlopen of liblapacke.so.3) rather than
   when a tool starts: only the SVD of Procrustes uses it, and loading it
   with its LAPACK and Fortran runtime costs every tool about 1.5 ms of
   start-up. */

/* LAPACKE_dgesdd on a row-major matrix, as LAPACKE declares it; returns its
   info, or -1000 when LAPACKE cannot be loaded (retort_lapacke_error says
   why). */
int retort_dgesdd(char jobz, int m, int n, double *a, int lda, double *s, double *u, int ldu,
                  double *vt, int ldvt);

/* Why LAPACKE could not be loaded (the loader's message); empty when it
   could, or before the first call. */
const char *retort_lapacke_error(void);

#endif
