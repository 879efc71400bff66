"""Writes the small files that one tool's man-page examples read.

    python3 man_sandbox.py TOOL DIR

Every file an example names is made here (or by an earlier example of the same
page), small enough that all examples of a page run in seconds.
"""
import sys

import h5py
import numpy as np

rng = np.random.default_rng(0)
strings = h5py.string_dtype()


def write(name, **datasets):
    with h5py.File(name, "w") as f:
        for key, value in datasets.items():
            f[key] = value


def classification(rows, features=784, classes=10):
    y = np.arange(rows) % classes
    means = rng.normal(0, 1, (classes, features))
    x = (means[y] + rng.normal(0, 1, (rows, features))).astype(np.float32)
    return (x - x.min()) / (x.max() - x.min()), y


def model(name):
    """A Retort model file as distill train writes it (784-10, trained at T=1)."""
    with h5py.File(name, "w") as f:
        g = f.create_group("model")
        g["layer0/W"] = rng.normal(0, 0.05, (784, 10)).astype(np.float32)
        g["layer0/b"] = np.zeros(10, np.float32)
        g.attrs.update({"architecture": "dense:10", "input_shape": np.array([784]),
                        "parameter_count": 7850, "format": "retort-network",
                        "format_version": 1, "temperature": 1.0, "generation": 0})


def boxes(n, images=1, classes=1):
    c = rng.uniform(0, 500, (max(2, n // 20), 2))[rng.integers(0, max(2, n // 20), n)]
    xy = c + rng.normal(0, 5, (n, 2))
    b = np.hstack([xy, xy + rng.uniform(20, 60, (n, 2))]).astype(np.float32)
    return b, rng.uniform(0, 1, n).astype(np.float32), rng.integers(0, images, n), rng.integers(0, classes, n)


def vectors(n, d=16):
    x = rng.normal(0, 1, (n, d)) * np.linspace(3, 1, d)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def word_pair():
    """en.h5 / fr.h5: fr is a rotation of en plus noise; some words are spelled alike."""
    n, d = 400, 16
    en = vectors(n, d)
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    fr = (en @ q.T + rng.normal(0, 0.01, (n, d))).astype(np.float32)
    en_words = [f"w{i}" for i in range(n)]
    fr_words = [f"w{i}" if i % 4 == 0 else f"m{i}" for i in range(n)]
    write("en.h5", embeddings=en, words=np.array(en_words, dtype=object).astype(strings))
    write("fr.h5", embeddings=fr, words=np.array(fr_words, dtype=object).astype(strings))
    with open("en-fr.train.txt", "w") as f:
        f.writelines(f"{en_words[i]} {fr_words[i]}\n" for i in range(0, 150))
    with open("en-fr.test.txt", "w") as f:
        f.writelines(f"{en_words[i]} {fr_words[i]}\n" for i in range(200, 400))
    write("W-adv.h5", W=np.eye(d, dtype=np.float32))
    write("W.h5", W=q.astype(np.float32))
    write("some-words.h5", words=np.array(["w201", "w350"], dtype=object).astype(strings))


def tensor():
    with open("wiki.en.vec", "w") as f:
        f.write("3 4\nthe 0.1 0.2 0.3 0.4\ncat 1 0 0 0\nchat 0 1 0 0\n")
    with open("words.vec", "w") as f:
        f.write("2 2\na 1 2\nb 3 4\n")
    write("fr.h5", embeddings=np.eye(2, 4, dtype=np.float32), words=np.array(["le", "chat"], dtype=object).astype(strings))
    with open("en-fr.txt", "w") as f:
        f.write("the le\ncat chat\n")
    x, y = classification(20, 64)
    np.savetxt("digits.csv", np.hstack([x * 16, y[:, None]]), delimiter=",", fmt="%g")
    write("scores.h5", keep=np.array([3, 1, 2]), scores=np.array([0.9, 0.5, 0.4], np.float32))
    model("model.h5")
    write("logits.h5", logits=rng.normal(size=(30, 5)).astype(np.float32))
    for i in range(3):
        write(f"part-{i}.h5", x=np.full((2, 3), i, np.float32))
    for i in range(2):
        write(f"part{i}.h5", x=np.full((2, 3), i, np.float32))
        write(f"shard-{i}.h5", x=np.full((2, 3), i, np.float32))
        with h5py.File(f"shard-{i}.h5", "a") as f:
            f.attrs.update({"shard_index": i, "shard_count": 2, "shard_rows": np.array([2 * i, 2 * i + 2, 4]),
                            "shard_source": "softlabel -T 2 logits.h5"})
    # A rotation of the 4-dimensional wiki.en.vec for tensor map (its own generator, so the
    # files above stay as they were).
    q, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(4, 4)))
    write("W.h5", W=q.astype(np.float32))
    write("train.h5", x=np.arange(12, dtype=np.float32).reshape(6, 2), labels=np.array([0, 1, 2, 0, 1, 1]))
    with open("vocabulary.txt", "w") as f:
        f.write("the\nof\nand\n")
    grid = np.arange(8, dtype=np.float32).reshape(4, 2)
    write("mnist.h5", x_train=grid, labels_train=np.array([1, 0, 1, 1]), x_test=grid[:2])
    write("features.h5", x=grid)
    write("labels.h5", labels=np.array([0, 1, 0, 1]))
    write("detections.h5", boxes=np.array([[0, 0, 2, 2], [0, 0, 2, 1.9], [3, 3, 4, 4]], np.float32),
          scores=np.array([0.9, 0.8, 0.7], np.float32))
    write("kept.h5", keep=np.array([0, 2]))


def softlabel():
    for name in ("teacher-logits.h5", "a.h5", "b.h5", "c.h5"):
        write(name, logits=rng.normal(0, 3, (50, 10)).astype(np.float32), labels=np.arange(50) % 10)
    model("teacher.h5")
    x, y = classification(50)
    write("train.h5", x=x, labels=y)


def distill():
    for name, rows in (("train.h5", 200), ("val.h5", 50), ("test.h5", 60)):
        x, y = classification(rows)
        write(name, x=x, labels=y)
    x, y = classification(200)
    p = rng.dirichlet(np.ones(10), 200).astype(np.float32)
    write("student-data.h5", x=x, labels=y, probs=p)


def nms():
    b, s, img, cls = boxes(300, images=3, classes=2)
    write("detections.h5", boxes=b, scores=s, image=img, classes=cls)
    xywh = np.hstack([b[:, :2], b[:, 2:] - b[:, :2]])
    write("dets.h5", boxes=xywh, scores=s)


def ohem_select():
    b, s, img, cls = boxes(600, images=4, classes=3)
    write("rois.h5", boxes=b, loss=s, image=img, labels=cls)
    write("losses.h5", loss=s, image=img)


def procrustes():
    word_pair()


def csls():
    word_pair()


def align_adv():
    word_pair()


def protonet():
    classes, per = 24, 18
    means = rng.uniform(0, 1, (classes, 28, 28))
    y = np.repeat(np.arange(classes), per)
    x = np.clip(means[y] + rng.normal(0, 0.2, (len(y), 28, 28)), 0, 1).astype(np.float32)
    write("train.h5", x=x, labels=y)
    write("test.h5", x=x[: 6 * per], labels=y[: 6 * per])
    write("support.h5", x=x[::per // 2][:20], labels=y[::per // 2][:20])
    write("queries.h5", x=x[1:60], labels=y[1:60])
    write("features.h5", embeddings=rng.normal(size=(120, 8)).astype(np.float32) + np.repeat(np.eye(6, 8) * 4, 20, 0).astype(np.float32),
          labels=np.repeat(np.arange(6), 20))
    # Validation classes, none of them a training class.
    held_means = rng.uniform(0, 1, (8, 28, 28))
    vy = np.repeat(np.arange(8), per)
    vx = np.clip(held_means[vy] + rng.normal(0, 0.2, (len(vy), 28, 28)), 0, 1).astype(np.float32)
    write("val.h5", x=vx, labels=vy + 100)


if __name__ == "__main__":
    import os
    tool, directory = sys.argv[1], sys.argv[2]
    os.chdir(directory)
    globals()[tool.replace("-", "_")]()
