/* retort.h: Retort's numerical core for C and other languages (libretort.so).
 *
 * Every buffer is caller-owned, row-major, float32 or int64, with its sizes
 * given explicitly. Every call returns 0 on success or an error code (the
 * sysexits value the tools use: 64 usage, 65 bad data, 70 internal) and then
 * retort_last_error() describes the failure in one line. The message is
 * thread-local and valid until the next call on the same thread.
 *
 * Performance note: Debian 12's OpenBLAS may pick a slow generic kernel on
 * recent processors; set OPENBLAS_CORETYPE (e.g. SkylakeX) in the process
 * environment before the library loads. retort_blas_core() names the kernel.
 */
#ifndef RETORT_H
#define RETORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Retort's version, e.g. "0.1.0". */
const char *retort_version(void);
/* The OpenBLAS kernel in use, e.g. "SkylakeX". */
const char *retort_blas_core(void);
/* The last error on this thread, or "" when the last call succeeded. */
const char *retort_last_error(void);

/* probs[n*c] = softmax(logits / temperature) row by row. With permute_dark,
 * each row's non-argmax probabilities are permuted (DKPP, seeded by seed).
 * weights (n values, or NULL) receives the CWTM weights: each row's max
 * probability normalised to mean 1. probs may alias logits. */
int retort_softlabel(const float *logits, int64_t n, int64_t c, float temperature,
                     int permute_dark, uint64_t seed, float *probs, float *weights);

/* Box formats. */
enum { RETORT_XYXY = 0, RETORT_XYWH = 1, RETORT_CXCYWH = 2 };
/* Soft-NMS decays. */
enum { RETORT_SOFT_NONE = 0, RETORT_SOFT_LINEAR = 1, RETORT_SOFT_GAUSSIAN = 2 };

/* Greedy NMS of boxes[n*4] with scores[n], per group of equal image[i] and
 * classes[i] (either may be NULL). A row is suppressed when its IoU with a
 * kept row is greater than iou; equal scores keep the lower row first.
 * score_min: rows scoring below it are dropped (NaN: none); max_keep per group
 * (0: no limit). keep (n capacity) receives the kept rows, group by group,
 * descending score; kept_scores (n capacity, or NULL) their (decayed) scores;
 * *kept their number. threads: 0 means every core the process may run on. */
int retort_nms(const float *boxes, const float *scores, int64_t n, const int64_t *image,
               const int64_t *classes, float iou, int format, int legacy_plus_one,
               float score_min, int64_t max_keep, int soft, float sigma, float soft_min_score,
               int threads, int64_t *keep, float *kept_scores, int64_t *kept);

/* Online hard example mining: per image (image may be NULL: one image), the
 * per_image highest-loss RoIs after NMS at iou with the loss as score (boxes
 * may be NULL, or use_nms 0, to skip it; per_class needs labels). keep (n
 * capacity) and *kept as for retort_nms; weight[n] gets 1 for selected rows. */
int retort_ohem_select(const float *loss, int64_t n, const float *boxes, const int64_t *image,
                       const int64_t *labels, int64_t per_image, float iou, int use_nms,
                       int per_class, int threads, int64_t *keep, int64_t *kept, float *weight);

/* Class means of embeddings[n*d] by labels[n]: prototypes (capacity*d) and
 * classes (capacity) in ascending class id; *k their number. */
int retort_prototypes(const float *embeddings, int64_t n, int64_t d, const int64_t *labels,
                      int64_t capacity, float *prototypes, int64_t *classes, int64_t *k);

/* Distances for retort_classify. */
enum { RETORT_SQEUCLIDEAN = 0, RETORT_COSINE = 1 };

/* log_probs[n*k] = log softmax over prototypes of −distance, and pred[n] the
 * class id (from classes[k]) of each query's best prototype. */
int retort_classify(const float *queries, int64_t n, const float *prototypes, int64_t k,
                    int64_t d, const int64_t *classes, int distance, float *log_probs,
                    int64_t *pred);

/* The orthogonal w[d*d] minimising the sum of |w·x − y|² over the pairs[m*2]
 * (source row, target row): W = U·Vᵀ from the SVD of YᵀX. */
int retort_procrustes(const float *source, int64_t ns, const float *target, int64_t nt, int64_t d,
                      const int64_t *pairs, int64_t m, float *w);

/* Metrics for retort_csls. */
enum { RETORT_CSLS = 0, RETORT_NN = 1 };

/* The top targets for each query row (queries[nq], or NULL with nq = ns for
 * every source row) by CSLS with k neighbours or by cosine; rows are
 * unit-normalised inside (inputs are not changed). neighbors[nq*top] and
 * scores[nq*top], best first. Memory is O(block × nt), never O(ns × nt). */
int retort_csls(const float *source, int64_t ns, const float *target, int64_t nt, int64_t d,
                int64_t k, int64_t top, const int64_t *queries, int64_t nq, int metric,
                int threads, int64_t *neighbors, float *scores);

#ifdef __cplusplus
}
#endif
#endif
