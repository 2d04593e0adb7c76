#!/usr/bin/python3
"""Write the float64 reference for the engine's BF16 precision (--precision bf16).

What it is
    An independent reference for Precision::Bf16 in the C++ encoder: a plain
    numpy float64 forward pass of the Hugging Face BERT equations in which
    every linear layer of the encoder (query, key, value, attention output,
    intermediate, output) multiplies its input *rounded to bfloat16* (round
    to nearest even, from float32) by its weights rounded to bfloat16, and
    everything else (embeddings, softmax, layer norms, GELU, residuals) is
    float64.  That is what the engine's BF16 path promises to compute, up to
    its float32 sums.

    The model is tests/fixtures/models/h12-bf16 (its weights are stored as
    BF16 already).  For each case (token ids, mask mode) it records every
    attention map and the last hidden state, and the same two from a plain
    float64 pass without any rounding, so the test can show that the BF16
    reference is the one the engine's BF16 path is close to.

How to run (from the repository root; needs numpy)
    /usr/bin/python3 tools/make_bf16_fixture.py
    -> tests/fixtures/bf16/h12-bf16-precision.json
"""
import json
import math
import os
import struct

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "tests", "fixtures", "models", "h12-bf16")
OUT = os.path.join(ROOT, "tests", "fixtures", "bf16", "h12-bf16-precision.json")


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            values = bits.view(np.float32)
        elif info["dtype"] == "F32":
            values = np.frombuffer(raw, dtype="<f4")
        else:
            raise SystemExit("unexpected dtype " + info["dtype"])
        tensors[name] = values.astype(np.float64).reshape(info["shape"])
    return tensors


def to_bf16(x):
    """float64 -> float32 -> bfloat16 (nearest even), returned as float64."""
    f = np.asarray(x, dtype=np.float32)
    u = f.view(np.uint32).astype(np.uint64)
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    nan = (u & 0x7FFFFFFF) > 0x7F800000
    rounded = np.where(nan, (u >> 16 | 0x40) << 16, rounded)
    return rounded.astype(np.uint32).view(np.float32).astype(np.float64)


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def forward(t, config, ids, causal, bf16):
    round_in = to_bf16 if bf16 else (lambda v: v)
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    d = hidden // heads
    eps = config["layer_norm_eps"]
    n = len(ids)
    p = "bert."

    def linear(x, name):
        w = t[p + name + ".weight"]
        if bf16:
            w = to_bf16(w)
        return round_in(x) @ w.T + t[p + name + ".bias"]

    x = t[p + "embeddings.word_embeddings.weight"][ids] + t[p + "embeddings.position_embeddings.weight"][:n] + \
        t[p + "embeddings.token_type_embeddings.weight"][[0] * n]
    x = layer_norm(x, t[p + "embeddings.LayerNorm.weight"], t[p + "embeddings.LayerNorm.bias"], eps)
    attentions = []
    for l in range(config["num_hidden_layers"]):
        a = "encoder.layer.%d." % l
        q = linear(x, a + "attention.self.query")
        k = linear(x, a + "attention.self.key")
        v = linear(x, a + "attention.self.value")
        context = np.zeros((n, hidden))
        maps = []
        for h in range(heads):
            s = slice(h * d, (h + 1) * d)
            scores = q[:, s] @ k[:, s].T / math.sqrt(d)
            if causal:
                scores = np.where(np.tril(np.ones((n, n))) > 0, scores, -np.inf)
            scores = scores - scores.max(axis=1, keepdims=True)
            e = np.exp(scores)
            probs = e / e.sum(axis=1, keepdims=True)
            maps.append(probs)
            context[:, s] = probs @ v[:, s]
        attentions.append(maps)
        x = layer_norm(x + linear(context, a + "attention.output.dense"),
                       t[p + a + "attention.output.LayerNorm.weight"], t[p + a + "attention.output.LayerNorm.bias"], eps)
        inner = gelu(linear(x, a + "intermediate.dense"))
        x = layer_norm(x + linear(inner, a + "output.dense"),
                       t[p + a + "output.LayerNorm.weight"], t[p + a + "output.LayerNorm.bias"], eps)
    return np.array(attentions), x


def short(a):
    """Nine significant digits: more than float32 holds, a third of the bytes of repr."""
    return [float("%.9g" % v) for v in a.ravel()]


def main():
    config = json.load(open(os.path.join(MODEL, "config.json")))
    tensors = read_safetensors(os.path.join(MODEL, "model.safetensors"))
    rng = np.random.default_rng(20261208)
    cases = []
    for n, causal in ((7, False), (16, True), (24, False)):
        ids = [2] + [int(i) for i in rng.integers(5, config["vocab_size"], n - 2)] + [3]
        att_bf, last_bf = forward(tensors, config, ids, causal, True)
        att_64, last_64 = forward(tensors, config, ids, causal, False)
        cases.append({
            "ids": ids,
            "mask_mode": "causal" if causal else "bidirectional",
            "bf16": {"attentions": short(att_bf), "last_hidden": short(last_bf)},
            "float64": {"attentions": short(att_64), "last_hidden": short(last_64)},
        })
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "tools/make_bf16_fixture.py on tests/fixtures/models/h12-bf16", "cases": cases}, f)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
