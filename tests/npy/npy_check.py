#!/usr/bin/env python3
"""bertlens-cli analyze --npy: the arrays load with numpy, have the shapes and
axes arrays.json names, and hold the numbers of analyze's own JSON (a second
writer of the same Analysis); the PCA coordinates agree with numpy's SVD
(up to each axis' sign). Bad folders fail with a message, never a traceback
or a torn file. Exit 77 (skipped) without numpy.

usage: npy_check.py BERTLENS_CLI MODEL_DIR WORK_DIR
"""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print(f"SKIP: {sys.executable} has no numpy (apt-get install python3-numpy)")
    sys.exit(77)

cli, model, work = sys.argv[1:4]
TEXT = "the [MASK] barked at the cat , and the cat ran ."
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def analyze(folder, *extra, preexec=None):
    args = [cli, "analyze", "--model", model, "--text", TEXT, "--npy", folder, *extra]
    return subprocess.run(args, capture_output=True, text=True, preexec_fn=preexec)


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
out = os.path.join(work, "arrays")
measures = ["--hidden-states", "--rollout", "--flow", "--norms", "--saliency", "--head-importance",
            "--layer-predictions", "--predict-all", "--top-k", "3"]
for mode in ["bidirectional", "causal"]:
    run = analyze(out, "--mask-mode", mode, *measures)
    check(run.returncode == 0, f"{mode}: analyze --npy exits 0 ({run.returncode}: {run.stderr.strip()})")
    if run.returncode != 0:
        continue
    ref = json.loads(run.stdout)
    side = json.load(open(os.path.join(out, "arrays.json")))
    check(side["format"] == "bertlens-arrays" and side["version"] == 1, "sidecar names its format")
    check(side["tokens"] == ref["tokens"] and side["ids"] == ref["ids"], "sidecar tokens and ids")
    arrays = {}
    for name, info in side["arrays"].items():
        a = np.load(os.path.join(out, info["file"]), allow_pickle=False)
        check(list(a.shape) == info["shape"], f"{name}: shape {a.shape} is the sidecar's {info['shape']}")
        check(len(info["axes"]) == a.ndim, f"{name}: one axis name per dimension")
        check(str(a.dtype) == info["dtype"], f"{name}: dtype {a.dtype} is the sidecar's {info['dtype']}")
        arrays[name] = a
    p = mode + "_"

    def same(name, expected, tol=1e-6):
        if p + name not in arrays:
            check(False, f"{mode}: {p + name} was written")
            return
        got = arrays[p + name]
        exp = np.asarray(expected, dtype=np.float64)
        ok = got.shape == exp.shape and np.allclose(got, exp, rtol=1e-6, atol=tol)
        check(ok, f"{mode}: {name} equals analyze's JSON (shape {got.shape} vs {exp.shape})")

    same("attentions", ref["attentions"])
    same("hidden_states", ref["hidden_states"], 1e-5)
    same("rollout", ref["rollout"])
    same("flow", ref["flow"])
    same("flow_normalized", ref["flow_normalized"])
    same("norms", ref["norms"])
    same("saliency_grad_x_input", ref["saliency"]["grad_x_input"])
    same("saliency_gradient", ref["saliency"]["gradient"])
    same("head_importance", ref["head_importance"])
    same("predictions_positions", [q["position"] for q in ref["predictions"]])
    same("predictions_top_ids", [[t["id"] for t in q["top"]] for q in ref["predictions"]])
    same("predictions_top_probabilities", [[t["prob"] for t in q["top"]] for q in ref["predictions"]])
    same("layer_predictions_top_ids", [[[t["id"] for t in q["top"]] for q in layer] for layer in ref["layer_predictions"]])
    rows = arrays[p + "attentions"].sum(axis=-1)
    check(np.allclose(rows, 1.0, atol=1e-5), f"{mode}: every attention row sums to 1")
    if mode == "causal":
        upper = np.triu(np.ones(rows.shape[-1], dtype=bool), 1)
        check(np.all(arrays[p + "attentions"][..., upper] == 0), "causal: no weight on a later token")

    # PCA: numpy's SVD of each layer's centred hidden states gives the same
    # coordinates up to the sign of each axis.
    hidden = np.asarray(ref["hidden_states"], dtype=np.float64)
    pca = arrays[p + "embeddings_pca"]
    for layer in range(hidden.shape[0]):
        x = hidden[layer] - hidden[layer].mean(axis=0)
        u, s, _ = np.linalg.svd(x, full_matrices=False)
        expected = u[:, :2] * s[:2]
        for c in range(2):
            got = pca[layer, :, c]
            sign = 1.0 if np.dot(got, expected[:, c]) >= 0 else -1.0
            check(np.allclose(got, sign * expected[:, c], atol=1e-3 * max(1.0, s[0])),
                  f"{mode}: embeddings_pca layer {layer} axis {c} is numpy's principal component")
    stacked = hidden.reshape(-1, hidden.shape[-1])
    x = stacked - stacked.mean(axis=0)
    u, s, _ = np.linalg.svd(x, full_matrices=False)
    expected = (u[:, :2] * s[:2]).reshape(hidden.shape[0], hidden.shape[1], 2)
    paths = arrays[p + "embeddings_paths"]
    for c in range(2):
        sign = 1.0 if np.sum(paths[..., c] * expected[..., c]) >= 0 else -1.0
        check(np.allclose(paths[..., c], sign * expected[..., c], atol=1e-3 * max(1.0, s[0])),
              f"{mode}: embeddings_paths axis {c} is numpy's principal component of all layers")

# A folder that cannot be made (a file stands where it should be).
blocker = os.path.join(work, "a-file")
open(blocker, "w").write("not a folder\n")
run = analyze(os.path.join(blocker, "arrays"))
check(run.returncode != 0 and "cannot create the folder" in run.stderr and "Traceback" not in run.stderr,
      f"a folder under a file is refused with a message (exit {run.returncode}: {run.stderr.strip()})")

# A full disk (a file-size limit): a message, and the arrays written before stay whole.
before = open(os.path.join(out, "causal_attentions.npy"), "rb").read()


def small_disk():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


run = analyze(out, "--mask-mode", "causal", preexec=small_disk)
check(run.returncode != 0 and "cannot write" in run.stderr, f"a full disk gives a message ({run.stderr.strip()})")
check(open(os.path.join(out, "causal_attentions.npy"), "rb").read() == before, "the old file is intact after a full disk")
leftovers = [f for f in os.listdir(out) if not f.endswith((".npy", ".json"))]
check(not leftovers, f"no temporary files are left behind ({leftovers})")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
