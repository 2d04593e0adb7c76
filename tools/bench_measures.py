#!/usr/bin/python3
"""Wall-clock cost of each analyze measure through bertlens-cli (a benchmark, not a test).

    /usr/bin/python3 tools/bench_measures.py --cli build/app/bertlens-cli --model DIR [--repeats R]

For each length (16, 32, 128 words with one [MASK]) runs `analyze` plain and
with each flag, R times, and prints median wall times and the extra over the
plain run; `bench` gives the forward pass alone. Medians: the machine may be loaded.
"""
import argparse, json, statistics, subprocess, time

p = argparse.ArgumentParser()
p.add_argument("--cli", required=True); p.add_argument("--model", required=True)
p.add_argument("--repeats", type=int, default=5); p.add_argument("--lengths", default="16,32,128")
p.add_argument("--flags", default="rollout,norms,saliency,layer-predictions,flow")
a = p.parse_args()


def median_ms(args):
    times = []
    for _ in range(a.repeats):
        t = time.monotonic()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        times.append((time.monotonic() - t) * 1e3)
    return statistics.median(times)


out = {}
bench = json.loads(subprocess.run([a.cli, "bench", "--model", a.model, "--lengths", a.lengths, "--repeats",
                                   str(a.repeats)], check=True, capture_output=True).stdout)
for r in bench["results"]:
    n = r["n"]
    words = ["the"] * (n - 3) + ["[MASK]"]
    base = [a.cli, "analyze", "--model", a.model, "--text", " ".join(words)]
    row = {"forward_ms": r["median_ms"], "analyze_ms": median_ms(base)}
    for f in a.flags.split(","):
        if f == "flow" and n > 32:
            continue
        row[f + "_extra_ms"] = median_ms(base + ["--" + f]) - row["analyze_ms"]
    out[n] = row
    print(n, json.dumps(row), flush=True)
