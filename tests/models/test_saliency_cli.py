#!/usr/bin/python3
"""`gtscope-cli saliency` against an independent computation from the run's own attention.

For the shipped connectivity model on random-connectivity-1 (18 positions) and molecule-tpsa on
caffeine, `gtscope-cli run -o` writes every layer's attention [H, S, S]; from it this script
recomputes (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers", §3):
- rollout: Â_l = ½(mean_h A_l + I), J = Â_L … Â_1, saliency = J[last] (target last) or the mean
  of J's rows (target all), with numpy;
- flow: max-flow from input (0, j) through edges (l−1, k) → (l, i) of capacity Â_l[i, k] into
  the output row(s) (each draining at most 1 into a super-sink, averaged over rows), with
  networkx's preflow-push (a different algorithm from the engine's Dinic);
and checks the CLI's per-position values to 1e-6 (rollout) / 1e-5 (flow), that node and edge
values are the sums of their positions' values through provenance, and that flow is refused
with a clear error above 128 positions.

Finding checked on connectivity's four example graphs: the rollout saliency of the `<eos>`
position (where the answer is read) ranks positions of the two marked nodes (node column
`feat` = 1) first and second among all non-`<eos>` positions. By chance (15–22 such positions
per graph, 2–3 of them marked) that happens with probability ≤ 3·2/(15·14) < 3 % per graph,
so < 1e-6 for all four; it matches the card's attention reading (layer 1's `<eos>` row puts
97–98 % on the marked nodes).

Usage: test_saliency_cli.py GTSCOPE_CLI
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import networkx as nx
import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODELS = os.path.join(ROOT, "resources", "models")
GRAPHS = os.path.join(ROOT, "resources", "graphs")
CLI = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", t["dtype"]
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(t["shape"]).astype(np.float64)
    return out


def residual_attention(tensors):
    layers = sorted(int(k.split(".")[1]) for k in tensors if k.startswith("attn."))
    S = tensors["attn.0"].shape[-1]
    out = []
    for l in layers:
        A = tensors[f"attn.{l}"].mean(axis=0)
        check(A.shape == (S, S), f"layer {l}: attention {A.shape}, expected {(S, S)} (no pruning here)")
        out.append(0.5 * (A + np.eye(S)))
    return out


def rollout(layers, target):
    J = np.eye(layers[0].shape[0])
    for a in layers:
        J = a @ J
    return J[-1] if target == "last" else J.mean(axis=0)


def flow(layers, target):
    S, L = layers[0].shape[0], len(layers)
    G = nx.DiGraph()
    for l, a in enumerate(layers, start=1):
        for i in range(S):
            for k in range(S):
                if a[i, k] > 0:
                    G.add_edge((l - 1, k), (l, i), capacity=a[i, k])
    rows = [S - 1] if target == "last" else list(range(S))
    for r in rows:
        G.add_edge((L, r), "sink", capacity=1.0)
    return np.array([nx.maximum_flow_value(G, (0, j), "sink") / len(rows) for j in range(S)])


def saliency(model, graph, method, target):
    out = subprocess.run([CLI, "saliency", model, graph, "--method", method, "--target", target, "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"saliency {method} {target} failed: {out.stderr}")
    return json.loads(out.stdout)


def compare(name, graph, methods):
    model = os.path.join(MODELS, name)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.safetensors")
        out = subprocess.run([CLI, "run", model, graph, "-o", path], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"run {name} failed: {out.stderr}")
        layers = residual_attention(read_safetensors(path))
    for method, tol in methods:
        for target in ("last", "all"):
            j = saliency(model, graph, method, target)
            got = np.array([p["saliency"] for p in j["positions"]])
            want = rollout(layers, target) if method == "rollout" else flow(layers, target)
            err = float(np.abs(got - want).max())
            print(f"{name} {method} {target}: {len(got)} positions, max |cli - independent| = {err:.2e}")
            check(got.shape == want.shape and err <= tol, f"{name} {method} {target}: differs by {err:.2e} > {tol}")
            if method == "rollout":
                check(abs(got.sum() - 1) < 1e-6, f"{name} rollout {target}: sums to {got.sum()}, not 1")
            nodes = np.zeros(len(j["nodes"]))
            edges = np.zeros(len(j["edges"]))
            for p in j["positions"]:
                if p["kind"] == "eos":
                    continue
                if p["node"] is not None:
                    nodes[p["node"]] += p["saliency"]
                if p["edge"] is not None:
                    edges[p["edge"]] += p["saliency"]
            check(np.allclose(nodes, [n["saliency"] for n in j["nodes"]], atol=1e-9),
                  f"{name} {method} {target}: node saliency is not the sum of its positions")
            check(np.allclose(edges, [e["saliency"] for e in j["edges"]], atol=1e-9),
                  f"{name} {method} {target}: edge saliency is not the sum of its positions")


compare("connectivity", os.path.join(GRAPHS, "random-connectivity-1.graphml"), [("rollout", 1e-6), ("flow", 1e-5)])
compare("molecule-tpsa", os.path.join(GRAPHS, "caffeine.smi"), [("rollout", 1e-6), ("flow", 1e-5)])

def marked_nodes_lead_rollout():
    import re
    for i in range(1, 5):
        graph = os.path.join(GRAPHS, f"random-connectivity-{i}.graphml")
        with open(graph) as f:
            marked = {int(v) for v, feat in re.findall(r'<node id="(\d+)"><data key="feat">(\d)</data>', f.read())
                      if feat == "1"}
        check(len(marked) == 2, f"random-connectivity-{i}: {len(marked)} marked nodes, expected 2")
        j = saliency(os.path.join(MODELS, "connectivity"), graph, "rollout", "last")
        ranked = sorted((p for p in j["positions"] if p["kind"] != "eos"), key=lambda p: -p["saliency"])
        top = [p["node"] for p in ranked[:2]]
        print(f"connectivity graph {i}: marked {sorted(marked)}, top rollout positions stand for nodes {top} "
              f"({ranked[0]['saliency']:.3f}, {ranked[1]['saliency']:.3f}; next {ranked[2]['saliency']:.3f})")
        check(all(n in marked for n in top), f"random-connectivity-{i}: top rollout positions are nodes {top}, "
              f"not the marked {sorted(marked)}")


marked_nodes_lead_rollout()

# Flow above kMaxFlowPositions (128) is refused with a usage error naming the limit; rollout
# still runs. The graph: a complete graph on 20 nodes for the connectivity model (190 edges, so
# its Eulerian walk has more than 128 positions).
with tempfile.TemporaryDirectory() as tmp:
    big = os.path.join(tmp, "k20.graphml")
    with open(big, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                '<key id="feat" for="node" attr.name="feat" attr.type="int"/>\n<graph edgedefault="undirected">\n')
        for v in range(20):
            f.write(f'<node id="{v}"><data key="feat">{int(v < 2)}</data></node>\n')
        for u in range(20):
            for v in range(u + 1, 20):
                f.write(f'<edge source="{u}" target="{v}"/>\n')
        f.write("</graph>\n</graphml>\n")
    model = os.path.join(MODELS, "connectivity")
    out = subprocess.run([CLI, "saliency", model, big, "--method", "flow"], capture_output=True, text=True)
    check(out.returncode == 2 and "limited to 128" in out.stderr,
          f"flow on K20: rc {out.returncode}, stderr {out.stderr.strip()!r}")
    out = subprocess.run([CLI, "saliency", model, big, "--json"], capture_output=True, text=True)
    check(out.returncode == 0 and len(json.loads(out.stdout)["positions"]) > 128,
          f"rollout on K20: rc {out.returncode}, stderr {out.stderr.strip()!r}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
