#!/usr/bin/python3
"""`gtscope-cli ring`: one layer of a shipped model replayed on N simulated devices. The JSON
says the ring's output equals one-piece softmax attention (within 1e-5), holds N² compute
steps and N(N−1) sends, blocks that cover the sequence, and (N−1) copies of the layer's keys
and values sent — counted here from the model's config.json and the token count of
`gtscope-cli tokenize --json`. Bad arguments are usage errors naming the value.

Usage: test_ring_cli.py GTSCOPE_CLI
"""
import json
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODEL = os.path.join(ROOT, "resources", "models", "molecule-tpsa")
GRAPH = os.path.join(ROOT, "resources", "graphs", "caffeine.smi")
CLI = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


config = json.load(open(os.path.join(MODEL, "config.json")))
kv_heads = config.get("num_key_value_heads") or config["num_attention_heads"]
head_dim = config["hidden_size"] // config["num_attention_heads"]

for workers, overlap in ((1, True), (3, True), (5, False)):
    args = ["ring", MODEL, GRAPH, "--layer", "1", "--workers", str(workers), "--json"]
    if not overlap:
        args.append("--no-overlap")
    out = run(*args)
    if out.returncode != 0:
        sys.exit(f"gtscope-cli {' '.join(args)} failed: {out.stderr}")
    r = json.loads(out.stdout)
    S = r["positions"]
    check(r["max_abs_diff_vs_dense"] <= 1e-5, f"{workers} devices: ring vs dense {r['max_abs_diff_vs_dense']}")
    check(r["overlap"] == overlap and r["workers"] == workers, f"{workers} devices: echoed settings {r['overlap']}")
    check(r["block_start"][0] == 0 and r["block_start"][-1] == S and len(r["block_start"]) == workers + 1,
          f"{workers} devices: blocks {r['block_start']}")
    kinds = [e["kind"] for e in r["events"]]
    check(kinds.count("compute") + kinds.count("idle") == workers * workers, f"{workers} devices: steps {kinds}")
    check(kinds.count("idle") == 0, "molecule-tpsa is bidirectional: no idle steps")
    check(kinds.count("send") == workers * (workers - 1), f"{workers} devices: {kinds.count('send')} sends")
    check(r["bytes_sent"] == (workers - 1) * 2 * kv_heads * S * head_dim * 4,
          f"{workers} devices: {r['bytes_sent']} bytes for S={S}, {kv_heads} kv heads of {head_dim}")
    check(kinds.count("wait") == workers * workers, f"{workers} devices: {kinds.count('wait')} waits")
    for e in r["events"]:
        if e["kind"] == "wait":
            continue
        check(e["block"] == (e["worker"] - e["step"]) % workers, f"event {e}: wrong block for the ring")

# The text report.
text = run("ring", MODEL, GRAPH, "--workers", "2")
check(text.returncode == 0 and "max |ring" in text.stdout, f"text output: {text.stdout[:200]} {text.stderr}")

for bad, needle in ((["--workers", "0"], "not 0"), (["--layer", "99"], "--layer 99"),
                    (["--link-gbps", "fast"], "--link-gbps fast")):
    out = run("ring", MODEL, GRAPH, *bad)
    check(out.returncode == 2 and needle in out.stderr, f"{bad}: exit {out.returncode}, {out.stderr!r}")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("ring cli: ok")
