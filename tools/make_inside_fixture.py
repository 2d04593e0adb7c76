#!/usr/bin/python3
"""Float64 reference for "inside one head" (issue 15, part 4).

For the f32 fixtures of tests/fixtures/models, a float64 BERT forward in
torch written from the definition (the helpers of make_flow_fixtures.py:
safetensors reader, LayerNorm, erf GELU, masks) that keeps, for every layer,
the per-head queries, keys and values

    q = x W_Q^T + b_Q,  k = x W_K^T + b_K,  v = x W_V^T + b_V   (split into heads)

where x is the layer's input, and the attention softmax(q k^T / sqrt(d) + mask).
Written for the first layer and a later one, under both masks.

Run from the repository root:  /usr/bin/python3 tools/make_inside_fixture.py
Writes tests/fixtures/inside/<shape>.json.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_flow_fixtures import MODELS, Weights, allowed, gelu, layer_norm, r, read_safetensors  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "inside")


def heads_of(W, cfg, ids, types, mode):
    """Per layer: (queries, keys, values) [H][n][d] and attention [H][n][n]."""
    L, H, D = cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["hidden_size"]
    d, eps, n = D // H, cfg.get("layer_norm_eps", 1e-12), len(ids)
    x = (W("embeddings.word_embeddings.weight")[ids] + W("embeddings.position_embeddings.weight")[:n]
         + W("embeddings.token_type_embeddings.weight")[types])
    x = layer_norm(x, W("embeddings.LayerNorm.weight"), W("embeddings.LayerNorm.bias"), eps)
    keep = allowed(mode, n)
    out = []
    for l in range(L):
        p = "encoder.layer.%d." % l
        lin = lambda name, v: v @ W(p + name + ".weight").T + W(p + name + ".bias")
        split = lambda t: t.reshape(n, H, d).transpose(0, 1)
        q, k, v = (split(lin("attention.self." + s, x)) for s in ("query", "key", "value"))
        a = torch.softmax((q @ k.transpose(1, 2) / math.sqrt(d)).masked_fill(~keep, float("-inf")), -1)
        out.append((q, k, v, a))
        ctx = (a @ v).transpose(0, 1).reshape(n, D)
        x = layer_norm(x + lin("attention.output.dense", ctx), W(p + "attention.output.LayerNorm.weight"),
                       W(p + "attention.output.LayerNorm.bias"), eps)
        f = lin("output.dense", gelu(lin("intermediate.dense", x)))
        x = layer_norm(x + f, W(p + "output.LayerNorm.weight"), W(p + "output.LayerNorm.bias"), eps)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for shape in ("h12", "inter"):
        folder = os.path.join(MODELS, shape + "-f32")
        cfg = json.load(open(os.path.join(folder, "config.json")))
        W = Weights(read_safetensors(os.path.join(folder, "model.safetensors")))
        case = {c["name"]: c for c in json.load(open(os.path.join(folder, "expected.json")))["cases"]}["single"]
        L, H = cfg["num_hidden_layers"], cfg["num_attention_heads"]
        cases = []
        for mode in ("bidirectional", "causal"):
            with torch.no_grad():
                per_layer = heads_of(W, cfg, case["ids"], case["token_type_ids"], mode)
            for layer, head in ((0, 1), (L - 1, H - 1)):
                q, k, v, a = per_layer[layer]
                cases.append({"mode": mode, "layer": layer, "head": head, "queries": r(q[head]), "keys": r(k[head]),
                              "values": r(v[head]), "attention": r(a[head])})
        with open(os.path.join(OUT, shape + ".json"), "w") as f:
            json.dump({"torch": torch.__version__, "text": case["text"], "ids": case["ids"], "cases": cases}, f)
        print(shape, "written")


if __name__ == "__main__":
    main()
