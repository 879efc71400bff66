"""A Retort model file (as `distill train` writes it) as an equivalent torch.nn.Sequential.

The group (`model` by default; `generations/gK` for a born-again generation) has
the attributes `architecture` (the comma list: dense:N, relu, leakyrelu:S,
dropout:P, conv3x3:F, bn, maxpool2, flatten) and `input_shape` (one row's
shape), and datasets `layerK/<name>` for layer K (activations counted):
dense W [in, out] (PyTorch's Linear holds W^T) and b; conv3x3 W [F, C, 3, 3]
and b (Conv2d's layout, padding 1); bn gamma, beta, running_mean, running_var
(eps 1e-5). Rows are flat in Retort; the Sequential keeps each row in the
shape Retort's layers see it: [H, W] rows become [1, H, W] for conv3x3 and
maxpool2, dense flattens its input, bn normalises channels of [C, H, W] rows and
each scalar of any other row.

    python3 retort_model.py MODEL DATA.h5 [DISTILL]   # self-check against `distill predict`

or from Python: `load(path)` gives the network in eval mode and `check(path, data, distill)`
the largest |logit difference| against `distill predict -m path data`.
"""
import math
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch
from torch import nn


class _Rows(nn.Module):
    """Reshapes a batch to rows of `shape` (the scalars do not move)."""

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self):
        return f"shape={self.shape}"


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _tensor(group, name):
    return torch.from_numpy(np.asarray(group[name][()], dtype=np.float32).copy())


def load(path, group="model"):
    """The network stored as `group` of the model file at `path`, in eval mode."""
    with h5py.File(path, "r") as f:
        g = f[group]
        arch = _text(g.attrs["architecture"])
        shape = [int(v) for v in np.atleast_1d(g.attrs["input_shape"])]
        layers = [_Rows(shape)]
        for k, token in enumerate(arch.split(",")):
            name, _, arg = token.strip().partition(":")
            name = name.lower()
            params = g.get(f"layer{k}")
            if name in ("conv3x3", "maxpool2") and len(shape) == 2:
                shape = [1] + shape
                layers.append(_Rows(shape))
            if name == "dense":
                if len(shape) > 1:
                    shape = [math.prod(shape)]
                    layers.append(nn.Flatten())
                w, b = _tensor(params, "W"), _tensor(params, "b")
                assert w.shape[0] == shape[0], f"layer{k}: W {tuple(w.shape)}, input {shape}"
                lin = nn.Linear(w.shape[0], w.shape[1])
                lin.weight.data.copy_(w.t())
                lin.bias.data.copy_(b)
                layers.append(lin)
                shape = [w.shape[1]]
            elif name == "relu":
                layers.append(nn.ReLU())
            elif name == "leakyrelu":
                layers.append(nn.LeakyReLU(float(arg) if arg else 0.01))
            elif name == "dropout":
                layers.append(nn.Dropout(float(arg)))
            elif name == "conv3x3":
                w, b = _tensor(params, "W"), _tensor(params, "b")
                assert len(shape) == 3 and w.shape[1] == shape[0], f"layer{k}: W {tuple(w.shape)}, input {shape}"
                conv = nn.Conv2d(w.shape[1], w.shape[0], 3, padding=1)
                conv.weight.data.copy_(w)
                conv.bias.data.copy_(b)
                layers.append(conv)
                shape = [w.shape[0]] + shape[1:]
            elif name == "maxpool2":
                layers.append(nn.MaxPool2d(2))
                shape = [shape[0], shape[1] // 2, shape[2] // 2]
            elif name == "flatten":
                layers.append(nn.Flatten())
                shape = [math.prod(shape)]
            elif name == "bn":
                if len(shape) == 3:
                    bn = nn.BatchNorm2d(shape[0], eps=1e-5)
                    body = [bn]
                else:
                    bn = nn.BatchNorm1d(math.prod(shape), eps=1e-5)
                    body = [nn.Flatten(), bn, _Rows(shape)] if len(shape) > 1 else [bn]
                for ours, theirs in (("gamma", "weight"), ("beta", "bias"),
                                     ("running_mean", "running_mean"), ("running_var", "running_var")):
                    getattr(bn, theirs).data.copy_(_tensor(params, ours))
                layers.extend(body)
            else:
                raise ValueError(f"{path}: layer{k} '{token}' is not a layer this loader knows")
        if len(shape) > 1:
            layers.append(nn.Flatten())
    return nn.Sequential(*layers).eval()


def check(path, data, distill="distill", group="model", rows=None):
    """The largest |difference| between this network's logits on `data`'s x
    (the first `rows` rows) and those of `distill predict -m path data`."""
    with h5py.File(data, "r") as f:
        x = np.asarray(f["x"][:rows] if rows else f["x"][()], dtype=np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        src = data
        if rows:
            src = f"{tmp}/x.h5"
            with h5py.File(src, "w") as f:
                f["x"] = x
        cmd = [distill, "predict", "-m", path, src, "-o", f"{tmp}/logits.h5", "--no-carry", "-q"]
        if group.startswith("generations/g"):
            cmd += ["--generation", group.rsplit("g", 1)[1]]
        subprocess.run(cmd, check=True)
        with h5py.File(f"{tmp}/logits.h5", "r") as f:
            theirs = f["logits"][()]
    with torch.no_grad():
        ours = load(path, group)(torch.from_numpy(x)).numpy()
    assert ours.shape == theirs.shape, f"logits {ours.shape} vs distill's {theirs.shape}"
    return float(np.max(np.abs(ours - theirs)))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: retort_model.py MODEL DATA.h5 [DISTILL]")
    diff = check(sys.argv[1], sys.argv[2], *(sys.argv[3:4] or []))
    print(f"max |logit difference| {diff:.3g}")
    sys.exit(0 if diff < 1e-3 else 1)
