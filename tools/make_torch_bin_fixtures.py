#!/usr/bin/python3
"""Write the pytorch_model.bin fixtures (tests/fixtures/torchbin/).

What it is
    Small checkpoints written by PyTorch's own torch.save, holding exactly the
    tensors of the safetensors fixtures in tests/fixtures/models/, so that a
    model loaded from the .bin (with that fixture's config.json and vocab.txt)
    must reproduce the fixture's expected.json.  Plus malicious pickles that
    would run a shell command if loaded with torch.load or pickle.load.

    Written with torch.save, both layouts:
      ownvocab-{f32,f16,bf16}-zip.bin      zip format (PyTorch >= 1.6 default)
      ownvocab-{f32,f16,bf16}-legacy.bin   _use_new_zipfile_serialization=False
    and two "views" files from the inter fixture (legacy tensor names, an
    I64 position_ids buffer, unused pooler):
      inter-f16-views-zip.bin, inter-bf16-views-legacy.bin
    where query/key/value of every layer are slices of one fused [3H, H]
    tensor (one storage, non-zero storage offsets), every output.dense.weight
    is a transposed view (strides (1, out): not contiguous), and
    cls.predictions.decoder.weight is the word-embedding tensor itself (a
    shared storage).  The values are unchanged, only their storage layout.

    Another architecture, for "not supported" checks:
      distilbert-tiny.bin    a tiny DistilBertForMaskedLM-shaped state_dict (distilbert.* names,
                             q_lin/k_lin/..., 2 layers, dim 8), random values; zip layout

    Malicious files (each runs `touch /tmp/bertlens-malicious-pickle-ran`
    when given to torch.load; the script checks that it really does, in a
    child process, then removes the marker):
      malicious-zip.bin      a zip checkpoint whose state_dict holds an object
                             reducing to posix.system
      malicious-legacy.bin   the same in the legacy layout
      malicious-raw.bin      a bare pickle.dumps (protocol 4, STACK_GLOBAL)

    Every non-malicious file is read back with torch.load and compared
    bit-for-bit with the safetensors fixture before the script finishes.

How to run (from the repository root; needs only torch and numpy)
    /usr/bin/python3 tools/make_torch_bin_fixtures.py
    /usr/bin/python3 tools/make_torch_bin_fixtures.py --only-distilbert   # just that file
"""
import collections
import io
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(REPO, "tests", "fixtures", "models")
OUT = os.path.join(REPO, "tests", "fixtures", "torchbin")
MARKER = "/tmp/bertlens-malicious-pickle-ran"


def read_safetensors(path):
    """The tensors of a safetensors file, decoded by hand (no safetensors package)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = collections.OrderedDict()
    for name in sorted(k for k in header if k != "__metadata__"):
        info = header[name]
        begin, end = info["data_offsets"]
        raw = body[begin:end]
        shape = info["shape"]
        dt = info["dtype"]
        if dt == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16)
        else:
            npdt = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}[dt]
            t = torch.from_numpy(np.frombuffer(raw, dtype=npdt).copy())
        out[name] = t.reshape(shape)
    return out


def as_state_dict(tensors):
    """An OrderedDict with _metadata, as nn.Module.state_dict() returns."""
    sd = collections.OrderedDict(tensors)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def with_views(tensors, layers):
    """The same values, stored as slices of fused tensors, transposed views and a shared tensor."""
    t = collections.OrderedDict(tensors)
    for i in range(layers):
        p = "encoder.layer.%d." % i
        names = [p + "attention.self.%s.weight" % w for w in ("query", "key", "value")]
        fused = torch.cat([t[n] for n in names]).contiguous()
        h = t[names[0]].shape[0]
        for j, n in enumerate(names):
            t[n] = fused[j * h:(j + 1) * h]
            assert t[n].storage_offset() == j * h * fused.shape[1]
        w = p + "output.dense.weight"
        t[w] = t[w].t().contiguous().t()
        assert not t[w].is_contiguous()
    t["cls.predictions.decoder.weight"] = t["embeddings.word_embeddings.weight"]
    return t


def save(obj, path, legacy, archive_name_from_file=False):
    if archive_name_from_file or legacy:
        torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    else:
        buf = io.BytesIO()  # the archive folder is then "archive/", as in most Hub files
        torch.save(obj, buf)
        with open(path, "wb") as f:
            f.write(buf.getvalue())


def check_same(path, expected):
    got = torch.load(path)
    assert list(got.keys()) == list(expected.keys()), path
    for k, v in expected.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape, (path, k)
        assert torch.equal(got[k].reshape(-1), v.reshape(-1)), (path, k)


class RunsShellCommand:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


def check_malicious(path):
    """Loads the file with torch.load in a child process and checks that the command ran."""
    if os.path.exists(MARKER):
        os.remove(MARKER)
    subprocess.run([sys.executable, "-c", "import torch, sys; torch.load(sys.argv[1])", path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert os.path.exists(MARKER), path + " did not run its command under torch.load"
    os.remove(MARKER)


def distilbert_tiny():
    """Tensor names and shapes of transformers' DistilBertForMaskedLM, tiny."""
    g = torch.Generator().manual_seed(5)
    dim, hidden, vocab, positions = 8, 16, 30, 12
    t = collections.OrderedDict()
    t["distilbert.embeddings.word_embeddings.weight"] = torch.randn(vocab, dim, generator=g)
    t["distilbert.embeddings.position_embeddings.weight"] = torch.randn(positions, dim, generator=g)
    t["distilbert.embeddings.LayerNorm.weight"] = torch.ones(dim)
    t["distilbert.embeddings.LayerNorm.bias"] = torch.zeros(dim)
    for i in range(2):
        p = "distilbert.transformer.layer.%d." % i
        for lin in ("attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin"):
            t[p + lin + ".weight"] = torch.randn(dim, dim, generator=g)
            t[p + lin + ".bias"] = torch.zeros(dim)
        t[p + "sa_layer_norm.weight"] = torch.ones(dim)
        t[p + "sa_layer_norm.bias"] = torch.zeros(dim)
        t[p + "ffn.lin1.weight"] = torch.randn(hidden, dim, generator=g)
        t[p + "ffn.lin1.bias"] = torch.zeros(hidden)
        t[p + "ffn.lin2.weight"] = torch.randn(dim, hidden, generator=g)
        t[p + "ffn.lin2.bias"] = torch.zeros(dim)
        t[p + "output_layer_norm.weight"] = torch.ones(dim)
        t[p + "output_layer_norm.bias"] = torch.zeros(dim)
    t["vocab_transform.weight"] = torch.randn(dim, dim, generator=g)
    t["vocab_transform.bias"] = torch.zeros(dim)
    t["vocab_layer_norm.weight"] = torch.ones(dim)
    t["vocab_layer_norm.bias"] = torch.zeros(dim)
    t["vocab_projector.bias"] = torch.zeros(vocab)
    return t


def main():
    os.makedirs(OUT, exist_ok=True)
    written = []
    if sys.argv[1:] == ["--only-distilbert"]:
        path = os.path.join(OUT, "distilbert-tiny.bin")
        tensors = distilbert_tiny()
        save(as_state_dict(tensors), path, legacy=False)
        check_same(path, tensors)
        print("%8d  %s" % (os.path.getsize(path), os.path.relpath(path, REPO)))
        return
    for dtype in ("f32", "f16", "bf16"):
        tensors = read_safetensors(os.path.join(MODELS, "ownvocab-" + dtype, "model.safetensors"))
        for layout in ("zip", "legacy"):
            path = os.path.join(OUT, "ownvocab-%s-%s.bin" % (dtype, layout))
            save(as_state_dict(tensors), path, legacy=(layout == "legacy"))
            check_same(path, tensors)
            written.append(path)

    for dtype, layout in (("f16", "zip"), ("bf16", "legacy")):
        tensors = read_safetensors(os.path.join(MODELS, "inter-" + dtype, "model.safetensors"))
        layers = json.load(open(os.path.join(MODELS, "inter-" + dtype, "config.json")))["num_hidden_layers"]
        viewed = with_views(tensors, layers)
        path = os.path.join(OUT, "inter-%s-views-%s.bin" % (dtype, layout))
        save(as_state_dict(viewed), path, legacy=(layout == "legacy"), archive_name_from_file=True)
        check_same(path, viewed)
        written.append(path)

    small = as_state_dict({"embeddings.LayerNorm.weight": torch.ones(4)})
    small["pooler"] = RunsShellCommand()
    for layout in ("zip", "legacy"):
        path = os.path.join(OUT, "malicious-%s.bin" % layout)
        save(small, path, legacy=(layout == "legacy"))
        check_malicious(path)
        written.append(path)
    path = os.path.join(OUT, "malicious-raw.bin")
    import pickle
    with open(path, "wb") as f:
        f.write(pickle.dumps(RunsShellCommand(), protocol=4))
    check_malicious(path)
    written.append(path)

    path = os.path.join(OUT, "distilbert-tiny.bin")
    tensors = distilbert_tiny()
    save(as_state_dict(tensors), path, legacy=False)
    check_same(path, tensors)
    written.append(path)

    for p in written:
        print("%8d  %s" % (os.path.getsize(p), os.path.relpath(p, REPO)))
    print("torch", torch.__version__)


if __name__ == "__main__":
    main()
