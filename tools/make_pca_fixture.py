#!/usr/bin/python3
"""Write the reference for BertLens' two-axis PCA (core/analysis/Pca.h).

What it is
    An independent reference made with numpy's SVD, which the C++ code does
    not use (it decomposes a covariance or Gram matrix with Eigen).  For each
    case it stores the samples and what PCA must give for them: the mean, the
    top two principal axes, their variances, the total variance, the explained
    variance ratios and the projection of every sample.

    Conventions shared with the C++ code (they are choices, not results):
    variance = sum of squares / (n - 1); each axis' sign makes its loading of
    largest magnitude positive; "paths" fit one basis on all layers' hidden
    states stacked.

Cases
    wide    6 samples x 10 dims, random, anisotropic (the n x n Gram route)
    tall    40 samples x 5 dims, random, anisotropic (the d x d route)
    layer   the hidden states of layer 2 of tests/fixtures/models/h12-f32,
            case "single" (10 tokens x 48), rounded to float32 as the engine
            stores them
    paths   the same case's hidden states of all 3 layers (embeddings, 1, 2)
            stacked: the basis for paths through the layers
    pair    two sentences side by side (the "bank" examples of
            resources/examples.json) through the bundled model
            resources/models/bertlens-mini: the hidden states after its last
            layer from a float64 torch forward written from BERT's definition
            (tools/make_flow_fixtures.py), rounded to float32; one PCA fitted
            on both sentences' rows stacked, each sentence's projection, and
            the cosine similarity of the same word's two states (the k-th
            appearance in one sentence with the k-th in the other; [CLS] and
            [SEP] left out)

How to run (from the repository root; needs numpy and torch)
    /usr/bin/python3 tools/make_pca_fixture.py   # writes tests/fixtures/pca/pca_reference.json
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_flow_fixtures import Weights, forward  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "pca", "pca_reference.json")
BUNDLED = os.path.join(ROOT, "resources", "models", "bertlens-mini")
PAIR_TEXTS = ("the man sat on the bank of the river .", "the man put his money in the bank .")


def reference(samples):
    x = np.asarray(samples, dtype=np.float64)
    n = x.shape[0]
    mean = x.mean(axis=0)
    centred = x - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    # The reference is only meaningful when the two axes are well defined.
    assert s[0] > s[1] * 1.01 and s[1] > s[2] * 1.01, "top singular values too close: %s" % s[:3]
    axes = vt[:2].T.copy()
    for k in range(2):
        largest = int(np.argmax(np.abs(axes[:, k])))
        if axes[largest, k] < 0:
            axes[:, k] = -axes[:, k]
    variance = s[:2] ** 2 / (n - 1)
    total = float((s ** 2).sum() / (n - 1))
    return {
        "mean": mean.tolist(),
        "axes": axes.T.tolist(),  # [2][d]: axes[k] is the k-th axis
        "variance": variance.tolist(),
        "total_variance": total,
        "explained_ratio": (variance / total).tolist(),
        "projection": (centred @ axes).tolist(),
    }


def read_weights(path):
    """Every tensor of a safetensors file (F32 or F16, as the bundled model has) as float64."""
    kinds = {"F32": torch.float32, "F16": torch.float16}
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=kinds[info["dtype"]]).to(torch.float64)
        out[name] = t.reshape(info["shape"])
    return out


def pair_case():
    """The two "bank" sentences through the bundled model, on one PCA."""
    cfg = json.load(open(os.path.join(BUNDLED, "config.json")))
    vocab = {w: i for i, w in enumerate(open(os.path.join(BUNDLED, "vocab.txt"), encoding="utf-8").read().split("\n"))}
    W = Weights(read_weights(os.path.join(BUNDLED, "model.safetensors")))
    layers = cfg["num_hidden_layers"]
    gates = torch.ones(layers, cfg["num_attention_heads"], dtype=torch.float64)
    sentences = []
    for text in PAIR_TEXTS:
        # Every word of these sentences is whole in the bundled vocabulary (the
        # C++ test checks its tokenizer gives the same ids).
        words = ["[CLS]"] + text.split() + ["[SEP]"]
        ids = [vocab[w] for w in words]
        _, hidden = forward(W, cfg, ids, [0] * len(ids), "bidirectional", gates)
        states = hidden[layers].numpy().astype(np.float32).astype(np.float64)
        sentences.append({"text": text, "tokens": words, "ids": ids, "states": states})
    first, second = sentences[0]["states"], sentences[1]["states"]
    ref = reference(np.vstack([first, second]))
    projection = np.asarray(ref.pop("projection"))
    same = []
    seen = {}
    for i, w in enumerate(sentences[0]["tokens"]):
        if w in ("[CLS]", "[SEP]"):
            continue
        k = seen.get(w, 0)
        seen[w] = k + 1
        where = [j for j, v in enumerate(sentences[1]["tokens"]) if v == w]
        if k >= len(where):
            continue
        a, b = first[i], second[where[k]]
        cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
        same.append({"word": w, "occurrence": k, "first": i, "second": where[k], "cosine": cosine})
    return {
        "name": "pair",
        "model": "resources/models/bertlens-mini",
        "hidden_state": layers,
        "texts": list(PAIR_TEXTS),
        "tokens": [s["tokens"] for s in sentences],
        "ids": [s["ids"] for s in sentences],
        "first": first.tolist(),
        "second": second.tolist(),
        **ref,
        "projection_first": projection[: len(first)].tolist(),
        "projection_second": projection[len(first):].tolist(),
        "same_words": same,
    }


def main():
    rng = np.random.default_rng(20240611)
    cases = []
    for name, n, d in (("wide", 6, 10), ("tall", 40, 5)):
        scales = np.linspace(3.0, 0.5, d)
        samples = rng.normal(size=(n, d)) * scales + rng.normal(size=d)
        cases.append({"name": name, "samples": samples.tolist(), **reference(samples)})

    with open(os.path.join(ROOT, "tests", "fixtures", "models", "h12-f32", "expected.json")) as f:
        expected = json.load(f)
    single = next(c for c in expected["cases"] if c["name"] == "single")
    hidden = np.asarray(single["hidden_states"], dtype=np.float32).astype(np.float64)  # [L+1][n][d]
    cases.append({"name": "layer", "samples": hidden[2].tolist(), **reference(hidden[2])})
    stacked = hidden.reshape(-1, hidden.shape[2])
    cases.append({"name": "paths", "layers": hidden.tolist(), **reference(stacked)})
    cases.append(pair_case())

    with open(OUT, "w") as f:
        json.dump({"source": "tools/make_pca_fixture.py, numpy " + np.__version__ + ", torch " + torch.__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
