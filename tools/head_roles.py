#!/usr/bin/env python3
"""What each attention head of a model does, measured on a few sentences.

    tools/head_roles.py [MODEL_DIR] [--cli build/app/bertlens-cli]

Runs `bertlens-cli analyze` on teaching sentences and prints, for every
layer-head, the mean attention that word tokens give to the token before,
the token after, two before, two ahead, themselves, [CLS] and [SEP]
(layers and heads numbered from 0, as in the window); then
three relations with a right and a wrong target: verb -> its subject (not
the distractor noun), pronoun -> the noun it refers to, [MASK] -> the word
that gives the answer away. The bundled model's card quotes this output;
look at the heads in the window (model view) to see the same patterns.
"""
import argparse
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent

POSITIONAL = [
    "the keys to the cabinet are on the table .",
    "the dog barked at the mailman .",
    "the capital of france is paris .",
    "the teacher who helped the boys is kind .",
    "the girl said that she was tired .",
    "the man put his money in the bank .",
    "the cows near the horse moo loudly .",
    "a carpenter uses a hammer .",
    "the books that the girls bought were expensive .",
    "when the woman came home , she fed her cat .",
    "the boat drifted toward the muddy bank of the stream .",
    "the king thanked the queen because she had helped him .",
]

# relation: (sentence, query word, right target, wrong target); the last
# occurrence of the query word is used, the first of each target.
RELATIONS = {
    "verb -> subject (vs distractor)": [
        ("the keys to the cabinet are on the table .", "are", "keys", "cabinet"),
        ("the teacher who helped the boys is kind .", "is", "teacher", "boys"),
        ("the cows near the horse moo loudly .", "moo", "cows", "horse"),
        ("the picture behind the boxes was lost .", "was", "picture", "boxes"),
        ("the lions near the barn roar all day .", "roar", "lions", "barn"),
        ("the books that the girls bought were expensive .", "were", "books", "girls"),
    ],
    "pronoun -> its noun (vs other)": [
        ("the girl said that she was tired .", "she", "girl", "said"),
        ("the king thanked the queen because she had helped him .", "she", "queen", "king"),
        ("the king thanked the queen because she had helped him .", "him", "king", "queen"),
        ("when the woman came home , she fed her cat .", "she", "woman", "home"),
        ("the boy lost his dog and he was sad .", "he", "boy", "dog"),
    ],
    "[MASK] -> the cue (vs other)": [
        ("the dog [MASK] at the mailman .", "[MASK]", "dog", "mailman"),
        ("the capital of france is [MASK] .", "[MASK]", "france", "capital"),
        ("the cat [MASK] at the bird .", "[MASK]", "cat", "bird"),
    ],
}


def analyze(cli, model, text):
    out = subprocess.check_output([cli, "analyze", "--model", model, "--text", text, "--threads", "1"])
    result = json.loads(out)
    return result["tokens"], result["attentions"]


def positional_table(cli, model):
    names = ["prev", "next", "-2", "+2", "self", "[CLS]", "[SEP]"]
    sums, queries = None, 0
    for text in POSITIONAL:
        tokens, attention = analyze(cli, model, text)
        n = len(tokens)
        if sums is None:
            sums = [[[0.0] * len(names) for _ in layer] for layer in attention]
        for l, layer in enumerate(attention):
            for h, rows in enumerate(layer):
                for i in range(1, n - 1):  # word tokens as queries
                    row = rows[i]
                    cells = [row[i - 1], row[i + 1], row[i - 2] if i >= 2 else 0.0,
                             row[i + 2] if i + 2 < n else 0.0, row[i], row[0], row[n - 1]]
                    for k, v in enumerate(cells):
                        sums[l][h][k] += v
        queries += n - 2
    print(f"mean attention of word tokens ({queries} queries in {len(POSITIONAL)} sentences)")
    print("head   " + "".join(f"{name:>7}" for name in names))
    for l, layer in enumerate(sums):
        for h, cells in enumerate(layer):
            print(f"L{l} H{h}  " + "".join(f"{v / queries:7.2f}" for v in cells))


def relation_tables(cli, model):
    for name, items in RELATIONS.items():
        acc = None
        for text, query, right, wrong in items:
            tokens, attention = analyze(cli, model, text)
            missing = [w for w in (query, right, wrong) if w not in tokens]
            if missing:
                raise SystemExit(f"{text!r}: {missing} is not a whole token here: {tokens}")
            q = len(tokens) - 1 - tokens[::-1].index(query)
            r, w = tokens.index(right), tokens.index(wrong)
            if acc is None:
                acc = [[[0.0, 0.0] for _ in layer] for layer in attention]
            for l, layer in enumerate(attention):
                for h, rows in enumerate(layer):
                    acc[l][h][0] += rows[q][r] / len(items)
                    acc[l][h][1] += rows[q][w] / len(items)
        print(f"\n{name}: right / wrong, mean of {len(items)} sentences")
        for l, layer in enumerate(acc):
            print("  " + "   ".join(f"L{l} H{h} {a:.2f}/{b:.2f}" for h, (a, b) in enumerate(layer)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=str(ROOT / "resources/models/bertlens-mini"))
    parser.add_argument("--cli", default=str(ROOT / "build/app/bertlens-cli"))
    args = parser.parse_args()
    positional_table(args.cli, args.model)
    relation_tables(args.cli, args.model)


if __name__ == "__main__":
    main()
