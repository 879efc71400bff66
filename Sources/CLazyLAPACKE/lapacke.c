#include "retort_lapacke.h"

#include <dlfcn.h>
#include <lapacke.h>
#include <pthread.h>
#include <string.h>

static __typeof__(LAPACKE_dgesdd) *dgesdd;
static char load_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *library = dlopen("liblapacke.so.3", RTLD_NOW | RTLD_LOCAL);
  if (library) dgesdd = (__typeof__(LAPACKE_dgesdd) *)dlsym(library, "LAPACKE_dgesdd");
  if (!dgesdd) {
    const char *why = dlerror();
    strncpy(load_error, why ? why : "liblapacke.so.3 has no LAPACKE_dgesdd", sizeof load_error - 1);
  }
}

int retort_dgesdd(char jobz, int m, int n, double *a, int lda, double *s, double *u, int ldu,
                  double *vt, int ldvt) {
  pthread_once(&once, load);
  if (!dgesdd) return -1000;
  return dgesdd(LAPACK_ROW_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt);
}

const char *retort_lapacke_error(void) { return load_error; }
