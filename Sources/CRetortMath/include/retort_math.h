#ifndef RETORT_MATH_H
#define RETORT_MATH_H

/* The exponentials of a softmax row, computed several at a time with the
   bits glibc's expf gives, so that outputs do not change with the kernel. */

/* p[j] = expf((z[j] - max) * scale) for j < n, each product rounded to float
   before the exponential, and returns p[0] + p[1] + ... + p[n-1] added in
   that order in float. p may be z itself (in place), not otherwise overlap it. Where the processor has AVX2 and FMA (so glibc runs
   its FMA expf), eight or four exponentials are computed at once in double
   precision by the same algorithm and rounding as glibc 2.36's expf (every
   one of the 2^32 inputs checked); elsewhere glibc's expf runs. */
float retort_exp_sum(const float *z, long n, float max, float scale, float *p);

/* The largest of z[0..n-1] by the rule m = z[j] >= m ? z[j] : m from
   m = -inf (NaN entries are skipped; of +0 and -0 the later one wins),
   several entries at a time; -inf when n is 0. */
float retort_row_max(const float *z, long n);

/* Which kernel retort_exp_sum uses here: "avx512", "avx2" or "glibc". */
const char *retort_exp_kernel(void);

/* expf of each of x[0..n-1] into y by the kernel `kernel` ("avx512", "avx2"
   or "glibc"; one this processor lacks falls back to glibc's); for tests
   that compare the kernels with glibc's expf. */
void retort_expf_array(const char *kernel, const float *x, long n, float *y);

#endif
