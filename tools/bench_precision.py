#!/usr/bin/python3
"""F32 against BF16 on the same weights: alternating rounds of `bertlens-cli bench`.

usage: tools/bench_precision.py BERTLENS_CLI MODEL_DIR [--threads 1] [--lengths 16,32,128] [--rounds 5]

Each round runs bench once with --precision f32 and once with bf16 (the order
alternates between rounds, so drift on a shared machine hits both alike) and
prints, per length, the median of each and the median of the per-round
speed-ups f32/bf16.
"""
import argparse
import json
import statistics
import subprocess


def bench(cli, model, precision, lengths, repeats, threads):
    out = subprocess.run([cli, "bench", "--model", model, "--lengths", lengths, "--repeats", str(repeats),
                          "--threads", str(threads), "--precision", precision],
                         check=True, capture_output=True, text=True).stdout
    return {r["n"]: r for r in json.loads(out)["results"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("model")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lengths", default="16,32,128")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=10)
    a = ap.parse_args()
    times = {"f32": {}, "bf16": {}}
    gflops = {"f32": {}, "bf16": {}}
    speedups = {}
    for r in range(a.rounds):
        order = ["f32", "bf16"] if r % 2 == 0 else ["bf16", "f32"]
        got = {p: bench(a.cli, a.model, p, a.lengths, a.repeats, a.threads) for p in order}
        for n in got["f32"]:
            for p in ("f32", "bf16"):
                times[p].setdefault(n, []).append(got[p][n]["median_ms"])
                gflops[p].setdefault(n, []).append(got[p][n]["gflops"])
            speedups.setdefault(n, []).append(got["f32"][n]["median_ms"] / got["bf16"][n]["median_ms"])
    print(f"{'n':>5} {'f32 ms':>8} {'bf16 ms':>8} {'f32 GFLOP/s':>12} {'bf16 GFLOP/s':>13} {'speed-up':>9}")
    for n in sorted(speedups):
        print(f"{n:>5} {statistics.median(times['f32'][n]):8.1f} {statistics.median(times['bf16'][n]):8.1f} "
              f"{statistics.median(gflops['f32'][n]):12.0f} {statistics.median(gflops['bf16'][n]):13.0f} "
              f"{statistics.median(speedups[n]):8.2f}x")


if __name__ == "__main__":
    main()
