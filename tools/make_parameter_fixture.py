#!/usr/bin/python3
"""Parameter counts of BERT shapes, counted by torch (issue 15, part 3).

Builds BERT's modules from the paper's / Hugging Face's definition with
torch.nn (Embedding, Linear, LayerNorm) on the "meta" device (no memory is
allocated, so bert-large costs nothing) and lets torch count: sum of numel
over module.parameters(), which lists a tied tensor once. The same state
dict shapes as /work/shared/bench/bert_torch.py's make-random, plus the
pooler that BertModel and pretraining checkpoints carry. Independent of
core/model/ParameterCount.cpp; tests/core/ParameterCountTest.cpp compares.

Run from the repository root:  /usr/bin/python3 tools/make_parameter_fixture.py
Writes tests/fixtures/parameters.json.
"""
import json
import os

import torch
import torch.nn as nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "parameters.json")
ON = {"device": "meta"}  # shapes only: nothing is allocated


class Layer(nn.Module):
    def __init__(self, H, I):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(H, H, **ON), nn.Linear(H, H, **ON), nn.Linear(H, H, **ON)
        self.attention_out, self.attention_norm = nn.Linear(H, H, **ON), nn.LayerNorm(H, **ON)
        self.intermediate, self.output, self.output_norm = nn.Linear(H, I, **ON), nn.Linear(I, H, **ON), nn.LayerNorm(H, **ON)


class Bert(nn.Module):
    def __init__(self, cfg, pooler, mlm, tied):
        super().__init__()
        H, I, V = cfg["hidden"], cfg["intermediate"], cfg["vocab"]
        self.word = nn.Embedding(V, H, **ON)
        self.position = nn.Embedding(cfg["positions"], H, **ON)
        self.token_type = nn.Embedding(2, H, **ON)
        self.embedding_norm = nn.LayerNorm(H, **ON)
        self.layers = nn.ModuleList(Layer(H, I) for _ in range(cfg["layers"]))
        if pooler:
            self.pooler = nn.Linear(H, H, **ON)
        if mlm:
            self.transform, self.transform_norm = nn.Linear(H, H, **ON), nn.LayerNorm(H, **ON)
            self.decoder = nn.Linear(H, V, **ON)  # weight [V, H] and bias [V]
            if tied:
                self.decoder.weight = self.word.weight


def count(module):
    return sum(p.numel() for p in module.parameters())


SHAPES = {
    "bert-base": {"layers": 12, "hidden": 768, "heads": 12, "intermediate": 3072, "vocab": 30522, "positions": 512},
    "bert-large": {"layers": 24, "hidden": 1024, "heads": 16, "intermediate": 4096, "vocab": 30522, "positions": 512},
    "bertlens-mini": {"layers": 4, "hidden": 128, "heads": 4, "intermediate": 512, "vocab": 1073, "positions": 128},
}
VARIANTS = [  # (name, pooler, masked-LM head, tied decoder)
    ("masked-lm", False, True, True),           # BertForMaskedLM: what BertLens reads
    ("model-with-pooler", True, False, True),   # BertModel: 109,482,240 for bert-base
    ("pretraining-parts", True, True, True),    # pooler and masked-LM head, no NSP classifier
    ("untied-decoder", False, True, False),
]


def main():
    cases = []
    for name, cfg in SHAPES.items():
        for variant, pooler, mlm, tied in VARIANTS:
            m = Bert(cfg, pooler, mlm, tied)
            parts = {
                "embeddings": count(m.word) + count(m.position) + count(m.token_type) + count(m.embedding_norm),
                "layer": count(m.layers[0]),
                "layer_attention": sum(count(getattr(m.layers[0], k)) for k in ("query", "key", "value", "attention_out")),
                "layer_feed_forward": count(m.layers[0].intermediate) + count(m.layers[0].output),
                "pooler": count(m.pooler) if pooler else 0,
            }
            cases.append({"shape": name, "variant": variant, "config": cfg, "pooler": pooler, "mlm_head": mlm,
                          "tied_decoder": tied, "total": count(m), "parts": parts})
            print(name, variant, count(m))
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
