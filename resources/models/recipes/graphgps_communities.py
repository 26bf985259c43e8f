#!/usr/bin/python3
"""Trains resources/models/community-gps: a GraphGPS model (tests/reference/graphgps_ref.py,
GINE + Transformer, LapPE) that classifies the nodes of a planted-partition graph by community.

Data (seeded, generated here): stochastic block model graphs with K = 4 communities of 20..40
nodes each, edge probability 0.2 inside a community and 0.02 between communities. Every node has
a "hint" attribute: its community with probability 0.35, otherwise a uniformly random community
(so the hint alone is right for 0.35 + 0.65 / 4 = 51% of the nodes); the "community" attribute
is the answer. The model must pool hints over the node's community, which only the structure
shows. 240 graphs train; 60 other graphs (another seed) and the shipped demo graph
resources/graphs/communities-gps.graphml (its own seed, 4 × 40 nodes) are held out.

Model: hidden 32, 4 heads, 3 layers, GINE on edges (DummyEdge input) + Transformer, graph-mode
LayerNorm (BatchNorm trained one graph per step read its running statistics badly at eval),
LapPE (unnormalized Laplacian, 8 eigenpairs, DeepSet of 2 layers, dim_pe 8; signs flipped at
random per graph while training, as GraphGPS's encoder does), node task with the SAN-style
head, 4 classes, cross-entropy. Adam, cosine decay, single-threaded torch, seeded.

Usage (repository root): OMP_NUM_THREADS=1 /usr/bin/python3
  resources/models/recipes/graphgps_communities.py [--cli build/lead/app/gtscope-cli]
  [--epochs 20] [--seed 0]
Writes the model folder (config.json, model.safetensors, MODEL_CARD.md), the demo graph and
resources/models/recipes/graphgps_communities-summary.json. With --cli, the demo graph's
accuracy is also measured with gtscope-cli (the C++ engine, its own LapPE), as
tests/models/test_community_gps.py does.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "reference"))
import graphgps_ref as ref  # noqa: E402
import safetensors_io  # noqa: E402

MODEL_DIR = os.path.join(REPO, "resources", "models", "community-gps")
DEMO_GRAPH = os.path.join(REPO, "resources", "graphs", "communities-gps.graphml")
SUMMARY = os.path.join(REPO, "resources", "models", "recipes", "graphgps_communities-summary.json")

K = 4
P_IN, P_OUT, HINT_P = 0.2, 0.02, 0.35
TRAIN_SEED, HELDOUT_SEED, DEMO_SEED = 1, 2, 3
TRAIN_GRAPHS, HELDOUT_GRAPHS = 240, 60

CONFIG = {
    "model_type": "graphgps", "hidden_dim": 32, "num_heads": 4, "num_layers": 3,
    "local_gnn": "gine", "global_attention": "transformer", "norm": "layer",
    "task": "node", "num_outputs": K, "objective": "classification", "head_layers": 2,
    "node_input": {"kind": "embedding", "attribute": "hint", "column": 0, "num_embeddings": K},
    "edge_input": {"kind": "dummy"},
    "lap_pe": {"dim_pe": 8, "max_freqs": 8, "layers": 2, "laplacian_norm": "none"},
}


def sbm_graph(rng, sizes):
    """{"n", "edges", "community", "hint"}: a planted partition with the sizes given."""
    community = [c for c, s in enumerate(sizes) for _ in range(s)]
    n = len(community)
    edges = [(u, v) for u in range(n) for v in range(u + 1, n)
             if rng.random() < (P_IN if community[u] == community[v] else P_OUT)]
    hint = [c if rng.random() < HINT_P else rng.randrange(K) for c in community]
    return {"n": n, "edges": edges, "community": community, "hint": hint}


def dataset(seed, count):
    rng = random.Random(seed)
    return [sbm_graph(rng, [rng.randint(20, 40) for _ in range(K)]) for _ in range(count)]


def demo_graph():
    return sbm_graph(random.Random(DEMO_SEED), [40] * K)


def graphml_text(graphs, graph_id):
    """One GraphML document with the graphs (node attributes hint and community)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
             '<key id="hint" for="node" attr.name="hint" attr.type="int"/>',
             '<key id="community" for="node" attr.name="community" attr.type="int"/>']
    for i, g in enumerate(graphs):
        lines.append(f'<graph id="{graph_id if len(graphs) == 1 else f"{graph_id}-{i}"}" '
                     'edgedefault="undirected">')
        for v in range(g["n"]):
            lines.append(f'<node id="{v}"><data key="hint">{g["hint"][v]}</data>'
                         f'<data key="community">{g["community"][v]}</data></node>')
        lines += [f'<edge source="{u}" target="{v}"/>' for u, v in g["edges"]]
        lines.append("</graph>")
    return "\n".join(lines + ["</graphml>"]) + "\n"


def tensors(g):
    src, dst, _ = ref.messages(g["edges"], directed=False)
    pe = CONFIG["lap_pe"]
    vecs, vals = ref.lap_pe_stats(g["n"], g["edges"], pe["max_freqs"], pe["laplacian_norm"])
    return {"x": torch.tensor(g["hint"]), "y": torch.tensor(g["community"]),
            "src": torch.tensor(src, dtype=torch.long), "dst": torch.tensor(dst, dtype=torch.long),
            "vecs": torch.tensor(vecs, dtype=torch.float32),
            "vals": torch.tensor(vals, dtype=torch.float32)}


def forward(model, t, flip=None):
    vecs = t["vecs"] if flip is None else t["vecs"] * flip[None, :]
    return model(t["x"], None, t["src"], t["dst"], vecs, t["vals"])[0]


def accuracy(model, data):
    model.eval()
    right = total = 0
    with torch.no_grad():
        for t in data:
            right += int((forward(model, t).argmax(1) == t["y"]).sum())
            total += len(t["y"])
    return right / total


def neighbour_vote_accuracy(graphs):
    """A structure-aware baseline without learning: each node takes the most common hint among
    itself and its neighbours (ties to the lowest community)."""
    right = total = 0
    for g in graphs:
        votes = [[0] * K for _ in range(g["n"])]
        for v in range(g["n"]):
            votes[v][g["hint"][v]] += 1
        for u, v in g["edges"]:
            votes[u][g["hint"][v]] += 1
            votes[v][g["hint"][u]] += 1
        right += sum(int(np.argmax(votes[v]) == g["community"][v]) for v in range(g["n"]))
        total += g["n"]
    return right / total


def hint_accuracy(graphs):
    right = sum(sum(int(h == c) for h, c in zip(g["hint"], g["community"])) for g in graphs)
    return right / sum(g["n"] for g in graphs)


def majority_accuracy(graphs):
    counts = np.bincount([c for g in graphs for c in g["community"]], minlength=K)
    return counts.max() / counts.sum()


def cli_accuracy(cli, graph_path, graphs, model_dir=MODEL_DIR):
    """Node accuracy of `gtscope-cli run MODEL FILE#i --json` over the graphs of a GraphML file."""
    right = total = 0
    for i, g in enumerate(graphs):
        r = subprocess.run([cli, "run", model_dir, f"{graph_path}#{i}", "--json"],
                           capture_output=True, text=True, check=True)
        out = np.array(json.loads(r.stdout)["output"])
        right += int((out.argmax(1) == np.array(g["community"])).sum())
        total += g["n"]
    return right / total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cli", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    start = time.time()

    train_graphs = dataset(TRAIN_SEED, TRAIN_GRAPHS)
    heldout_graphs = dataset(HELDOUT_SEED, HELDOUT_GRAPHS)
    demo = demo_graph()
    train, heldout = [tensors(g) for g in train_graphs], [tensors(g) for g in heldout_graphs]
    demo_t = tensors(demo)

    model = ref.GPSModel(CONFIG)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    steps = args.epochs * len(train)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    for epoch in range(args.epochs):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for i in order:
            t = train[i]
            flip = torch.tensor([rng.choice((-1.0, 1.0)) for _ in range(t["vecs"].shape[1])])
            loss = F.cross_entropy(forward(model, t, flip), t["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss)
        print(f"epoch {epoch + 1}: loss {total / len(train):.4f} held-out accuracy "
              f"{accuracy(model, heldout):.4f} ({time.time() - start:.0f} s)", flush=True)
    seconds = time.time() - start

    model.eval()
    metrics = {
        "heldout_graphs": HELDOUT_GRAPHS,
        "heldout_nodes": sum(g["n"] for g in heldout_graphs),
        "heldout_accuracy": accuracy(model, heldout),
        "heldout_hint_accuracy": hint_accuracy(heldout_graphs),
        "heldout_neighbour_vote_accuracy": neighbour_vote_accuracy(heldout_graphs),
        "heldout_majority_accuracy": float(majority_accuracy(heldout_graphs)),
        "demo_nodes": demo["n"], "demo_edges": len(demo["edges"]),
        "demo_accuracy_reference": accuracy(model, [demo_t]),
        "demo_hint_accuracy": hint_accuracy([demo]),
        "demo_neighbour_vote_accuracy": neighbour_vote_accuracy([demo]),
        "train_accuracy": accuracy(model, train),
        "train_seconds": round(seconds, 1), "epochs": args.epochs, "seed": args.seed,
    }

    os.makedirs(MODEL_DIR, exist_ok=True)
    with open(os.path.join(MODEL_DIR, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    state = {k: v.float() for k, v in model.state_dict().items() if v.is_floating_point()}
    safetensors_io.save(os.path.join(MODEL_DIR, "model.safetensors"), state)
    with open(DEMO_GRAPH, "w") as f:
        f.write(graphml_text([demo], "communities-gps"))
    if args.cli:
        metrics["demo_accuracy_cli"] = cli_accuracy(args.cli, DEMO_GRAPH, [demo])
        heldout_path = os.path.join("/tmp", f"community-gps-heldout-{os.getpid()}.graphml")
        with open(heldout_path, "w") as f:
            f.write(graphml_text(heldout_graphs, "heldout"))
        metrics["heldout_accuracy_cli"] = cli_accuracy(args.cli, heldout_path, heldout_graphs)
        os.remove(heldout_path)
    metrics["parameters"] = sum(p.numel() for p in model.parameters())
    with open(SUMMARY, "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
