#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets (tests/fuzz/corpus/).

Seeds are small valid inputs the fuzzer mutates from: the tokenizer's hard
reference texts, a few tiny but well-formed safetensors files, the fixture
configs, short vocabularies, and tiny pytorch_model.bin files written by
torch.save (zip and legacy layouts) next to the committed malicious pickles,
and the weights of a tiny BERT (F32, F16 with legacy names, BF16 without a
masked-LM head) for the whole-model target. Run from the repository root with Debian's torch:

    /usr/bin/python3 tools/make_fuzz_seeds.py
    python3 tools/make_fuzz_seeds.py model     (only the tiny model folders' weights; no torch)
"""
import json
import os
import random
import shutil
import struct
import sys
from collections import OrderedDict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def safetensors(tensors, metadata=None, pad=True):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


def tiny_model(dtype, legacy_names, prefix, head):
    """model.safetensors of the tiny BERT of tests/fuzz/model (config.json, vocab.txt) that fuzz_model loads."""
    rng = random.Random(7)
    hidden, inter, vocab, positions = 8, 16, 20, 16
    gamma, beta = ("gamma", "beta") if legacy_names else ("weight", "bias")
    shapes = [("embeddings.word_embeddings.weight", [vocab, hidden]),
              ("embeddings.position_embeddings.weight", [positions, hidden]),
              ("embeddings.token_type_embeddings.weight", [2, hidden]),
              ("embeddings.LayerNorm." + gamma, [hidden]), ("embeddings.LayerNorm." + beta, [hidden])]
    layer = "encoder.layer.0."
    for part in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
        shapes += [(layer + part + ".weight", [hidden, hidden]), (layer + part + ".bias", [hidden])]
    shapes += [(layer + "attention.output.LayerNorm." + gamma, [hidden]),
               (layer + "attention.output.LayerNorm." + beta, [hidden]),
               (layer + "intermediate.dense.weight", [inter, hidden]), (layer + "intermediate.dense.bias", [inter]),
               (layer + "output.dense.weight", [hidden, inter]), (layer + "output.dense.bias", [hidden]),
               (layer + "output.LayerNorm." + gamma, [hidden]), (layer + "output.LayerNorm." + beta, [hidden])]
    shapes = [(prefix + name, shape) for name, shape in shapes]
    if head:
        shapes += [("cls.predictions.transform.dense.weight", [hidden, hidden]),
                   ("cls.predictions.transform.dense.bias", [hidden]),
                   ("cls.predictions.transform.LayerNorm." + gamma, [hidden]),
                   ("cls.predictions.transform.LayerNorm." + beta, [hidden]),
                   ("cls.predictions.bias", [vocab])]
    tensors = []
    for name, shape in shapes:
        count = 1
        for d in shape:
            count *= d
        values = [1.0 if name.endswith(gamma) else rng.gauss(0.0, 0.5) for _ in range(count)]
        if dtype == "F32":
            raw = struct.pack("<%df" % count, *values)
        elif dtype == "F16":
            raw = struct.pack("<%de" % count, *values)
        else:  # BF16: the upper half of the float32
            raw = b"".join(struct.pack("<f", v)[2:] for v in values)
        tensors.append((name, dtype, shape, raw))
    return safetensors(tensors, {"format": "pt"})


def model_seeds():
    write("model", "tiny-f32", tiny_model("F32", False, "bert.", True))
    write("model", "tiny-f16-legacy-names", tiny_model("F16", True, "", True))
    write("model", "tiny-bf16-no-head", tiny_model("BF16", False, "bert.", False))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "model":
        model_seeds()  # only these: the others need torch and are committed
        return
    import torch

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)

    cases = json.load(open(os.path.join(ROOT, "tests/fixtures/tokenizer/uncased_cases.json")))["cases"]
    for i, case in enumerate(cases[:40]):
        write("tokenizer", "case%02d" % i, b"\x00" + case["text"].encode("utf-8", "surrogatepass"))
    write("tokenizer", "cased", b"\x01The [MASK] barked at Zo\xc3\xab.")
    write("tokenizer", "pair", b"\x02[CLS] the dog [SEP] it barked [SEP]")

    f32 = struct.pack("<4f", 1.0, -2.0, 0.5, 3.25)
    write("safetensors", "one", safetensors([("w", "F32", [2, 2], f32)], {"format": "pt"}))
    write("safetensors", "mixed", safetensors([
        ("bert.embeddings.word_embeddings.weight", "F16", [2, 2], struct.pack("<4H", 0x3C00, 0xC000, 0x3800, 0x4280)),
        ("b", "BF16", [3], struct.pack("<3H", 0x3F80, 0xC000, 0x3F00)),
        ("ids", "I64", [1, 2], struct.pack("<2q", 0, 1)),
        ("empty", "F32", [0], b""),
    ]))
    write("safetensors", "unpadded", safetensors([("x", "F32", [1], struct.pack("<f", 7.0))], pad=False))

    for name in ("h12-f32", "inter-f32", "ownvocab-f32"):
        with open(os.path.join(ROOT, "tests/fixtures/models", name, "config.json"), "rb") as f:
            write("config", name, f.read())
    write("config", "tokenizer", json.dumps({"do_lower_case": False, "strip_accents": None,
                                             "tokenize_chinese_chars": True}))

    with open(os.path.join(ROOT, "tests/fixtures/models/h12-f32/vocab.txt"), "rb") as f:
        write("vocab", "fixture", f.read())
    write("vocab", "small", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n##s\nbark\n##ed\n.\n")
    write("vocab", "crlf", "[PAD]\r\n[UNK]\r\n##\r\n\r\nzo\xeb\r\n")

    tensors = OrderedDict([
        ("bert.embeddings.LayerNorm.weight", torch.tensor([1.0, -2.0, 0.5])),
        ("cls.predictions.bias", torch.arange(6, dtype=torch.float32).reshape(2, 3).t()),  # strided view
        ("position_ids", torch.arange(4).unsqueeze(0)),
    ])
    for dtype, tag in ((torch.float32, "f32"), (torch.float16, "f16"), (torch.bfloat16, "bf16")):
        state = OrderedDict((k, v.to(dtype) if v.is_floating_point() else v) for k, v in tensors.items())
        for zipped in (True, False):
            path = os.path.join(OUT, "torchbin", "%s-%s" % (tag, "zip" if zipped else "legacy"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            torch.save(state, path, _use_new_zipfile_serialization=zipped)
    for name in ("malicious-raw.bin", "malicious-zip.bin", "malicious-legacy.bin"):
        with open(os.path.join(ROOT, "tests/fixtures/torchbin", name), "rb") as f:
            write("torchbin", name, f.read())
    model_seeds()


if __name__ == "__main__":
    main()
