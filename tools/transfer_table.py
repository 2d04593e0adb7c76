#!/usr/bin/python3
"""The transfer-learning table: held-out accuracy of a fine-tuned pretrained
model against the same architecture fine-tuned from random weights, at
several training-set sizes, three seeds each, for each task of
`bertlens-cli tasks`. Every number comes from a run of `bertlens-cli finetune`
(its JSON summary's held_out_accuracy); nothing is computed here but the mean
and the spread (population standard deviation, and min-max) over the seeds.

    tools/transfer_table.py [--cli build/app/bertlens-cli] [--model resources/models/bertlens-mini]
                            [--sizes 100,300,1000,3000] [--seeds 1,2,3] [--tasks agreement,pair]
                            [--jobs 2] [--threads 1] [--results FILE.jsonl]

Small training sets get more epochs so that every run takes at least some
steps (the same for pretrained and from-scratch): 100 -> 20, 300 -> 10,
1,000 -> 5, 3,000 -> 3 epochs (batch 32). Results are appended to FILE.jsonl
as they finish, and runs already in it are not repeated, so an interrupted
table goes on where it stopped. Prints a Markdown table.
"""
import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCHS = {100: 20, 300: 10, 1000: 5, 3000: 3}


def epochs_for(size):
    return EPOCHS.get(size, max(3, min(20, 2000 // max(size, 1))))


def run_one(cli, model, task, size, seed, scratch, threads):
    with tempfile.TemporaryDirectory(prefix="transfer-") as out:
        cmd = [cli, "finetune", "--model", model, "--task", task, "--out", out, "--train-examples", str(size),
               "--epochs", str(epochs_for(size)), "--seed", str(seed), "--threads", str(threads)]
        if scratch:
            cmd.append("--from-scratch")
        start = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(" ".join(cmd) + " failed:\n" + p.stderr[-2000:])
        summary = json.loads(p.stdout.strip().splitlines()[-1])
        return {"task": task, "size": size, "seed": seed, "from_scratch": scratch,
                "epochs": epochs_for(size), "accuracy": summary["held_out_accuracy"],
                "examples_per_second": summary["examples_per_second"], "seconds": time.time() - start}


def key(r):
    return (r["task"], r["size"], r["seed"], r["from_scratch"])


def cell(values):
    if not values:
        return "—"
    mean = 100 * statistics.fmean(values)
    sd = 100 * statistics.pstdev(values) if len(values) > 1 else 0.0
    return f"{mean:.1f} ± {sd:.1f} ({100 * min(values):.1f}–{100 * max(values):.1f}, n={len(values)})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default=os.path.join(HERE, "..", "build", "app", "bertlens-cli"))
    ap.add_argument("--model", default=os.path.join(HERE, "..", "resources", "models", "bertlens-mini"))
    ap.add_argument("--sizes", default="100,300,1000,3000")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--tasks", default="agreement,pair")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--results", default="transfer_results.jsonl")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    seeds = [int(s) for s in a.seeds.split(",")]
    tasks = a.tasks.split(",")
    done = {}
    if os.path.exists(a.results):
        with open(a.results) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    done[key(r)] = r
    todo = [(t, n, s, scratch) for t in tasks for n in sizes for s in seeds for scratch in (False, True)
            if (t, n, s, scratch) not in done]
    # Largest first, so that the slowest runs do not end up alone at the end.
    todo.sort(key=lambda x: -x[1])
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = {pool.submit(run_one, a.cli, a.model, t, n, s, scratch, a.threads): (t, n, s, scratch)
                   for (t, n, s, scratch) in todo}
        for f in concurrent.futures.as_completed(futures):
            r = f.result()
            done[key(r)] = r
            with open(a.results, "a") as out:
                out.write(json.dumps(r) + "\n")
            print(f"{r['task']} n={r['size']} seed={r['seed']} {'scratch' if r['from_scratch'] else 'pretrained'}: "
                  f"{100 * r['accuracy']:.1f}% in {r['seconds']:.0f} s", file=sys.stderr, flush=True)
    print("| task | training examples | epochs | pretrained (bertlens-mini) | from scratch |")
    print("|---|---:|---:|---|---|")
    for t in tasks:
        for n in sizes:
            vals = {sc: [done[(t, n, s, sc)]["accuracy"] for s in seeds if (t, n, s, sc) in done] for sc in (False, True)}
            print(f"| {t} | {n:,} | {epochs_for(n)} | {cell(vals[False])} | {cell(vals[True])} |")
    print(f"\nheld-out accuracy in %, mean ± standard deviation over seeds {a.seeds} (min–max, runs); "
          f"{a.threads} thread(s) per run, {a.jobs} runs at a time")


if __name__ == "__main__":
    main()
