#!/usr/bin/python3
"""Writes the sequence-classifier fixtures and their float64 reference
probabilities (tests/core/ClassifierReferenceTest.cpp reads them):

  tests/fixtures/models/classifier-finetuned  a tiny random BERT (made here)
      fine-tuned by `bertlens-cli finetune` on the pair task (3 classes): our own
      BertForSequenceClassification output, as a user gets it.
  tests/fixtures/models/classifier-hub  a folder in the layout a user brings
      from the Hub: a sentiment model's config (id2label {"0": "NEGATIVE",
      "1": "POSITIVE"}, no num_labels), random weights, a pooler, the
      classifier, no masked-LM head, tensors stored F16.
  tests/fixtures/classifier-reference.json  for token id sequences (single
      sentences and pairs) the class probabilities of each folder, from a
      float64 torch forward pass written here from the definition of
      transformers' BertForSequenceClassification (transformers is not used):

        BertModel: embeddings (word + position + token type, LayerNorm),
        post-LayerNorm encoder layers (self-attention, exact GELU
        feed-forward); BertPooler: tanh(dense(hidden_states[:, 0]));
        dropout (identity at eval); classifier: Linear(hidden, num_labels);
        probabilities = softmax(logits).

    tools/make_classifier_fixtures.py [--cli build/app/bertlens-cli]
"""
import argparse
import json
import math
import os
import shutil
import struct
import subprocess
import tempfile

import numpy
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MODELS = os.path.join(ROOT, "tests", "fixtures", "models")
BUNDLED_VOCAB = os.path.join(ROOT, "resources", "models", "bertlens-mini", "vocab.txt")
H, A, I, L, P = 16, 2, 24, 2, 64


def config(vocab_size, **extra):
    c = {"model_type": "bert", "hidden_act": "gelu", "num_hidden_layers": L, "hidden_size": H,
         "num_attention_heads": A, "intermediate_size": I, "vocab_size": vocab_size,
         "max_position_embeddings": P, "type_vocab_size": 2, "layer_norm_eps": 1e-12}
    c.update(extra)
    return c


def random_encoder(V, seed, std=0.3):
    g = torch.Generator().manual_seed(seed)
    nrm = lambda s, *shape: torch.randn(*shape, generator=g, dtype=torch.float32) * s
    w = {"bert.embeddings.word_embeddings.weight": nrm(std, V, H),
         "bert.embeddings.position_embeddings.weight": nrm(std, P, H),
         "bert.embeddings.token_type_embeddings.weight": nrm(std, 2, H),
         "bert.embeddings.LayerNorm.weight": 1 + nrm(0.1, H), "bert.embeddings.LayerNorm.bias": nrm(0.05, H)}
    for l in range(L):
        p = f"bert.encoder.layer.{l}."
        for name, out, inp in (("attention.self.query", H, H), ("attention.self.key", H, H),
                               ("attention.self.value", H, H), ("attention.output.dense", H, H),
                               ("intermediate.dense", I, H), ("output.dense", H, I)):
            w[p + name + ".weight"], w[p + name + ".bias"] = nrm(std, out, inp), nrm(0.05, out)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"], w[p + norm + ".bias"] = 1 + nrm(0.1, H), nrm(0.05, H)
    return w, nrm


def write_safetensors(path, tensors, dtype="F32"):
    header, blobs, offset = {}, [], 0
    kind = {"F32": "<f4", "F16": "<f2"}[dtype]
    for name in sorted(tensors):
        data = tensors[name].contiguous().numpy().astype(kind).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


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
        out[name] = torch.from_numpy(
            numpy.frombuffer(data[a:b], dtype=kinds[t["dtype"]]).astype(numpy.float64).reshape(t["shape"]).copy())
    return out


def layer_norm(x, g, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * g + b


def gelu(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def classify(folder, ids, types):
    """BertForSequenceClassification's probabilities, float64."""
    c = json.load(open(os.path.join(folder, "config.json")))
    d = read_safetensors(os.path.join(folder, "model.safetensors"))
    hidden, heads, eps = c["hidden_size"], c["num_attention_heads"], c["layer_norm_eps"]
    n, hd = len(ids), hidden // heads
    x = (d["bert.embeddings.word_embeddings.weight"][torch.tensor(ids)] +
         d["bert.embeddings.position_embeddings.weight"][:n] +
         d["bert.embeddings.token_type_embeddings.weight"][torch.tensor(types)])
    x = layer_norm(x, d["bert.embeddings.LayerNorm.weight"], d["bert.embeddings.LayerNorm.bias"], eps)
    for l in range(c["num_hidden_layers"]):
        p = f"bert.encoder.layer.{l}."
        lin = lambda t, name: t @ d[p + name + ".weight"].T + d[p + name + ".bias"]
        q = lin(x, "attention.self.query").view(n, heads, hd).transpose(0, 1)
        k = lin(x, "attention.self.key").view(n, heads, hd).transpose(0, 1)
        v = lin(x, "attention.self.value").view(n, heads, hd).transpose(0, 1)
        probs = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd), dim=-1)  # no padding: nothing masked
        context = (probs @ v).transpose(0, 1).reshape(n, hidden)
        x = layer_norm(lin(context, "attention.output.dense") + x,
                       d[p + "attention.output.LayerNorm.weight"], d[p + "attention.output.LayerNorm.bias"], eps)
        x = layer_norm(lin(gelu(lin(x, "intermediate.dense")), "output.dense") + x,
                       d[p + "output.LayerNorm.weight"], d[p + "output.LayerNorm.bias"], eps)
    pooled = torch.tanh(x[0] @ d["bert.pooler.dense.weight"].T + d["bert.pooler.dense.bias"])
    logits = pooled @ d["classifier.weight"].T + d["classifier.bias"]
    return torch.softmax(logits, dim=-1).tolist()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "app", "bertlens-cli"))
    a = ap.parse_args()
    vocab = open(BUNDLED_VOCAB, encoding="utf-8").read().split("\n")
    vocab = vocab[:-1] if vocab[-1] == "" else vocab
    V = len(vocab)
    index = {t: i for i, t in enumerate(vocab)}

    # Our own output: a tiny random masked-LM BERT, fine-tuned by bertlens-cli.
    finetuned = os.path.join(MODELS, "classifier-finetuned")
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base")
        os.makedirs(base)
        w, nrm = random_encoder(V, 31, std=0.3)
        w["cls.predictions.transform.dense.weight"] = nrm(0.02, H, H)
        w["cls.predictions.transform.dense.bias"] = torch.zeros(H)
        w["cls.predictions.transform.LayerNorm.weight"] = torch.ones(H)
        w["cls.predictions.transform.LayerNorm.bias"] = torch.zeros(H)
        w["cls.predictions.bias"] = torch.zeros(V)
        json.dump(config(V, architectures=["BertForMaskedLM"]), open(os.path.join(base, "config.json"), "w"))
        shutil.copy(BUNDLED_VOCAB, os.path.join(base, "vocab.txt"))
        write_safetensors(os.path.join(base, "model.safetensors"), w)
        shutil.rmtree(finetuned, ignore_errors=True)
        subprocess.run([a.cli, "finetune", "--model", base, "--task", "pair", "--out", finetuned,
                        "--train-examples", "64", "--held-out", "16", "--epochs", "4", "--batch", "16",
                        "--lr", "3e-2", "--seed", "4", "--threads", "1"], check=True, stdout=subprocess.DEVNULL)

    # A folder as a user brings it from the Hub.
    hub = os.path.join(MODELS, "classifier-hub")
    shutil.rmtree(hub, ignore_errors=True)
    os.makedirs(hub)
    w, nrm = random_encoder(V, 32)
    w["bert.pooler.dense.weight"], w["bert.pooler.dense.bias"] = nrm(0.3, H, H), nrm(0.05, H)
    w["classifier.weight"], w["classifier.bias"] = nrm(0.5, 2, H), nrm(0.1, 2)
    json.dump(config(V, architectures=["BertForSequenceClassification"], id2label={"0": "NEGATIVE", "1": "POSITIVE"},
                     label2id={"NEGATIVE": 0, "POSITIVE": 1}, finetuning_task="sst-2", pad_token_id=0),
              open(os.path.join(hub, "config.json"), "w"), indent=2)
    shutil.copy(BUNDLED_VOCAB, os.path.join(hub, "vocab.txt"))
    json.dump({"do_lower_case": True}, open(os.path.join(hub, "tokenizer_config.json"), "w"))
    write_safetensors(os.path.join(hub, "model.safetensors"), w, "F16")

    words = lambda text: [index[t] for t in text.split()]
    cls, sep = index["[CLS]"], index["[SEP]"]
    inputs = []
    for text in ("the keys to the cabinet are on the table .", "the keys to the cabinet is on the table .",
                 "the dog barked ."):
        ids = [cls] + words(text) + [sep]
        inputs.append({"ids": ids, "type_ids": [0] * len(ids)})
    a_ids, b_ids = words("the capital of france is paris ."), words("paris is the capital of france .")
    ids = [cls] + a_ids + [sep] + b_ids + [sep]
    inputs.append({"ids": ids, "type_ids": [0] * (len(a_ids) + 2) + [1] * (len(b_ids) + 1)})
    reference = {"inputs": inputs, "models": {}}
    for name, folder in (("classifier-finetuned", finetuned), ("classifier-hub", hub)):
        c = json.load(open(os.path.join(folder, "config.json")))
        reference["models"][name] = {
            "labels": [c["id2label"][str(i)] for i in range(len(c["id2label"]))],
            "probabilities": [classify(folder, x["ids"], x["type_ids"]) for x in inputs]}
    with open(os.path.join(ROOT, "tests", "fixtures", "classifier-reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
