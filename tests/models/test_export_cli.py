#!/usr/bin/python3
"""`gtscope-cli export` read back by other tools: NumPy reads the .npy attention and it equals
the attention `gtscope-cli run -o` saved as safetensors (read here by a parser of its own);
networkx reads the GraphML, GEXF, GML and node-link JSON and finds the gts_* attributes, checked
against values computed here from that attention and the token provenance of `gtscope-cli
tokenize --json`:
- gts_attention on a node = Σ over the node's positions of the chosen attention row (query T,
  mean over heads of the last layer), and on an edge the same over positions that arrive along
  it (not jumps);
- gts_saliency = `gtscope-cli saliency --json --top 0`'s node and edge values;
- gts_pruned_layer: for each node, the layer before which its last position was dropped, from
  the `dropped` lists of `gtscope-cli prune --json` with the same options; absent when a
  position of the node survives.
Bad output paths are clear errors that write nothing.

Usage: test_export_cli.py GTSCOPE_CLI
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
MODEL = os.path.join(ROOT, "resources", "models", "molecule-tpsa")
GRAPH = os.path.join(ROOT, "resources", "graphs", "caffeine.smi")
CLI = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def cli(*args):
    out = subprocess.run([CLI, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gtscope-cli {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]], dtype="<f4").reshape(t["shape"])
            for name, t in header.items() if name != "__metadata__"}


def read_gexf_13(path):
    """networkx 2.8 reads GEXF 1.1/1.2 only; GTScope writes 1.3 (Gephi's current version), whose
    node/edge/attvalue elements are the same, so it is read under the 1.2 namespace."""
    text = open(path, encoding="utf-8").read()
    text = text.replace("http://gexf.net/1.3", "http://www.gexf.net/1.2draft").replace('version="1.3"', 'version="1.2"')
    fixed = path + ".12.gexf"
    with open(fixed, "w", encoding="utf-8") as f:
        f.write(text)
    return nx.read_gexf(fixed)


def main():
    tokens = json.loads(cli("tokenize", GRAPH, "--json"))
    prov = tokens["provenance"]
    S = len(prov)
    with tempfile.TemporaryDirectory() as tmp:
        # Tensors: .npy (all layers, one layer) against run -o's safetensors.
        run_path = os.path.join(tmp, "run.safetensors")
        cli("run", MODEL, GRAPH, "--threads", "1", "-o", run_path)
        ref = read_safetensors(run_path)
        L = len([k for k in ref if k.startswith("attn.")])
        npy = os.path.join(tmp, "attn.npy")
        cli("export", MODEL, GRAPH, "--threads", "1", "-o", npy)
        a = np.load(npy)
        want = np.stack([ref[f"attn.{l}"] for l in range(L)])
        check(a.dtype == np.float32 and a.shape == want.shape, f"npy {a.dtype} {a.shape}, expected float32 {want.shape}")
        err = float(np.abs(a - want).max()) if a.shape == want.shape else 1.0
        print(f"npy: {a.shape}, max |npy - run -o| = {err:.1e}")
        check(err <= 1e-5, f"npy attention differs from run -o by {err}")  # attention tolerance; runs round alike to ~1e-6
        one = np.load(os.path.join(tmp, "one.npy")) if cli("export", MODEL, GRAPH, "--threads", "1", "--layer", "2",
                                                          "-o", os.path.join(tmp, "one.npy")) == "" else None
        check(one is not None and one.shape == want.shape[1:] and np.abs(one - want[2]).max() <= 1e-5,
              "npy --layer 2 is not layer 2's [H, S, S]")
        st = os.path.join(tmp, "attn.safetensors")
        cli("export", MODEL, GRAPH, "--threads", "1", "-o", st)
        got = read_safetensors(st)
        check(sorted(got) == sorted(f"attn.{l}" for l in range(L)), f"safetensors names {sorted(got)}")

        # The graph with attributes, in four formats.
        query = 5
        row = want[L - 1].astype(np.float64).mean(axis=0)[query]
        node_att, edge_att = {}, {}
        for p, src in enumerate(prov):
            if src["kind"] == "node":
                node_att[src["node"]] = node_att.get(src["node"], 0.0) + row[p]
            if src.get("edge") is not None and src.get("arrives_by") not in ("jump", "none"):
                edge_att[src["edge"]] = edge_att.get(src["edge"], 0.0) + row[p]
        sal = json.loads(cli("saliency", MODEL, GRAPH, "--json", "--top", "0"))
        prune = json.loads(cli("prune", MODEL, GRAPH, "--method", "zero-tprune", "--keep", "0.7", "--json"))
        dropped_before = [L] * S
        for layer, items in enumerate(prune["dropped"]):
            for item in items:
                dropped_before[item["position"]] = min(dropped_before[item["position"]], layer)
        last_drop = {}
        for p, src in enumerate(prov):
            if src["kind"] == "node":
                last_drop[src["node"]] = max(last_drop.get(src["node"], -1), dropped_before[p])
        readers = {"graphml": nx.read_graphml, "gexf": read_gexf_13, "gml": lambda f: nx.read_gml(f, label="id"),
                   "json": lambda f: nx.node_link_graph(json.load(open(f)))}
        for ext, read in readers.items():
            path = os.path.join(tmp, f"caffeine.{ext}")
            cli("export", MODEL, GRAPH, "--threads", "1", "--query", str(query), "--keep", "0.7", "-o", path)
            g = read(path)
            nodes = list(g.nodes(data=True))
            check(len(nodes) == 14, f"{ext}: {len(nodes)} nodes, caffeine has 14 heavy atoms")
            # Node ids as written: keys "0".."n-1" (or ints); map them to indices.
            def index(v):
                return int(v.lstrip("n")) if isinstance(v, str) else int(v)
            err_att = max(abs(d["gts_attention"] - node_att.get(index(v), 0.0)) for v, d in nodes)
            sal_nodes = {n["node"]: n["saliency"] for n in sal["nodes"]}
            err_sal = max(abs(d["gts_saliency"] - sal_nodes[index(v)]) for v, d in nodes)
            pruned_ok = all((d.get("gts_pruned_layer") is None) == (last_drop[index(v)] >= L) and
                            (d.get("gts_pruned_layer") is None or int(d["gts_pruned_layer"]) == last_drop[index(v)])
                            for v, d in nodes)
            edges = list(g.edges(data=True))
            check(all("gts_attention" in d and "gts_saliency" in d for _, _, d in edges), f"{ext}: edges lack gts_*")
            edge_sum = sum(d["gts_attention"] for _, _, d in edges)
            print(f"{ext}: {len(nodes)} nodes, {len(edges)} edges; attention err {err_att:.1e}, saliency err "
                  f"{err_sal:.1e}, pruned layers {'match' if pruned_ok else 'DIFFER'}; "
                  f"edge attention {edge_sum:.4f} (expected {sum(edge_att.values()):.4f})")
            check(err_att <= 1e-5, f"{ext}: node attention differs by {err_att}")
            check(abs(edge_sum - sum(edge_att.values())) <= 1e-4, f"{ext}: edge attention sums differ")
            check(err_sal <= 1e-5, f"{ext}: node saliency differs by {err_sal}")
            check(pruned_ok, f"{ext}: gts_pruned_layer differs from prune --json")
            check(any(d.get("gts_pruned_layer") is not None for _, d in nodes), f"{ext}: nothing pruned at keep 0.7")

        # Bad requests: clear errors, nothing written.
        for args, words in (((MODEL, GRAPH, "-o", os.path.join(tmp, "x.png")), "cannot tell what to write"),
                            ((MODEL, GRAPH, "-o", os.path.join(tmp, "x.npy"), "--layer", "9"), "--layer 9 is not in 0..3"),
                            ((MODEL, GRAPH, "-o", os.path.join(tmp, "x.gexf"), "--head", "7"), "--head 7 is not in 0..3"),
                            ((MODEL, GRAPH), "usage")):
            out = subprocess.run([CLI, "export", *args], capture_output=True, text=True)
            check(out.returncode == 2 and words in out.stderr, f"export {args[2:]}: rc {out.returncode}, {out.stderr!r}")
        check(not any(f.startswith("x.") for f in os.listdir(tmp)), "a refused export left a file")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
