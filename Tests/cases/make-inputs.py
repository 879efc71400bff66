"""Writes the small inputs of the end-to-end cases into Tests/cases/inputs/.

    python3 Tests/cases/make-inputs.py

Seeded, so running it again writes the same values. Cases name these files
through $INPUTS; bad inputs (NaN, wrong shape, truncated, ...) are made here too.
One input is not made here but kept from a fuzz run: en-heap.h5, a copy of
en.h5 with flipped bytes on which libhdf5 1.10.8 corrupts its own heap.
"""
import os

import h5py
import numpy as np

rng = np.random.default_rng(13)
strings = h5py.string_dtype()
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inputs")


def write(name, **datasets):
    with h5py.File(os.path.join(out, name), "w") as f:
        for key, value in datasets.items():
            f[key] = value


def text(name, content):
    with open(os.path.join(out, name), "w") as f:
        f.write(content)


def words(values):
    return np.array(values, dtype=object).astype(strings)


def logits():
    z = rng.normal(0, 3, (40, 5)).astype(np.float32)
    labels = np.arange(40) % 5
    write("logits.h5", logits=z, labels=labels, ids=np.arange(100, 140))
    write("logits-b.h5", logits=rng.normal(0, 3, (40, 5)).astype(np.float32), labels=labels)
    write("logits-c.h5", logits=rng.normal(0, 3, (40, 5)).astype(np.float32), labels=labels)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    write("probs.h5", probs=p.astype(np.float32), labels=labels)
    bad = z.copy()
    bad[7, 2] = np.nan
    write("logits-nan.h5", logits=bad)
    bad = z.copy()
    bad[3, 1] = np.inf
    write("logits-inf.h5", logits=bad)
    write("logits-1d.h5", logits=z[:, 0])
    write("logits-empty.h5", logits=np.zeros((0, 5), np.float32))
    write("logits-30.h5", logits=z[:30], labels=labels[:30])
    write("logits-4.h5", logits=z[:, :4])
    with open(os.path.join(out, "logits.h5"), "rb") as f:
        head = f.read(600)
    with open(os.path.join(out, "truncated.h5"), "wb") as f:
        f.write(head)
    open(os.path.join(out, "empty.h5"), "w").close()
    text("not-hdf5.h5", "this is text, not HDF5\n")


def classification():
    """Four classes in 16 features, for distill."""
    means = rng.normal(0, 1, (4, 16))
    for name, rows in (("train.h5", 120), ("test.h5", 40)):
        y = np.arange(rows) % 4
        x = np.clip(0.5 + 0.15 * (means[y] + rng.normal(0, 0.7, (rows, 16))), 0, 1)
        write(name, x=x.astype(np.float32), labels=y)
        if name == "test.h5":
            write("test-huge.h5", x=(x * 3e38).astype(np.float32), labels=y)
        if name == "train.h5":
            p = rng.dirichlet(np.ones(4), rows).astype(np.float32)
            write("soft.h5", x=x.astype(np.float32), labels=y, probs=p)
            bad = x.astype(np.float32)
            bad[5, 3] = np.nan
            write("train-nan.h5", x=bad, labels=y)
            write("train-mismatch.h5", x=x.astype(np.float32), labels=y[:100])
            write("train-badlabel.h5", x=x.astype(np.float32), labels=np.where(y == 3, 7, y))


def images():
    """Twelve classes of 8×8 images, 10 each, for protonet."""
    means = rng.uniform(0, 1, (12, 8, 8))
    y = np.repeat(np.arange(12), 10)
    x = np.clip(means[y] + rng.normal(0, 0.15, (120, 8, 8)), 0, 1).astype(np.float32)
    write("images.h5", x=x, labels=y)
    write("support.h5", x=x[::5], labels=y[::5])
    write("queries.h5", x=x[2::5], labels=y[2::5])
    f = (rng.normal(0, 1, (60, 6)) + np.repeat(np.eye(6) * 3, 10, 0)).astype(np.float32)
    write("features.h5", embeddings=f, labels=np.repeat(np.arange(6), 10))
    write("images-flat.h5", x=x.reshape(120, 64)[:, :50], labels=y)


def boxes():
    """60 boxes around 6 centres in 3 images and 2 classes, with losses and logits."""
    n = 60
    c = rng.uniform(0, 200, (6, 2))[np.arange(n) % 6]
    xy = c + rng.normal(0, 4, (n, 2))
    b = np.round(np.hstack([xy, xy + rng.uniform(20, 40, (n, 2))]), 1).astype(np.float32)
    s = np.round(rng.uniform(0, 1, n), 3).astype(np.float32)
    image, classes = np.arange(n) % 3, rng.integers(0, 2, n)
    write("dets.h5", boxes=b, scores=s, image=image, classes=classes, extra=np.arange(n))
    write("rois.h5", boxes=b, loss=s, image=image, labels=classes,
          logits=rng.normal(0, 2, (n, 3)).astype(np.float32))
    write("rois-logits.h5", boxes=b, image=image, labels=classes,
          logits=rng.normal(0, 2, (n, 3)).astype(np.float32))
    bad = b.copy()
    bad[4, 2] = np.nan
    write("dets-nan.h5", boxes=bad, scores=s)
    write("dets-3col.h5", boxes=b[:, :3], scores=s)
    write("dets-short.h5", boxes=b, scores=s[:50])
    write("dets-empty.h5", boxes=np.zeros((0, 4), np.float32), scores=np.zeros(0, np.float32))


def embeddings():
    """en/fr: fr is a rotation of en plus noise; words every 3rd spelled alike."""
    n, d = 120, 8
    en = rng.normal(0, 1, (n, d)) * np.linspace(2, 1, d)
    en = (en / np.linalg.norm(en, axis=1, keepdims=True)).astype(np.float32)
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    fr = (en @ q.T + rng.normal(0, 0.01, (n, d))).astype(np.float32)
    en_words = [f"e{i}" for i in range(n)]
    fr_words = [f"e{i}" if i % 3 == 0 else f"f{i}" for i in range(n)]
    write("en.h5", embeddings=en, words=words(en_words))
    write("fr.h5", embeddings=fr, words=words(fr_words))
    write("W.h5", W=q.astype(np.float32))
    write("W-bad.h5", W=np.eye(d, d + 1, dtype=np.float32))
    write("W-shared-bad.h5", W=q.astype(np.float32), W_tgt=np.eye(d - 2, d, dtype=np.float32))
    write("query-words.h5", words=words(["e90", "e101", "e117"]))
    bad = en.copy()
    bad[9, 0] = np.nan
    write("en-nan.h5", embeddings=bad, words=words(en_words))
    write("en-6d.h5", embeddings=en[:, :6], words=words(en_words))
    text("train.txt", "".join(f"{en_words[i]} {fr_words[i]}\n" for i in range(60)))
    text("test.txt", "".join(f"{en_words[i]} {fr_words[i]}\n" for i in range(60, 120)))
    text("unknown.txt", "zz1 qq1\nzz2 qq2\n")
    vec = "".join(f"{en_words[i]} " + " ".join(f"{v:.4f}" for v in en[i]) + "\n" for i in range(5))
    text("en.vec", f"5 {d}\n" + vec)
    text("bad.vec", f"5 {d}\n" + vec.replace("0.", "x.", 1))
    text("table.csv", "1,2,0\n3,4,1\n5,6,0\n")
    text("ragged.csv", "1,2,0\n3,4\n")
    np.save(os.path.join(out, "matrix.npy"), np.arange(12, dtype=np.float64).reshape(3, 4))
    text("pairs.txt", "e0 e0\ne1 f1\ne2 f2\n")
    for i in range(2):
        write(f"part{i}.h5", x=np.full((2, 3), i, np.float32), k=np.arange(2) + 2 * i)


if __name__ == "__main__":
    os.makedirs(out, exist_ok=True)
    logits()
    classification()
    images()
    boxes()
    embeddings()
    write("x-empty.h5", x=np.zeros((0, 16), np.float32), labels=np.zeros(0, np.int64))
