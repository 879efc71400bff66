/* A C program that links libretort: NMS on four boxes, then an error.
 *   cc Scripts/examples/nms.c -Iinclude -L.build/release -lretort -o nms-example */
#include <math.h>
#include <stdio.h>
#include "retort.h"

int main(void) {
  const float boxes[] = {0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60, 0, 0, 10, 10};
  const float scores[] = {0.9f, 0.8f, 0.7f, 0.95f};
  int64_t keep[4], kept = 0;
  int rc = retort_nms(boxes, scores, 4, NULL, NULL, 0.5f, RETORT_XYXY, 0, NAN, 0,
                      RETORT_SOFT_NONE, 0.5f, 0.001f, 1, keep, NULL, &kept);
  if (rc != 0) { fprintf(stderr, "retort_nms: %s\n", retort_last_error()); return 1; }
  printf("retort %s kept %lld:", retort_version(), (long long)kept);
  for (int64_t i = 0; i < kept; i++) printf(" %lld", (long long)keep[i]);
  printf("\n");
  const float bad[] = {0, 0, NAN, 10};
  const float one[] = {1};
  rc = retort_nms(bad, one, 1, NULL, NULL, 0.5f, RETORT_XYXY, 0, NAN, 0, RETORT_SOFT_NONE, 0.5f,
                  0.001f, 1, keep, NULL, &kept);
  printf("bad box: code %d: %s\n", rc, retort_last_error());
  return 0;
}
