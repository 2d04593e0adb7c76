#!/usr/bin/env python3
"""Prints a `bertlens-cli analyze` JSON (read from stdin) as a short report:
the top guesses for each [MASK] and one attention map as a table."""
import json
import sys


def main():
    a = json.load(sys.stdin)
    m = a["model"]
    tokens = a["tokens"]
    trained = a.get("objective", "masked-lm")
    print("\n%s (%s model): %d layers x %d heads, %d tokens" % (a["mask_mode"], trained, m["layers"], m["heads"],
                                                              len(tokens)))
    for p in a["predictions"]:
        guesses = ", ".join("%s %.3f" % (t["token"], t["prob"]) for t in p["top"])
        seen = "" if p.get("from_position", p["position"]) == p["position"] else \
            " (read from position %d)" % p["from_position"]
        print("  [MASK] at %d%s: %s" % (p["position"], seen, guesses))
    print("  last layer, head 0 (row = query, column = key):")
    print("  " + " ".join("%7s" % t[:7] for t in [""] + tokens))
    for token, row in zip(tokens, a["attentions"][-1][0]):
        print("  " + " ".join(["%7s" % token[:7]] + ["%7.2f" % w for w in row]))


if __name__ == "__main__":
    main()
