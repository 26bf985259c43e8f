#!/usr/bin/python3
"""gtscope-cli on a node-level model (the shipped Graph Transformer, resources/models/molecule-tpsa-gt)
checked against the independent PyTorch reference (tests/reference/graph_transformer_ref.py):

- `run --json` and `run --head-mask`: outputs equal the reference's within 1e-4;
- `ablate --json`: every head's output change equals |y_full − y_masked| of the reference with
  that head masked, and the layer column the reference with all of the layer's heads masked;
- `prune --json` (Zero-TPrune and random on nodes): the dropped nodes follow the schedule, the
  pruned output equals the reference run with the same kept nodes, change = |Δy|, FLOPs < full;
- `metrics --json`: sparse neighbour attention puts all of a head's mass one hop away;
- `export` to GraphML carries gts_attention on nodes and edges; `render` writes an SVG that
  parses; `session create` stores the node-level run;
- GraphGPT-only options are refused with a message naming them.

usage: test_node_level_cli.py GTSCOPE_CLI
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np
import torch
from rdkit import Chem

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "reference"))
import graph_transformer_ref as ref  # noqa: E402
import safetensors_io  # noqa: E402

CLI = sys.argv[1]
MODEL = os.path.join(REPO, "resources", "models", "molecule-tpsa-gt")
GRAPH = os.path.join(REPO, "resources", "graphs", "caffeine.smi")
OUTPUT_TOLERANCE = 1e-4   # Å², float32 engine vs the float32 reference
BOND_TYPES = {Chem.BondType.SINGLE: 0, Chem.BondType.DOUBLE: 1, Chem.BondType.TRIPLE: 2,
              Chem.BondType.AROMATIC: 3}

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def cli(*args, expect=0):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    if r.returncode != expect:
        raise SystemExit(f"gtscope-cli {' '.join(args)}: exit {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def cli_json(*args):
    return json.loads(cli(*args, "--json").stdout)


# --- the reference model and its inputs ----------------------------------------------------------
with open(os.path.join(MODEL, "config.json")) as f:
    cfg = json.load(f)
tensors, _ = safetensors_io.load(os.path.join(MODEL, "model.safetensors"))
model = ref.GraphTransformer(cfg)
state = {k: v for k, v in tensors.items()}
missing, unexpected = model.load_state_dict(state, strict=False)
assert not unexpected, unexpected
assert all(k.endswith("num_batches_tracked") for k in missing), missing
model.eval()

with open(GRAPH) as f:
    smiles = f.read().split()[0]
mol = Chem.MolFromSmiles(smiles)
atoms = [a.GetAtomicNum() - 1 for a in mol.GetAtoms()]
n = len(atoms)
src, dst, bonds, pairs = [], [], [], []
for b in mol.GetBonds():
    u, v = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
    t = BOND_TYPES.get(b.GetBondType(), 4) + cfg["edge_input"]["offset"]
    src += [u, v]
    dst += [v, u]
    bonds += [t, t]
    pairs.append((u, v))
vectors, _ = ref.laplacian_eigenvectors(n, pairs, cfg["lap_pe_dim"])
lap = torch.tensor(ref.lap_pe_sign_convention(vectors), dtype=torch.float32)
node_in = torch.tensor(atoms)
edge_in = torch.tensor(bonds)
src_t, dst_t = torch.tensor(src), torch.tensor(dst)
L, H = cfg["num_layers"], cfg["num_heads"]


def reference(head_mask=None, keep=None):
    with torch.no_grad():
        out = model(node_in, edge_in, src_t, dst_t, lap, head_mask=head_mask, keep=keep)[0]
    return float(out.reshape(-1)[0])


y_full = reference()

# --- info and run ----------------------------------------------------------------------------------
info = cli_json("info", MODEL)
check(info["family"] == "graph_transformer" and info["layers"] == L and info["heads"] == H
      and info["objective"] == "regression", f"info: {info['family_name']}, {L} x {H}, regression")
run = cli_json("run", MODEL, GRAPH)
check(abs(run["output"][0] - y_full) < OUTPUT_TOLERANCE,
      f"run: {run['output'][0]:.5f} vs reference {y_full:.5f}")
check(run["nodes"] == n and run["messages"] == len(src), f"run: {n} nodes, {len(src)} messages")
masked = cli_json("run", MODEL, GRAPH, "--head-mask", "3.0,1.2")
mask = [[False] * H for _ in range(L)]
mask[3][0] = mask[1][2] = True
check(abs(masked["output"][0] - reference(head_mask=mask)) < OUTPUT_TOLERANCE, "run --head-mask 3.0,1.2")

# --- ablate ----------------------------------------------------------------------------------------
ab = cli_json("ablate", MODEL, GRAPH)
check(ab["measure"] == "abs_delta" and len(ab["heads"]) == L and len(ab["heads"][0]) == H, "ablate: shape, measure")
worst = 0.0
for l in range(L):
    for h in range(H):
        m = [[False] * H for _ in range(L)]
        m[l][h] = True
        worst = max(worst, abs(ab["heads"][l][h] - abs(reference(head_mask=m) - y_full)))
    m = [[False] * H for _ in range(L)]
    m[l] = [True] * H
    worst = max(worst, abs(ab["layers"][l] - abs(reference(head_mask=m) - y_full)))
check(worst < OUTPUT_TOLERANCE, f"ablate: every head and layer within {worst:.2e} of the reference")

# --- prune -----------------------------------------------------------------------------------------
for method in ("zero-tprune", "random"):
    pr = cli_json("prune", MODEL, GRAPH, "--method", method, "--keep", "0.5", "--seed", "4")
    dropped = [[d["node"] for d in layer] for layer in pr["dropped"]]
    removed = round(n * 0.5)
    counts = [len(d) for d in dropped]
    check(counts[0] == 0 and sum(counts) == removed and max(counts[1:]) - min(counts[1:]) <= 1,
          f"prune {method}: {removed} nodes removed over layers 1-{L - 1}: {counts}")
    alive, keep = set(range(n)), [None] * L
    for l in range(L):
        if dropped[l]:
            check(all(v in alive for v in dropped[l]), f"prune {method}: layer {l} drops present nodes")
            alive -= set(dropped[l])
            keep[l] = sorted(alive)
    check(pr["layer_nodes"] == [n - sum(counts[:l + 1]) for l in range(L)], f"prune {method}: layer_nodes")
    y_pruned = reference(keep=keep)
    check(abs(pr["output_pruned"][0] - y_pruned) < OUTPUT_TOLERANCE,
          f"prune {method}: pruned output {pr['output_pruned'][0]:.4f} vs reference {y_pruned:.4f}")
    check(abs(pr["change"] - abs(y_pruned - y_full)) < OUTPUT_TOLERANCE, f"prune {method}: change = |Δy|")
    check(0 < pr["flops_ratio"] < 1, f"prune {method}: FLOPs ratio {pr['flops_ratio']:.3f}")
again = cli_json("prune", MODEL, GRAPH, "--method", "random", "--keep", "0.5", "--seed", "4")
check(again["dropped"] == pr["dropped"], "prune random: the seed decides")
sweep = cli_json("prune", MODEL, GRAPH, "--sweep", "--keeps", "0.8,0.5", "--seeds", "2")
check(len(sweep["points"]) == 4 and all(0 < p["flops_ratio"] <= 1 for p in sweep["points"]), "prune --sweep")

# --- metrics, export, render, session ---------------------------------------------------------------
metrics = cli_json("metrics", MODEL, GRAPH)
check(len(metrics["heads"]) == L * H and all(abs(h["mean"]["hop_1"] - 1.0) < 1e-4 for h in metrics["heads"]),
      "metrics: neighbour attention is all one hop away")

with tempfile.TemporaryDirectory() as tmp:
    graphml = os.path.join(tmp, "caffeine.graphml")
    cli("export", MODEL, GRAPH, "-o", graphml, "--keep", "0.5")
    root = ET.parse(graphml).getroot()
    keys = {k.get("attr.name"): k.get("for") for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")}
    check(keys.get("gts_attention") in ("node", "edge", "all") and "gts_kept_fraction" in keys,
          f"export: gts_attention and gts_kept_fraction ({sorted(k for k in keys if k.startswith('gts_'))})")
    svg = os.path.join(tmp, "caffeine.svg")
    cli("render", MODEL, GRAPH, "--view", "graph-attention", "-o", svg)
    check(ET.parse(svg).getroot().tag.endswith("svg"), "render: graph-attention SVG parses")
    session = os.path.join(tmp, "caffeine.gtscope")
    cli("session", "create", MODEL, GRAPH, "-o", session)
    db = sqlite3.connect(session)
    run_setting = dict(db.execute("SELECT key, json FROM settings").fetchall()).get("run")
    check(run_setting is not None and json.loads(run_setting).get("nodeLevel") is True, "session: nodeLevel run")
    db.close()

# --- refusals ---------------------------------------------------------------------------------------
r = cli("run", MODEL, GRAPH, "--layout", "flat", expect=2)
check("--layout does not apply to a node-level model" in r.stderr, "run --layout is refused")
r = cli("ablate", MODEL, GRAPH, "--no-reuse", expect=2)
check("--no-reuse does not apply" in r.stderr, "ablate --no-reuse is refused")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
