#!/usr/bin/python3
"""Float64 numpy reference for the head summary (bertlens-cli heads).

Runs `bertlens-cli analyze` on a few sentences of the bundled model, and from
its attentions alone (written from the definitions in Clark et al. 2019, not
from the C++ code) computes per head the mean over all query tokens of the
entropy, distance and attention to [CLS], [SEP], punctuation, self, previous
and next token; the mean JS distance between every pair of heads; and the
classical MDS layout. Writes tests/fixtures/head-summary.json.

    /usr/bin/python3 tools/head_summary_reference.py build/app/bertlens-cli
"""
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "resources/models/bertlens-mini"
SENTENCES = [
    "the dog barked at the cat .",
    "a small bird sang in the old tree , and the children listened .",
    "where did the teacher put the books ? [SEP] they are on the table .",
]
KEYS = ["entropy", "distance", "to_cls", "to_sep", "to_punctuation", "to_self", "to_previous", "to_next"]


def punctuation(token):
    return len(token) > 0 and all(unicodedata.category(c).startswith("P") for c in token)


def analyze(cli, text, mask):
    out = subprocess.run([cli, "analyze", "--model", str(MODEL), "--text", text, "--mask-mode", mask],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    return np.array(j["attentions"], dtype=np.float64), j["tokens"]


def summary(cli, mask):
    sums, js, count = None, None, 0
    for text in SENTENCES:
        att, tokens = analyze(cli, text, mask)  # [L][H][n][n]
        L, H, n, _ = att.shape
        rows = att.reshape(L * H, n, n)
        if sums is None:
            sums = np.zeros((L * H, len(KEYS)))
            js = np.zeros((L * H, L * H))
        cls = np.array([t == "[CLS]" for t in tokens], dtype=float)
        sep = np.array([t == "[SEP]" for t in tokens], dtype=float)
        pun = np.array([punctuation(t) for t in tokens], dtype=float)
        dist = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :])
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(rows > 0, rows * np.log(rows), 0.0)
        sums[:, 0] += -plogp.sum(axis=(1, 2))
        sums[:, 1] += (rows * dist).sum(axis=(1, 2))
        sums[:, 2] += (rows @ cls).sum(axis=1)
        sums[:, 3] += (rows @ sep).sum(axis=1)
        sums[:, 4] += (rows @ pun).sum(axis=1)
        sums[:, 5] += np.trace(rows, axis1=1, axis2=2)
        sums[:, 6] += np.trace(rows, offset=-1, axis1=1, axis2=2)
        # Masked keys carry weight 0, so the next-token trace is 0 under causal by itself.
        sums[:, 7] += np.trace(rows, offset=1, axis1=1, axis2=2)
        for a in range(L * H):
            for b in range(L * H):
                p, q = rows[a], rows[b]
                m = 0.5 * (p + q)
                with np.errstate(divide="ignore", invalid="ignore"):
                    kp = np.where(p > 0, p * np.log(p / m), 0.0).sum(axis=1)
                    kq = np.where(q > 0, q * np.log(q / m), 0.0).sum(axis=1)
                js[a, b] += np.sqrt(np.maximum(0.0, 0.5 * (kp + kq))).sum()
        count += n
    stats = sums / count
    d = js / count
    np.fill_diagonal(d, 0.0)
    k = d.shape[0]
    j = np.eye(k) - np.ones((k, k)) / k
    b = -0.5 * j @ (d ** 2) @ j
    w, v = np.linalg.eigh(b)
    order = np.argsort(w)[::-1][:2]
    mds = v[:, order] * np.sqrt(np.maximum(w[order], 0.0))
    return {"query_tokens": count, "heads": [dict(zip(KEYS, map(float, s))) for s in stats],
            "js_distance": d.tolist(), "mds": mds.tolist()}


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build/app/bertlens-cli")
    fixture = {"model": "resources/models/bertlens-mini", "sentences": SENTENCES,
               "bidirectional": summary(cli, "bidirectional"), "causal": summary(cli, "causal")}
    out = ROOT / "tests/fixtures/head-summary.json"
    out.write_text(json.dumps(fixture, indent=1) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
