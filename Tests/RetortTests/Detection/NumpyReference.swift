import RetortTestSupport

@testable import Retort

// Independent references in numpy, fed through `runPython` as text: float32
// values travel as their bit patterns, so both sides see the same numbers.

/// Reads boxes, scores and keys, converts boxes to corners and defines `iou`.
private let prelude = #"""
  import sys
  import numpy as np
  L = sys.stdin.read().split('\n')
  P = L[0].split()
  fmt, off = P[0], np.float32(P[1])
  def f32(line): return np.array(line.split(), dtype=np.uint32).view(np.float32)
  thresholds = f32(L[1])
  b = f32(L[2]).reshape(-1, 4)
  s = f32(L[3])
  n = len(s)
  img = np.array(L[4].split(), dtype=np.int64) if L[4].strip() else np.zeros(n, np.int64)
  cls = np.array(L[5].split(), dtype=np.int64) if L[5].strip() else np.zeros(n, np.int64)
  if fmt == 'xyxy':
      x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
  elif fmt == 'xywh':
      x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
  else:
      half_w, half_h = b[:, 2] / np.float32(2), b[:, 3] / np.float32(2)
      x1, y1, x2, y2 = b[:, 0] - half_w, b[:, 1] - half_h, b[:, 0] + half_w, b[:, 1] + half_h
  areas = (x2 - x1 + off) * (y2 - y1 + off)

  def iou(i, others):
      zero = np.float32(0)
      w = np.maximum(zero, np.minimum(x2[i], x2[others]) - np.maximum(x1[i], x1[others]) + off)
      h = np.maximum(zero, np.minimum(y2[i], y2[others]) - np.maximum(y1[i], y1[others]) + off)
      inter = w * h
      union = areas[i] + areas[others] - inter
      return np.where(union > 0, inter / np.where(union > 0, union, np.float32(1)), np.float32(0))

  def by_score(rows, score):
      return rows[np.lexsort((rows, -score[rows]))]

  def greedy(rows, thr, max_keep):
      order = by_score(rows, s)
      keep = []
      while order.size > 0 and len(keep) < max_keep:
          i = order[0]
          keep.append(i)
          rest = order[1:]
          order = rest[~(iou(i, rest) > thr)]
      return keep

  def groups(rows):
      keys = sorted(set(zip(img[rows].tolist(), cls[rows].tolist())))
      return [rows[(img[rows] == a) & (cls[rows] == c)] for a, c in keys]
  """#

/// Greedy or Soft-NMS per (image, class) group; one `keep` line per threshold,
/// followed by a line of scores for Soft-NMS.
let numpyNMS =
  prelude + "\n" + #"""
    max_keep = int(P[2])
    rows = np.arange(n)
    if P[3] != 'none':
        rows = rows[s >= np.float32(P[3])]
    soft, sigma, min_score = P[4], np.float32(P[5]), np.float32(P[6])

    def soft_nms(rows, thr):
        rows = rows[s[rows] >= min_score]
        score = s[rows].copy()
        keep, kept_scores = [], []
        while rows.size > 0 and len(keep) < max_keep:
            best = np.nonzero(score == score.max())[0]
            p = best[np.argmin(rows[best])]
            i = rows[p]
            keep.append(i)
            kept_scores.append(score[p])
            rows, score = np.delete(rows, p), np.delete(score, p)
            o = iou(i, rows)
            if soft == 'linear':
                score = score * np.where(o > thr, np.float32(1) - o, np.float32(1))
            else:
                score = score * np.exp(-(o * o) / sigma)
            rows, score = rows[score >= min_score], score[score >= min_score]
        return keep, kept_scores

    for thr in thresholds:
        keep, kept_scores = [], []
        for g in groups(rows):
            if soft == 'none':
                keep += greedy(g, thr, max_keep)
            else:
                k, ks = soft_nms(g, thr)
                keep += k
                kept_scores += ks
        print(' '.join(str(i) for i in keep))
        if soft != 'none':
            print(' '.join(repr(float(v)) for v in kept_scores))
    """#

/// OHEM: per image, greedy NMS (per label with per-class) on the loss, then
/// the `per_image` highest-loss survivors; one `keep` line.
let numpyOHEM =
  prelude + "\n" + #"""
    per_image, use_nms, per_class = int(P[2]), P[3] == '1', P[4] == '1'
    keep = []
    for a in sorted(set(img.tolist())):
        rows = np.nonzero(img == a)[0]
        if use_nms and per_class:
            labels = sorted(set(cls[rows].tolist()))
            kept = [greedy(rows[cls[rows] == c], thresholds[0], n) for c in labels]
            rows = np.array(sum(kept, []), dtype=np.int64)
        elif use_nms:
            rows = np.array(greedy(rows, thresholds[0], n), dtype=np.int64)
        keep += by_score(rows, s)[:per_image].tolist()
    print(' '.join(str(i) for i in keep))
    """#

/// The standard input of the numpy scripts for `c`.
func referenceInput(
  _ c: BoxCase, header: [String], format: BoxFormat, offset: Float,
  thresholds: [Float]
) -> String {
  ([format.rawValue, "\(offset)"] + header).joined(separator: " ") + "\n"
    + [
      bitsText(thresholds), bitsText(c.boxes.scalars), bitsText(c.scores),
      intsText(c.image), intsText(c.classes),
    ].joined(separator: "\n") + "\n"
}
