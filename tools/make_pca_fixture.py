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

How to run (from the repository root; needs numpy)
    /usr/bin/python3 tools/make_pca_fixture.py   # writes tests/fixtures/pca/pca_reference.json
"""
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "pca", "pca_reference.json")


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

    with open(OUT, "w") as f:
        json.dump({"source": "tools/make_pca_fixture.py, numpy " + np.__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
