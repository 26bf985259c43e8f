#!/usr/bin/python3
"""What the interpretability tools find on the shipped models, checked through gtscope-cli.

- connectivity (metrics over the four shipped random-connectivity graphs): every head's hop
  profile is a distribution (bins 0..K, beyond, special sum to 1); head 0.1 is layer 0's head
  with the strongest preference for 1-hop neighbours (hop-1 mass over its chance level, the
  mass uniform attention would give), at least 1.1x chance; and it keeps the least mass on
  far/unreachable keys in layer 0. Weak but consistent structure, recorded in the model card.
- molecule-tpsa (pruning over its 489 held-out molecules, layers 1-3): at 70% keep, Zero-TPrune
  changes the TPSA prediction less than random pruning removing the same number of tokens at
  the same layers (hence the same FLOPs), mean over molecules (random: 3 seeds each).

Usage: test_interpretability.py GTSCOPE_CLI
"""
import json
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODELS = os.path.join(ROOT, "resources", "models")
GRAPHS = os.path.join(ROOT, "resources", "graphs")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def cli(*args):
    out = subprocess.run([sys.argv[1], *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gtscope-cli {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout)


def connectivity():
    graphs = [os.path.join(GRAPHS, f"random-connectivity-{i}.graphml") for i in range(1, 5)]
    j = cli("metrics", os.path.join(MODELS, "connectivity"), *graphs, "--hops", "4", "--json")
    check(j["graphs"] == 4, f"metrics read {j['graphs']} graphs, not 4")
    lift = {}
    beyond = {}
    for h in j["heads"]:
        m = h["mean"]
        total = sum(m[f"hop_{k}"] for k in range(5)) + m["hop_beyond"] + m["hop_special"]
        check(abs(total - 1) < 1e-4, f"head {h['layer']}.{h['head']}: hop bins sum to {total}")
        lift[(h["layer"], h["head"])] = m["hop_1"] / m["chance_hop_1"]
        beyond[(h["layer"], h["head"])] = m["hop_beyond"]
    layer0 = {k: v for k, v in lift.items() if k[0] == 0}
    best = max(layer0, key=layer0.get)
    print("connectivity hop-1 lift:", {f"{k[0]}.{k[1]}": round(v, 3) for k, v in sorted(lift.items())})
    check(best == (0, 1), f"layer 0's strongest 1-hop head is {best}, not 0.1")
    check(lift[(0, 1)] >= 1.1, f"head 0.1's hop-1 lift {lift[(0, 1)]:.3f} < 1.1")
    check(min((v, k) for k, v in beyond.items() if k[0] == 0)[1] == (0, 1),
          "head 0.1 is not layer 0's head with the least far/unreachable mass")


def tpsa_pruning():
    j = cli("prune", os.path.join(MODELS, "molecule-tpsa"), os.path.join(GRAPHS, "tpsa-heldout.smi"),
            "--sweep", "--keeps", "0.7", "--seeds", "3", "--json")
    points = {p["method"]: p for p in j["points"]}
    z, r = points["zero-tprune"], points["random"]
    print(f"molecule-tpsa keep 0.7 over {j['graphs']} molecules: zero-tprune {z['mean_change']:.4f}, "
          f"random {r['mean_change']:.4f}, FLOPs {z['flops_ratio']:.3f} / {r['flops_ratio']:.3f}")
    check(j["graphs"] == 489, f"sweep read {j['graphs']} molecules, not 489")
    check(abs(z["flops_ratio"] - r["flops_ratio"]) < 1e-9, "the methods ran at different FLOPs")
    check(z["flops_ratio"] < 0.9, f"FLOPs ratio {z['flops_ratio']} saves almost nothing")
    check(z["mean_change"] < r["mean_change"],
          f"Zero-TPrune changes the prediction more ({z['mean_change']}) than random ({r['mean_change']})")


connectivity()
tpsa_pruning()
if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("ok")
