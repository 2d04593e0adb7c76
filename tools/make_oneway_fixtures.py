#!/usr/bin/python3
"""Writes the one-way model fixtures: a left-to-right BERT decoder (Hugging
Face's BertLMHeadModel, "is_decoder": true) and its right-to-left mirror
(BertLens's "bertlens_objective": "previous-word"), with random weights, and
the next-word (previous-word) probabilities a float64 torch forward pass
written here from BertLMHeadModel's definition gives for a few inputs.

BertLMHeadModel, as transformers defines it: BertModel with is_decoder, whose
extended attention mask adds the dtype's most negative number to every score
of a key right of the query (the causal mask), then BertOnlyMLMHead
(dense -> exact GELU -> LayerNorm -> decoder tied to the word embeddings +
bias); prediction_scores[:, i] is scored against labels[:, i + 1]. The
right-to-left model is the same with the mask mirrored (keys left of the
query hidden) and position i predicting token i - 1.

    tools/make_oneway_fixtures.py            # writes tests/fixtures/models/oneway-{l2r,r2l}
    tools/make_oneway_fixtures.py --bundled  # the bundled twins' probabilities for a
                                             # sentences: tests/fixtures/bundled-twins.json
"""
import json
import math
import os
import struct
import sys

import numpy

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "tests", "fixtures", "models")
VOCAB = os.path.join(MODELS, "ownvocab-f32", "vocab.txt")
H, A, I, L, P, EPS = 24, 3, 40, 2, 32, 1e-12


def random_weights(V, seed):
    g = torch.Generator().manual_seed(seed)

    def nrm(std, *shape):
        return (torch.randn(*shape, generator=g, dtype=torch.float32) * std)

    w = {
        "bert.embeddings.word_embeddings.weight": nrm(0.5, V, H),
        "bert.embeddings.position_embeddings.weight": nrm(0.5, P, H),
        "bert.embeddings.token_type_embeddings.weight": nrm(0.5, 2, H),
        "bert.embeddings.LayerNorm.weight": 1 + nrm(0.1, H),
        "bert.embeddings.LayerNorm.bias": nrm(0.05, H),
    }
    for l in range(L):
        p = f"bert.encoder.layer.{l}."
        for name, std in (("attention.self.query", 0.3), ("attention.self.key", 0.3),
                          ("attention.self.value", 0.1), ("attention.output.dense", 0.1)):
            w[p + name + ".weight"], w[p + name + ".bias"] = nrm(std, H, H), nrm(0.02, H)
        w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"] = 1 + nrm(0.1, H), nrm(0.05, H)
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = nrm(0.1, I, H), nrm(0.02, I)
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = nrm(0.1, H, I), nrm(0.02, H)
        w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"] = 1 + nrm(0.1, H), nrm(0.05, H)
    w["cls.predictions.transform.dense.weight"] = nrm(0.1, H, H)
    w["cls.predictions.transform.dense.bias"] = nrm(0.02, H)
    w["cls.predictions.transform.LayerNorm.weight"] = 1 + nrm(0.1, H)
    w["cls.predictions.transform.LayerNorm.bias"] = nrm(0.05, H)
    w["cls.predictions.bias"] = nrm(0.02, V)
    return w


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def layer_norm(x, g, b, eps=EPS):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * g + b


def gelu(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    kinds = {"F32": "<f4", "F16": "<f2"}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        array = numpy.frombuffer(data[a:b], dtype=kinds[t["dtype"]]).astype(numpy.float64).reshape(t["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


def forward(w, ids, types, direction, shape=None):
    """Next-word (direction "l2r") or previous-word ("r2l") log-probabilities, [n, V].
    shape: (hidden, heads, layers, eps), the fixtures' own by default."""
    H, A, L, EPS = shape or (globals()["H"], globals()["A"], globals()["L"], globals()["EPS"])
    d = {k: v.double() for k, v in w.items()}
    n = len(ids)
    x = (d["bert.embeddings.word_embeddings.weight"][torch.tensor(ids)] +
         d["bert.embeddings.position_embeddings.weight"][:n] +
         d["bert.embeddings.token_type_embeddings.weight"][torch.tensor(types)])
    x = layer_norm(x, d["bert.embeddings.LayerNorm.weight"], d["bert.embeddings.LayerNorm.bias"], EPS)
    seen = torch.ones(n, n, dtype=torch.float64).tril()  # HF's causal mask: 1 where key <= query
    if direction == "r2l":
        seen = seen.T
    additive = (1.0 - seen) * torch.finfo(torch.float64).min
    hd = H // A
    for l in range(L):
        p = f"bert.encoder.layer.{l}."
        lin = lambda t, name: t @ d[p + name + ".weight"].T + d[p + name + ".bias"]
        q = lin(x, "attention.self.query").view(n, A, hd).transpose(0, 1)
        k = lin(x, "attention.self.key").view(n, A, hd).transpose(0, 1)
        v = lin(x, "attention.self.value").view(n, A, hd).transpose(0, 1)
        probs = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd) + additive, dim=-1)
        context = (probs @ v).transpose(0, 1).reshape(n, H)
        x = layer_norm(lin(context, "attention.output.dense") + x,
                       d[p + "attention.output.LayerNorm.weight"], d[p + "attention.output.LayerNorm.bias"], EPS)
        x = layer_norm(lin(gelu(lin(x, "intermediate.dense")), "output.dense") + x,
                       d[p + "output.LayerNorm.weight"], d[p + "output.LayerNorm.bias"], EPS)
    t = gelu(x @ d["cls.predictions.transform.dense.weight"].T + d["cls.predictions.transform.dense.bias"])
    t = layer_norm(t, d["cls.predictions.transform.LayerNorm.weight"], d["cls.predictions.transform.LayerNorm.bias"], EPS)
    logits = t @ d["bert.embeddings.word_embeddings.weight"].T + d["cls.predictions.bias"]
    return torch.log_softmax(logits, dim=-1)


def bundled():
    """The bundled twins (F16 on disk, widened to float64 here) on a sentence."""
    root = os.path.join(HERE, "..", "resources", "models")
    sentences = ["the keys to the cabinet are on the table ."]
    out = {}
    for direction in ("l2r", "r2l"):
        folder = os.path.join(root, "bertlens-mini-" + direction)
        with open(os.path.join(folder, "config.json")) as f:
            c = json.load(f)
        with open(os.path.join(folder, "vocab.txt"), encoding="utf-8") as f:
            vocab = {line.rstrip("\n"): i for i, line in enumerate(f)}
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        shape = (c["hidden_size"], c["num_attention_heads"], c["num_hidden_layers"], c["layer_norm_eps"])
        cases = []
        for text in sentences:
            ids = [vocab["[CLS]"]] + [vocab[word] for word in text.split()] + [vocab["[SEP]"]]
            logp = forward(w, ids, [0] * len(ids), direction, shape)
            n = len(ids)
            targets = range(1, n) if direction == "l2r" else range(0, n - 1)
            read = (lambda t: t - 1) if direction == "l2r" else (lambda t: t + 1)
            cases.append({"text": text, "ids": ids,
                          "predictions": [{"position": t, "from_position": read(t),
                                           "probabilities": [float("%.6g" % p) for p in logp[read(t)].exp().tolist()]}
                                          for t in targets]})
        out[direction] = cases
    path = os.path.join(HERE, "..", "tests", "fixtures", "bundled-twins.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", path)


def main():
    if "--bundled" in sys.argv[1:]:
        return bundled()
    with open(VOCAB, encoding="utf-8") as f:
        vocab = [line.rstrip("\n") for line in f]
    V = len(vocab)
    g = torch.Generator().manual_seed(7)
    words = lambda count: [int(i) for i in torch.randint(5, V, (count,), generator=g)]
    cases = [
        {"name": "short", "ids": [2] + words(5) + [3], "types": [0] * 7},
        {"name": "pair", "ids": [2] + words(4) + [3] + words(3) + [3], "types": [0] * 6 + [1] * 4},
        {"name": "longest", "ids": [2] + words(P - 2) + [3], "types": [0] * P},
    ]
    for direction, seed, extra in (("l2r", 11, {"architectures": ["BertLMHeadModel"], "is_decoder": True}),
                                   ("r2l", 12, {"architectures": ["BertLensPreviousWordModel"],
                                                "bertlens_objective": "previous-word"})):
        out = os.path.join(MODELS, "oneway-" + direction)
        os.makedirs(out, exist_ok=True)
        w = random_weights(V, seed)
        write_safetensors(os.path.join(out, "model.safetensors"), w)
        config = {"model_type": "bert", "hidden_size": H, "num_attention_heads": A, "num_hidden_layers": L,
                  "intermediate_size": I, "vocab_size": V, "max_position_embeddings": P, "type_vocab_size": 2,
                  "layer_norm_eps": EPS, "hidden_act": "gelu", "position_embedding_type": "absolute"}
        config.update(extra)
        with open(os.path.join(out, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(vocab) + "\n")
        with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
            json.dump({"do_lower_case": True}, f)
        expected = []
        for c in cases:
            logp = forward(w, c["ids"], c["types"], direction)
            n = len(c["ids"])
            # Token t is predicted at t - 1 (l2r) or t + 1 (r2l).
            targets = range(1, n) if direction == "l2r" else range(0, n - 1)
            read = (lambda t: t - 1) if direction == "l2r" else (lambda t: t + 1)
            expected.append({"name": c["name"], "ids": c["ids"], "types": c["types"],
                             "predictions": [{"position": t, "from_position": read(t),
                                              "probabilities": [float("%.9g" % p) for p in logp[read(t)].exp().tolist()]}
                                             for t in targets]})
        with open(os.path.join(out, "expected.json"), "w") as f:
            json.dump({"direction": direction, "cases": expected}, f, separators=(",", ":"))
        print("wrote", out)


if __name__ == "__main__":
    main()
