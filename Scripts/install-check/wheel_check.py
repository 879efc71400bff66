"""Checks the installed wheel against numpy: python wheel_check.py VERSION.

Run in a new virtual environment with only the wheel and numpy installed (no
PYTHONPATH, no RETORT_LIB): the package must load its bundled library, report
VERSION, and give numpy's greedy NMS and CSLS neighbours on random inputs.
"""

import os
import sys

import numpy as np

assert "RETORT_LIB" not in os.environ and "PYTHONPATH" not in os.environ
import retort  # noqa: E402

version = sys.argv[1]
assert retort.__version__ == version, (retort.__version__, version)
assert os.path.dirname(retort._library_path()) == os.path.dirname(retort.__file__)


def greedy_nms(boxes, scores, iou):
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    order, keep = list(np.argsort(-scores, kind="stable")), []
    while order:
        i = order.pop(0)
        keep.append(i)
        rest = np.array(order, dtype=np.int64)
        if rest.size == 0:
            break
        w = np.clip(np.minimum(boxes[i, 2], boxes[rest, 2]) - np.maximum(boxes[i, 0], boxes[rest, 0]), 0, None)
        h = np.clip(np.minimum(boxes[i, 3], boxes[rest, 3]) - np.maximum(boxes[i, 1], boxes[rest, 1]), 0, None)
        inter = w * h
        overlap = inter / (area[i] + area[rest] - inter)
        order = [j for j, o in zip(order, overlap) if o <= iou]
    return np.array(keep)


rng = np.random.default_rng(7)
xy = rng.uniform(0, 100, (300, 2)).astype(np.float32)
boxes = np.hstack([xy, xy + rng.uniform(5, 30, (300, 2))]).astype(np.float32)
scores = rng.permutation(300).astype(np.float32) / 300
kept = retort.nms(boxes.tolist(), scores, iou=0.5)
expected = greedy_nms(boxes.astype(np.float64), scores.astype(np.float64), 0.5)
assert np.array_equal(kept, expected), (kept[:10], expected[:10])

src = rng.normal(size=(120, 16)); src /= np.linalg.norm(src, axis=1, keepdims=True)
tgt = rng.normal(size=(150, 16)); tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
neighbours, _ = retort.csls(src, tgt, k=5, top=3)
sim = src @ tgt.T
r_src = np.sort(sim, 1)[:, -5:].mean(1)
r_tgt = np.sort(sim.T, 1)[:, -5:].mean(1)
expected = np.argsort(-(2 * sim - r_src[:, None] - r_tgt[None]), 1, kind="stable")[:, :3]
assert np.array_equal(neighbours, expected)

try:
    retort.nms([[0, 0, 1, 1]], [np.nan])
    raise AssertionError("a NaN score was accepted")
except retort.RetortError as error:
    assert error.code == 65, error.code
print(f"wheel {version}: NMS kept {len(kept)} of 300 as numpy does; CSLS neighbours as numpy's",
      file=sys.stderr)
