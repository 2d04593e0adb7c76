#!/usr/bin/python3
"""Float64 reference for BertLens's second-wave measures (issue 14).

Written from the definitions (Abnar & Zuidema 2020 rollout and flow;
Kobayashi et al. 2020 vector norms; gradient saliency; Michel et al. 2019
head importance; the masked-LM head on every layer), not from the C++ code.
A fresh float64 BERT in torch, with autograd for the gradients and a plain
Edmonds-Karp for the flow, on the f32 fixtures of tests/fixtures/models
(three shapes). Writes tests/fixtures/flow/<shape>.json.

Run from the repository root:  /usr/bin/python3 tools/make_flow_fixtures.py
"""
import collections
import json
import math
import os
import struct

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(REPO, "tests", "fixtures", "models")
OUT = os.path.join(REPO, "tests", "fixtures", "flow")
MASK_ID = 4


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).to(torch.float64)
        out[name] = t.reshape(info["shape"])
    return out


class Weights:
    def __init__(self, tensors):
        self.t = tensors

    def __call__(self, name):
        for prefix in ("bert.", ""):
            for n in (name, name.replace(".weight", ".gamma").replace(".bias", ".beta")):
                if "LayerNorm" not in name and n != name:
                    continue
                if prefix + n in self.t:
                    return self.t[prefix + n]
        raise KeyError(name)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def allowed(mode, n):
    i = torch.arange(n).unsqueeze(1)
    j = torch.arange(n).unsqueeze(0)
    if mode == "causal":
        return j <= i
    if mode == "anti-causal":
        return j >= i
    return torch.ones(n, n, dtype=torch.bool)


def forward(W, cfg, ids, types, mode, gates, word_rows=None):
    """Returns attentions (un-gated), layer inputs, hidden states, values per layer, final output."""
    L, H, d = cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["hidden_size"]
    dh, eps, n = d // H, cfg.get("layer_norm_eps", 1e-12), len(ids)
    e = W("embeddings.word_embeddings.weight")[ids] if word_rows is None else word_rows
    x = e + W("embeddings.position_embeddings.weight")[:n] + W("embeddings.token_type_embeddings.weight")[types]
    x = layer_norm(x, W("embeddings.LayerNorm.weight"), W("embeddings.LayerNorm.bias"), eps)
    keep = allowed(mode, n)
    atts, hidden = [], [x]
    for l in range(L):
        p = "encoder.layer.%d." % l
        lin = lambda name, v: v @ W(p + name + ".weight").T + W(p + name + ".bias")
        q = lin("attention.self.query", x).reshape(n, H, dh).transpose(0, 1)
        k = lin("attention.self.key", x).reshape(n, H, dh).transpose(0, 1)
        v = lin("attention.self.value", x).reshape(n, H, dh).transpose(0, 1)
        s = q @ k.transpose(1, 2) / math.sqrt(dh)
        s = s.masked_fill(~keep, float("-inf"))
        a = torch.softmax(s, -1)
        atts.append(a)
        ctx = (a * gates[l].reshape(H, 1, 1)) @ v
        ctx = ctx.transpose(0, 1).reshape(n, d)
        x = layer_norm(x + lin("attention.output.dense", ctx), W(p + "attention.output.LayerNorm.weight"),
                       W(p + "attention.output.LayerNorm.bias"), eps)
        f = lin("output.dense", gelu(lin("intermediate.dense", x)))
        x = layer_norm(x + f, W(p + "output.LayerNorm.weight"), W(p + "output.LayerNorm.bias"), eps)
        hidden.append(x)
    return atts, hidden


def mlm_log_probs(T, W, cfg, h):
    eps = cfg.get("layer_norm_eps", 1e-12)
    t = gelu(h @ T["cls.predictions.transform.dense.weight"].T + T["cls.predictions.transform.dense.bias"])
    t = layer_norm(t, T["cls.predictions.transform.LayerNorm.weight" if "cls.predictions.transform.LayerNorm.weight" in T
                       else "cls.predictions.transform.LayerNorm.gamma"],
                   T["cls.predictions.transform.LayerNorm.bias" if "cls.predictions.transform.LayerNorm.bias" in T
                     else "cls.predictions.transform.LayerNorm.beta"], eps)
    dec = T.get("cls.predictions.decoder.weight", W("embeddings.word_embeddings.weight"))
    bias = T.get("cls.predictions.bias", T.get("cls.predictions.decoder.bias"))
    return torch.log_softmax(t @ dec.T + bias, -1)


def edmonds_karp(cap, s, t):
    """Max flow on a dense float64 capacity matrix (list of lists)."""
    n = len(cap)
    res = [row[:] for row in cap]
    total = 0.0
    while True:
        parent = [-1] * n
        parent[s] = s
        queue = collections.deque([s])
        while queue and parent[t] < 0:
            u = queue.popleft()
            for v in range(n):
                if parent[v] < 0 and res[u][v] > 1e-15:
                    parent[v] = u
                    queue.append(v)
        if parent[t] < 0:
            return total
        b, v = float("inf"), t
        while v != s:
            b = min(b, res[parent[v]][v])
            v = parent[v]
        v = t
        while v != s:
            res[parent[v]][v] -= b
            res[v][parent[v]] += b
            v = parent[v]
        total += b


def tilde(atts, gates):
    out = []
    for l, a in enumerate(atts):
        m = (a * gates[l].reshape(-1, 1, 1)).mean(0)
        m = 0.5 * m + 0.5 * torch.eye(m.shape[0], dtype=torch.float64)
        out.append(m / m.sum(-1, keepdim=True))
    return out


def flow_matrix(tl):
    L, n = len(tl), tl[0].shape[0]
    N = (L + 1) * n
    cap = [[0.0] * N for _ in range(N)]
    for l in range(1, L + 1):
        for i in range(n):
            for j in range(n):
                cap[(l - 1) * n + j][l * n + i] = float(tl[l - 1][i, j])
    return [[edmonds_karp(cap, j, L * n + i) for j in range(n)] for i in range(n)]


def r(x, digits=10):
    if isinstance(x, torch.Tensor):
        x = x.tolist()
    if isinstance(x, list):
        return [r(v, digits) for v in x]
    return float("%.*g" % (digits, x))


def run_case(T, W, cfg, case, mode, ablate, target_position):
    L, H = cfg["num_hidden_layers"], cfg["num_attention_heads"]
    ids, types = case["ids"], case["token_type_ids"]
    gates = torch.ones(L, H, dtype=torch.float64)
    for l, h in ablate:
        gates[l, h] = 0.0
    with torch.no_grad():
        atts, hidden = forward(W, cfg, ids, types, mode, gates)
    n = len(ids)
    tl = tilde(atts, gates)
    roll, cur = [], None
    for m in tl:
        cur = m if cur is None else m @ cur
        roll.append(cur)
    flow = torch.tensor(flow_matrix(tl))
    norms = []
    for l in range(L):
        p = "encoder.layer.%d." % l
        v = hidden[l] @ W(p + "attention.self.value.weight").T + W(p + "attention.self.value.bias")
        wo = W(p + "attention.output.dense.weight")
        dh = cfg["hidden_size"] // H
        per = []
        for h in range(H):
            f = v[:, h * dh:(h + 1) * dh] @ wo[:, h * dh:(h + 1) * dh].T   # f_h(x_j), [n, d]
            per.append(torch.linalg.norm(atts[l][h].unsqueeze(-1) * f.unsqueeze(0), dim=-1))
        norms.append(per)
    positions = [i for i, t in enumerate(ids) if t == MASK_ID] or [target_position]
    with torch.no_grad():
        layer_preds = []
        for l in range(L + 1):
            lp = mlm_log_probs(T, W, cfg, hidden[l][positions])
            layer_preds.append([{"position": pos, "top": [{"id": int(i), "prob": float(math.exp(lp[k, i]))}
                                                          for i in torch.topk(lp[k], 6).indices]}
                                for k, pos in enumerate(positions)])
    # Gradients: log P(target at position) w.r.t. word-embedding rows and head gates.
    pos = positions[0]
    target = layer_preds[-1][0]["top"][0]["id"]
    rows = W("embeddings.word_embeddings.weight")[ids].clone().requires_grad_(True)
    g = gates.clone().requires_grad_(True)
    _, hs = forward(W, cfg, ids, types, mode, g, word_rows=rows)
    logp = mlm_log_probs(T, W, cfg, hs[-1][pos:pos + 1])[0, target]
    logp.backward()
    grad = rows.grad
    gxi = torch.linalg.norm(grad * rows.detach(), dim=-1)
    gn = torch.linalg.norm(grad, dim=-1)
    return {
        "mode": mode, "ablate": ablate,
        "rollout": r(torch.stack(roll)), "flow": r(flow), "norms": r(torch.stack([torch.stack(p) for p in norms])),
        "layer_predictions": layer_preds,
        "saliency": {"position": pos, "target": target, "log_prob": float(logp),
                     "grad_x_input": r(gxi / gxi.sum()), "gradient": r(gn / gn.sum())},
        "head_importance": r(g.grad.abs()),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    for shape in ("h12", "inter", "ownvocab"):
        folder = os.path.join(MODELS, shape + "-f32")
        cfg = json.load(open(os.path.join(folder, "config.json")))
        T = read_safetensors(os.path.join(folder, "model.safetensors"))
        W = Weights(T)
        cases = {c["name"]: c for c in json.load(open(os.path.join(folder, "expected.json")))["cases"]}
        L, H = cfg["num_hidden_layers"], cfg["num_attention_heads"]
        out = []
        plan = [("single", "bidirectional", []), ("single", "causal", []), ("pair", "bidirectional", []),
                ("single", "bidirectional", [[0, 0], [L - 1, H - 1]])]
        for name, mode, ablate in plan:
            c = cases[name]
            text = c["text"] if "text_pair" not in c else c["text"] + " [SEP] " + c["text_pair"]
            res = run_case(T, W, cfg, c, mode, ablate, target_position=1)
            res.update({"name": name, "text": text, "ids": c["ids"], "token_type_ids": c["token_type_ids"]})
            out.append(res)
        with open(os.path.join(OUT, shape + ".json"), "w") as f:
            json.dump({"torch": torch.__version__, "cases": out}, f)
        print(shape, "written")


if __name__ == "__main__":
    main()
