"""Retort's numerical core from Python: numpy arrays in, numpy arrays out.

Loads libretort.so through ctypes (no compiler needed). The library is found
beside this file (as the wheel installs it), else through the RETORT_LIB
environment variable (a path to the .so), else in
<prefix>/lib for the prefixes in RETORT_PREFIX, /usr/local and /usr, else in
this checkout's .build/release or .build/debug. Functions are named as the
tools and their options are; a failing call raises RetortError with the
library's one-line message (for example a NaN input or mismatched sizes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path
from typing import Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["RetortError", "__version__", "version", "blas_core", "softlabel", "nms", "ohem_select",
           "prototypes", "classify", "procrustes", "csls"]


class RetortError(Exception):
    """A call into libretort failed; `code` is the sysexits value (64 usage, 65 data)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _best_blas_core():
    """OPENBLAS_CORETYPE for this processor (Debian's OpenBLAS may fall back to a slow one)."""
    try:
        flags = next(l for l in open("/proc/cpuinfo") if l.startswith("flags")).split()
    except (OSError, StopIteration):
        return None
    if {"avx512f", "avx512dq", "avx512bw", "avx512vl"} <= set(flags):
        return "SkylakeX"
    return "Haswell" if {"avx2", "fma"} <= set(flags) else None


def _library_path():
    bundled = Path(__file__).with_name("libretort.so.0")
    if bundled.exists():
        return str(bundled)
    if os.environ.get("RETORT_LIB"):
        return os.environ["RETORT_LIB"]
    prefixes = [p for p in os.environ.get("RETORT_PREFIX", "").split(":") if p] + ["/usr/local", "/usr"]
    here = Path(__file__).resolve().parents[2]
    candidates = [Path(p) / "lib" / "libretort.so" for p in prefixes]
    candidates += [here / ".build" / "release" / "libretort.so", here / ".build" / "debug" / "libretort.so"]
    for c in candidates:
        if c.exists():
            return str(c)
    installed = ctypes.util.find_library("retort")  # the Debian package's libretort.so.0
    if installed:
        return installed
    raise OSError("libretort.so not found: set RETORT_LIB or install Retort (Scripts/setup --prefix)")


if "OPENBLAS_CORETYPE" not in os.environ and _best_blas_core():
    os.environ["OPENBLAS_CORETYPE"] = _best_blas_core()
_lib = ctypes.CDLL(_library_path())

_f32 = ctypes.POINTER(ctypes.c_float)
_i64 = ctypes.POINTER(ctypes.c_int64)
_i64v, _f32v, _int, _u64 = ctypes.c_int64, ctypes.c_float, ctypes.c_int, ctypes.c_uint64

for name, args in {
    "retort_softlabel": [_f32, _i64v, _i64v, _f32v, _int, _u64, _f32, _f32],
    "retort_nms": [_f32, _f32, _i64v, _i64, _i64, _f32v, _int, _int, _f32v, _i64v, _int, _f32v,
                   _f32v, _int, _i64, _f32, _i64],
    "retort_ohem_select": [_f32, _i64v, _f32, _i64, _i64, _i64v, _f32v, _int, _int, _int, _i64,
                           _i64, _f32],
    "retort_prototypes": [_f32, _i64v, _i64v, _i64, _i64v, _f32, _i64, _i64],
    "retort_classify": [_f32, _i64v, _f32, _i64v, _i64v, _i64, _int, _f32, _i64],
    "retort_procrustes": [_f32, _i64v, _f32, _i64v, _i64v, _i64, _i64v, _f32],
    "retort_csls": [_f32, _i64v, _f32, _i64v, _i64v, _i64v, _i64v, _i64, _i64v, _int, _int, _i64,
                    _f32],
}.items():
    getattr(_lib, name).argtypes = args
    getattr(_lib, name).restype = ctypes.c_int
for name in ("retort_version", "retort_blas_core", "retort_last_error"):
    getattr(_lib, name).restype = ctypes.c_char_p


def _check(code):
    if code != 0:
        raise RetortError(code, _lib.retort_last_error().decode())


def _numbers(a, name, kinds):
    """a as an array, or RetortError (64) when it is ragged or not of the given numpy kinds."""
    try:
        a = np.asarray(a)
    except ValueError as error:
        raise RetortError(64, f"{name} is not an array: {error}") from None
    if a.dtype.kind not in kinds:
        raise RetortError(64, f"{name} must hold numbers, it has dtype {a.dtype}")
    return a


def _floats(a, name, ndim=None, cols=None):
    a = np.ascontiguousarray(_numbers(a, name, "biuf"), dtype=np.float32)
    if ndim is not None and a.ndim != ndim:
        raise RetortError(64, f"{name} must have {ndim} dimensions, it has shape {a.shape}")
    if cols is not None and a.shape[1] != cols:
        raise RetortError(64, f"{name} must have {cols} columns, it has shape {a.shape}")
    return a


def _ints(a, name, n=None):
    if a is None:
        return None
    a = _numbers(a, name, "biuf")
    if a.dtype.kind == "f" and not np.array_equal(a, np.round(a)):
        raise RetortError(64, f"{name} must hold whole numbers (ids), it has fractions")
    a = np.ascontiguousarray(a, dtype=np.int64)
    if n is not None and a.shape != (n,):
        raise RetortError(64, f"{name} must have shape ({n},), it has shape {a.shape}")
    return a


def _p(a, kind):
    return None if a is None else a.ctypes.data_as(kind)


def version() -> str:
    """Retort's version."""
    return _lib.retort_version().decode()


def blas_core() -> str:
    """The OpenBLAS kernel the library runs on."""
    return _lib.retort_blas_core().decode()


def softlabel(logits: ArrayLike, T: float = 1.0, permute_dark: bool = False,
              confidence_weights: bool = False, seed: int = 0
              ) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """softmax(logits / T) per row; with confidence_weights also the CWTM weights."""
    z = _floats(logits, "logits", 2)
    probs = np.empty_like(z)
    weights = np.empty(z.shape[0], np.float32) if confidence_weights else None
    _check(_lib.retort_softlabel(_p(z, _f32), z.shape[0], z.shape[1], T, int(permute_dark), seed,
                                 _p(probs, _f32), _p(weights, _f32)))
    return (probs, weights) if confidence_weights else probs


_FORMATS = {"xyxy": 0, "xywh": 1, "cxcywh": 2}
_SOFT = {None: 0, "linear": 1, "gaussian": 2}


def nms(boxes: ArrayLike, scores: ArrayLike, iou: float = 0.5, image: Optional[ArrayLike] = None,
        classes: Optional[ArrayLike] = None, format: str = "xyxy", legacy_plus_one: bool = False,
        score_min: Optional[float] = None, max_keep: Optional[int] = None,
        soft: Optional[str] = None, sigma: float = 0.5, soft_min_score: float = 0.001,
        threads: int = 0, return_scores: bool = False
        ) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """Row indices kept by (soft) NMS, group by group, descending score."""
    b = _floats(boxes, "boxes", 2, 4)
    n = b.shape[0]
    s = _floats(scores, "scores", 1)
    if s.shape[0] != n:
        raise RetortError(64, f"scores has {s.shape[0]} values, boxes has {n} rows")
    image, classes = _ints(image, "image", n), _ints(classes, "classes", n)
    if format not in _FORMATS or soft not in _SOFT:
        raise RetortError(64, f"unknown format {format!r} or soft decay {soft!r}")
    keep, kept_scores, kept = np.empty(n, np.int64), np.empty(n, np.float32), ctypes.c_int64(0)
    _check(_lib.retort_nms(_p(b, _f32), _p(s, _f32), n, _p(image, _i64), _p(classes, _i64), iou,
                           _FORMATS[format], int(legacy_plus_one),
                           float("nan") if score_min is None else score_min, max_keep or 0,
                           _SOFT[soft], sigma, soft_min_score, threads, _p(keep, _i64),
                           _p(kept_scores, _f32), ctypes.byref(kept)))
    k = kept.value
    return (keep[:k], kept_scores[:k]) if return_scores else keep[:k]


def ohem_select(loss: ArrayLike, boxes: Optional[ArrayLike] = None,
                image: Optional[ArrayLike] = None, per_image: int = 64, iou: float = 0.7,
                labels: Optional[ArrayLike] = None, nms: bool = True, per_class: bool = False,
                threads: int = 0, return_weight: bool = False
                ) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """The hardest RoIs of each image after NMS with the loss as score."""
    l = _floats(loss, "loss", 1)
    n = l.shape[0]
    b = None if boxes is None else _floats(boxes, "boxes", 2, 4)
    if b is not None and b.shape[0] != n:
        raise RetortError(64, f"boxes has {b.shape[0]} rows, loss has {n}")
    image, labels = _ints(image, "image", n), _ints(labels, "labels", n)
    keep, kept, weight = np.empty(n, np.int64), ctypes.c_int64(0), np.empty(n, np.float32)
    _check(_lib.retort_ohem_select(_p(l, _f32), n, _p(b, _f32), _p(image, _i64), _p(labels, _i64),
                                   per_image, iou, int(nms), int(per_class), threads,
                                   _p(keep, _i64), ctypes.byref(kept), _p(weight, _f32)))
    return (keep[:kept.value], weight) if return_weight else keep[:kept.value]


def prototypes(embeddings: ArrayLike, labels: ArrayLike) -> Tuple[np.ndarray, np.ndarray]:
    """Class means: (prototypes [K, D], classes [K]) in ascending class id."""
    e = _floats(embeddings, "embeddings", 2)
    y = _ints(labels, "labels", e.shape[0])
    cap = len(np.unique(y)) if y.size else 0
    p, c, k = np.empty((cap, e.shape[1]), np.float32), np.empty(cap, np.int64), ctypes.c_int64(0)
    _check(_lib.retort_prototypes(_p(e, _f32), e.shape[0], e.shape[1], _p(y, _i64), cap,
                                  _p(p, _f32), _p(c, _i64), ctypes.byref(k)))
    return p[:k.value], c[:k.value]


def classify(queries: ArrayLike, prototypes: ArrayLike, classes: Optional[ArrayLike] = None,
             distance: str = "sqeuclidean") -> Tuple[np.ndarray, np.ndarray]:
    """(log_probs [N, K], predicted class ids [N]) for queries against prototypes."""
    q, p = _floats(queries, "queries", 2), _floats(prototypes, "prototypes", 2)
    if q.shape[1] != p.shape[1]:
        raise RetortError(64, f"queries have {q.shape[1]} dimensions, prototypes {p.shape[1]}")
    c = _ints(np.arange(p.shape[0]) if classes is None else classes, "classes", p.shape[0])
    if distance not in ("sqeuclidean", "cosine"):
        raise RetortError(64, f"unknown distance {distance!r}")
    lp, pred = np.empty((q.shape[0], p.shape[0]), np.float32), np.empty(q.shape[0], np.int64)
    _check(_lib.retort_classify(_p(q, _f32), q.shape[0], _p(p, _f32), p.shape[0], q.shape[1],
                                _p(c, _i64), 0 if distance == "sqeuclidean" else 1,
                                _p(lp, _f32), _p(pred, _i64)))
    return lp, pred


def procrustes(src: ArrayLike, tgt: ArrayLike, pairs: ArrayLike) -> np.ndarray:
    """The orthogonal W [D, D] with W·x ≈ y over the (source row, target row) pairs."""
    x, y = _floats(src, "src", 2), _floats(tgt, "tgt", 2)
    p = _ints(pairs, "pairs")
    if p.ndim != 2 or p.shape[1] != 2:
        raise RetortError(64, f"pairs must be [M, 2], it has shape {p.shape}")
    if x.shape[1] != y.shape[1]:
        raise RetortError(64, f"src has {x.shape[1]} dimensions, tgt {y.shape[1]}")
    w = np.empty((x.shape[1], x.shape[1]), np.float32)
    _check(_lib.retort_procrustes(_p(x, _f32), x.shape[0], _p(y, _f32), y.shape[0], x.shape[1],
                                  _p(p, _i64), p.shape[0], _p(w, _f32)))
    return w


def csls(src: ArrayLike, tgt: ArrayLike, k: int = 10, top: int = 10,
         queries: Optional[ArrayLike] = None, metric: str = "csls", threads: int = 0
         ) -> Tuple[np.ndarray, np.ndarray]:
    """(neighbors [Q, top], scores [Q, top]): targets of each query by CSLS or cosine."""
    x, y = _floats(src, "src", 2), _floats(tgt, "tgt", 2)
    if x.shape[1] != y.shape[1]:
        raise RetortError(64, f"src has {x.shape[1]} dimensions, tgt {y.shape[1]}")
    q = _ints(queries, "queries") if queries is not None else None
    nq = x.shape[0] if q is None else q.shape[0]
    if metric not in ("csls", "nn"):
        raise RetortError(64, f"unknown metric {metric!r}")
    nb, sc = np.empty((nq, top), np.int64), np.empty((nq, top), np.float32)
    _check(_lib.retort_csls(_p(x, _f32), x.shape[0], _p(y, _f32), y.shape[0], x.shape[1], k, top,
                            _p(q, _i64), nq, 0 if metric == "csls" else 1, threads,
                            _p(nb, _i64), _p(sc, _f32)))
    return nb, sc


__version__: str = version()
