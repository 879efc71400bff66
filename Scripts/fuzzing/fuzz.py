"""Feeds damaged and hostile inputs to every Retort command and sorts the outcomes.

    python3 fuzz.py INPUTS BIN WORK [--per-tool N] [--seed S] [--only NAME,...]
                    [--failures DIR] [--timeout SECONDS] [--memory GIB] [--json FILE]
                    [--jobs N]

INPUTS holds the valid inputs (Tests/cases/inputs), BIN the tools. Each target
is one command with one input replaced by a mutated copy: byte flips,
truncation, junk runs, edits of the superblock and first object headers, and
for HDF5 inputs rewritten datasets (another type, absurd or empty shapes, a
claimed size of 10^12 rows, NaN and infinity). Each run gets a fresh folder, a
time limit and an address-space limit. Outcomes per target: accepted (status
0), clean (one line '<tool>: ...' on stderr, status 64/65/66/73/74, nothing on
stdout, no file left), messy (a refusal that breaks one of those rules),
crash (a signal, or status 70), hang (the time limit, 90 s by default: above the
60 s after which a tool itself gives up on an HDF5 read), litter (a file left
behind: an output after a failure, or a temporary file). Failing inputs are
saved under --failures; each row ends with the statuses of the clean refusals
(status:count). --jobs runs that many targets at once. Exits 1 when
any run crashed, hung or littered.
"""
import argparse
import concurrent.futures
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

import h5py
import numpy as np

CLEAN = {64, 65, 66, 73, 74}


def targets():
    """name -> (input to mutate, command words; FUZZ is the mutated file, $I an input)."""
    t = {
        "softlabel": ("logits.h5", ["softlabel", "-T", "2", "FUZZ", "-o", "out.h5"]),
        "distill-train": ("train.h5", ["distill", "train", "--arch", "16-8-4", "--epochs", "1",
                                       "FUZZ", "-o", "out.h5"]),
        "distill-predict": ("test.h5", ["distill", "predict", "-m", "$W/model.h5", "FUZZ",
                                        "-o", "out.h5"]),
        "distill-model": ("$W/model.h5", ["distill", "predict", "-m", "FUZZ", "$I/test.h5",
                                          "-o", "out.h5"]),
        "distill-eval": ("test.h5", ["distill", "eval", "-m", "$W/model.h5", "FUZZ"]),
        "distill-attack": ("test.h5", ["distill", "attack", "-m", "$W/model.h5", "--method",
                                       "fgsm", "FUZZ", "-o", "out.h5"]),
        "distill-attack-jsma": ("test.h5", ["distill", "attack", "-m", "$W/model.h5",
                                            "--method", "jsma", "--target", "all", "--limit",
                                            "5", "FUZZ", "-o", "out.h5"]),
        "nms": ("dets.h5", ["nms", "FUZZ", "-o", "out.h5"]),
        "ohem-select": ("rois.h5", ["ohem-select", "--per-image", "8", "FUZZ", "-o", "out.h5"]),
        "protonet-train": ("images.h5", ["protonet", "train", "--arch", "64-16", "--way", "3",
                                         "--shot", "2", "--query", "2", "--episodes", "3",
                                         "FUZZ", "-o", "out.h5"]),
        "protonet-embed": ("images.h5", ["protonet", "embed", "-m", "$W/proto.h5", "FUZZ",
                                         "-o", "out.h5"]),
        "protonet-prototypes": ("support.h5", ["protonet", "prototypes", "-m", "$W/proto.h5",
                                               "FUZZ", "-o", "out.h5"]),
        "protonet-classify": ("queries.h5", ["protonet", "classify", "-m", "$W/proto.h5",
                                             "--prototypes", "$W/protos.h5", "FUZZ", "-o",
                                             "out.h5"]),
        "protonet-protos": ("$W/protos.h5", ["protonet", "classify", "-m", "$W/proto.h5",
                                             "--prototypes", "FUZZ", "$I/queries.h5", "-o",
                                             "out.h5"]),
        "protonet-val": ("$W/val.h5", ["protonet", "train", "--arch", "64-16", "--way", "3",
                                       "--shot", "2", "--query", "2", "--episodes", "3",
                                       "--val", "FUZZ", "--val-every", "2", "--val-episodes",
                                       "2", "--rotations", "4", "$I/images.h5", "-o", "out.h5"]),
        "protonet-eval": ("images.h5", ["protonet", "eval", "-m", "$W/proto.h5", "--way", "3",
                                        "--shot", "1", "--query", "2", "--episodes", "3",
                                        "FUZZ"]),
        "align-adv": ("en.h5", ["align-adv", "--epochs", "1", "--epoch-size", "64",
                                "--batch-size", "16", "--dis-hidden", "8",
                                "--dis-most-frequent", "50", "FUZZ", "$I/fr.h5", "-o", "out.h5"]),
        "procrustes": ("en.h5", ["procrustes", "FUZZ", "$I/fr.h5", "--dict", "$I/train.txt",
                                 "-o", "out.h5"]),
        "procrustes-dict": ("train.txt", ["procrustes", "$I/en.h5", "$I/fr.h5", "--dict",
                                          "FUZZ", "-o", "out.h5"]),
        "csls": ("en.h5", ["csls", "FUZZ", "$I/fr.h5", "--eval", "$I/test.txt"]),
        "csls-map": ("W.h5", ["csls", "$I/en.h5", "$I/fr.h5", "--map", "FUZZ", "-o", "out.h5"]),
        "csls-map-two-sided": ("$W/W2.h5", ["csls", "$I/en.h5", "$I/fr.h5", "--map", "FUZZ",
                                            "-o", "out.h5"]),
        "csls-invnn": ("en.h5", ["csls", "FUZZ", "$I/fr.h5", "--metric", "invnn", "--eval",
                                 "$I/test.txt"]),
        "procrustes-unsupervised": ("en.h5", ["procrustes", "FUZZ", "$I/fr.h5", "--seed-dict",
                                              "unsupervised", "--unsupervised-vocab", "100",
                                              "--self-learning", "--stochastic-interval", "2",
                                              "--max-iterations", "20", "-o", "out.h5"]),
        "tensor-info": ("dets.h5", ["tensor", "info", "FUZZ"]),
        "tensor-info-stats": ("dets.h5", ["tensor", "info", "--stats", "FUZZ"]),
        "tensor-head": ("logits.h5", ["tensor", "head", "FUZZ:logits", "-n", "5"]),
        "tensor-pick": ("dets.h5", ["tensor", "pick", "FUZZ:b=boxes,s=scores", "-o", "out.h5"]),
        "tensor-take": ("dets.h5", ["tensor", "take", "FUZZ", "--index", "$W/keep.h5", "-o",
                                    "out.h5"]),
        "tensor-take-index": ("$W/keep.h5", ["tensor", "take", "$I/dets.h5", "--index", "FUZZ",
                                             "-o", "out.h5"]),
        "tensor-split": ("dets.h5", ["tensor", "split", "FUZZ", "--by", "image", "--fractions",
                                     "0.5,0.5", "-o", "a.h5", "-o", "b.h5"]),
        "nms-role": ("dets.h5", ["nms", "FUZZ:image=classes", "-o", "out.h5"]),
        "tensor-export": ("logits.h5", ["tensor", "export", "FUZZ:logits", "-o", "out.npy"]),
        "tensor-merge": ("part0.h5", ["tensor", "merge", "FUZZ", "$I/part1.h5", "-o", "out.h5"]),
        "tensor-merge-shards": ("$W/shard0.h5", ["tensor", "merge", "FUZZ", "$W/shard1.h5",
                                                 "-o", "out.h5"]),
        "distill-summarize": ("$W/jsma.h5", ["distill", "attack", "--summarize", "FUZZ"]),
        "tensor-map": ("W.h5", ["tensor", "map", "FUZZ", "$I/en.h5", "-o", "out.h5"]),
        "tensor-map-vec": ("en.vec", ["tensor", "map", "$I/W.h5", "FUZZ", "-o", "out.vec"]),
        "tensor-import-vec": ("en.vec", ["tensor", "import", "FUZZ", "-o", "out.h5"]),
        "tensor-import-npy": ("matrix.npy", ["tensor", "import", "FUZZ", "-o", "out.h5"]),
        "tensor-import-csv": ("table.csv", ["tensor", "import", "FUZZ", "-o", "out.h5"]),
        "tensor-import-pairs": ("train.txt", ["tensor", "import", "FUZZ", "--source",
                                              "$I/en.h5", "--target", "$I/fr.h5", "-o",
                                              "out.h5"]),
    }
    return t


def mutate_bytes(data, rng):
    """A damaged copy of `data`: flips, a truncation, a junk run or a header edit."""
    b = bytearray(data)
    kind = rng.choice(["flip", "truncate", "junk", "header"])
    if kind == "flip":
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] ^= rng.randint(1, 255)
    elif kind == "truncate":
        b = b[:rng.randrange(len(b))]
    elif kind == "junk":
        start = rng.randrange(len(b))
        for i in range(start, min(len(b), start + rng.randint(1, 4096))):
            b[i] = rng.randint(0, 255)
    else:
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(min(len(b), 2048))] = rng.randint(0, 255)
    return bytes(b), kind


def mutate_hdf5(path, out, rng):
    """A valid HDF5 file with one dataset replaced by a hostile one."""
    shutil.copy(path, out)
    with h5py.File(out, "r+") as f:
        names = [n for n in f if isinstance(f[n], h5py.Dataset)]
        if not names:
            return "none"
        name = rng.choice(names)
        old = f[name]
        shape, dtype = old.shape, old.dtype
        del f[name]
        kind = rng.choice(["type", "empty", "one-row", "huge", "nan", "rank", "strings"])
        if kind == "type":
            f[name] = np.zeros(shape, np.int8 if dtype.kind == "f" else np.float64)
        elif kind == "empty":
            f[name] = np.zeros((0,) + shape[1:], dtype if dtype.kind != "O" else np.float32)
        elif kind == "one-row":
            f[name] = np.ones((1,) + shape[1:], dtype if dtype.kind != "O" else np.float32)
        elif kind == "huge":
            f.create_dataset(name, shape=(10**12,) + shape[1:], chunks=(1,) + shape[1:],
                             dtype=np.float32 if dtype.kind == "O" else dtype)
        elif kind == "nan":
            v = np.full(shape, np.nan if rng.random() < 0.5 else np.inf, np.float32)
            f[name] = v
        elif kind == "rank":
            f[name] = np.zeros((2,) * rng.randint(3, 6), np.float32)
        else:
            f[name] = np.array(["x" * rng.randint(0, 100000)] * max(1, shape[0] if shape else 1),
                               dtype=object).astype(h5py.string_dtype())
    return "dataset-" + kind


def limit_memory(memory_gib):
    """Limits this process's address space; the tools it starts inherit the limit."""
    limit = int(memory_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_one(tool, words, folder, timeout):
    try:
        p = subprocess.run(words, cwd=folder, capture_output=True, timeout=timeout,
                           start_new_session=True)
    except subprocess.TimeoutExpired:
        return "hang", None, b"", b""
    return None, p.returncode, p.stdout, p.stderr


def classify(tool, status, stdout, stderr, before, folder, writes_stdout):
    after = set(os.listdir(folder))
    extra = sorted(after - before)
    if status < 0 or status == 70:
        return "crash", extra
    if status == 0:
        litter = [n for n in extra if ".tmp" in n]
        return ("litter" if litter else "accepted"), extra
    if extra:
        return "litter", extra
    lines = stderr.decode("utf-8", "replace").splitlines()
    one_line = len(lines) == 1 and lines[0].startswith(tool + ": ")
    if status in CLEAN and one_line and not stdout:
        return "clean", extra
    return "messy", extra


def fuzz_target(name, args):
    """Runs one target's mutated inputs; returns its counts and whether any run failed."""
    all_targets = targets()
    limit_memory(args.memory)
    bad = False
    source, template = all_targets[name]
    tool = template[0]
    src = source.replace("$W", args.work) if source.startswith("$W") else \
        os.path.join(args.inputs, source)
    data = open(src, "rb").read()
    ext = os.path.splitext(src)[1]
    rng = random.Random(f"{args.seed}-{name}")
    # The unmutated input must be accepted, or every refusal below means nothing.
    folder = tempfile.mkdtemp(prefix="fuzz-", dir=args.work)
    words = [w.replace("FUZZ", src).replace("$I", args.inputs).replace("$W", args.work)
             for w in template]
    _, status, _, err = run_one(tool, words, folder, args.timeout)
    shutil.rmtree(folder, ignore_errors=True)
    if status != 0:
        sys.exit(f"fuzz: {name} refuses its valid input (status {status}): "
                 + err.decode("utf-8", "replace").strip())
    counts = {k: 0 for k in ["runs", "accepted", "clean", "messy", "crash", "hang", "litter"]}
    refusals = {}
    for i in range(args.per_tool):
        folder = tempfile.mkdtemp(prefix="fuzz-", dir=args.work)
        fuzz = os.path.join(folder, "input" + ext)
        if ext == ".h5" and rng.random() < 0.3:
            kind = mutate_hdf5(src, fuzz, rng)
        else:
            damaged, kind = mutate_bytes(data, rng)
            open(fuzz, "wb").write(damaged)
        words = [w.replace("FUZZ", fuzz).replace("$I", args.inputs).replace("$W", args.work)
                 for w in template]
        before = set(os.listdir(folder))
        outcome, status, out, err = run_one(tool, words, folder, args.timeout)
        extra = []
        if outcome is None:
            outcome, extra = classify(tool, status, out, err, before, folder, False)
        counts["runs"] += 1
        counts[outcome] += 1
        if outcome == "clean":
            refusals[status] = refusals.get(status, 0) + 1
        if outcome in ("crash", "hang", "litter", "messy"):
            bad |= outcome != "messy"
            if args.failures:
                keep = os.path.join(args.failures, name)
                os.makedirs(keep, exist_ok=True)
                base = os.path.join(keep, f"{i:05d}-{outcome}-{kind}")
                shutil.copy(fuzz, base + ext)
                with open(base + ".txt", "w") as f:
                    f.write(f"{' '.join(words)}\nstatus {status}\nleft {extra}\n")
                    f.write(err.decode("utf-8", "replace")[:4000])
        shutil.rmtree(folder, ignore_errors=True)
    counts["statuses"] = refusals
    return counts, bad


def main():
    a = argparse.ArgumentParser()
    a.add_argument("inputs"), a.add_argument("bin"), a.add_argument("work")
    a.add_argument("--per-tool", type=int, default=100)
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--only", default="")
    a.add_argument("--failures", default="")
    a.add_argument("--timeout", type=float, default=90)
    a.add_argument("--memory", type=float, default=4)
    a.add_argument("--json", default="")
    a.add_argument("--jobs", type=int, default=1)
    args = a.parse_args()
    env_path = args.bin + os.pathsep + os.environ.get("PATH", "")
    os.environ["PATH"] = env_path
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    all_targets = targets()
    chosen = [t for t in all_targets if not args.only or t in args.only.split(",")]
    jobs = max(1, min(args.jobs, len(chosen)))
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(fuzz_target, chosen, [args] * len(chosen))
        totals, bad = {}, False
        for name, (counts, target_bad) in zip(chosen, results):
            totals[name] = counts
            bad |= target_bad
            statuses = ",".join(f"{k}:{v}" for k, v in sorted(counts["statuses"].items()))
            print(f"{name:20s} " + " ".join(f"{k} {v:5d}" for k, v in counts.items()
                                            if k != "statuses")
                  + f" statuses {statuses or '-'}", flush=True)
    if args.json:
        json.dump(totals, open(args.json, "w"), indent=1)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
