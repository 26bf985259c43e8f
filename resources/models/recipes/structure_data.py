"""Random graphs for the structure models (`triangles`, `connectivity`), their true answers, and
tokenization through gtscope-cli with a model folder's tokenization.json.

Shared by resources/models/recipes/structure.py (training), resources/graphs/make_graphs.py (the
shipped example graphs) and tests/models/test_structure_models.py (held-out checks), so every one
of them draws graphs from the same distributions.
"""
import itertools
import json
import os
import random
import subprocess
import tempfile
from xml.sax.saxutils import escape

# triangles: Erdős–Rényi G(n, p), n uniform in [8, 16], p uniform in [0.1, 0.4].
TRIANGLE_NODES = (8, 16)
TRIANGLE_P = (0.1, 0.4)

# connectivity: n uniform in [8, 16] nodes split into 2..4 components; each component a
# uniformly random labelled tree (Prüfer sequence) plus each other pair with probability 0.1.
CONNECTIVITY_NODES = (8, 16)
CONNECTIVITY_COMPONENTS = (2, 4)
CONNECTIVITY_EXTRA_P = 0.1


def triangle_graph(rng):
    """(n, edges) of one G(n, p) graph."""
    n = rng.randint(*TRIANGLE_NODES)
    p = rng.uniform(*TRIANGLE_P)
    edges = [(u, v) for u, v in itertools.combinations(range(n), 2) if rng.random() < p]
    return n, edges


def count_triangles(n, edges):
    adj = [set() for _ in range(n)]
    for u, v in edges:
        adj[u].add(v)
        adj[v].add(u)
    return sum(1 for u, v, w in itertools.combinations(range(n), 3)
               if v in adj[u] and w in adj[u] and w in adj[v])


def _random_tree(nodes, rng):
    """Edges of a uniformly random labelled tree on `nodes` (Prüfer decoding)."""
    k = len(nodes)
    if k == 1:
        return []
    if k == 2:
        return [(nodes[0], nodes[1])]
    seq = [rng.randrange(k) for _ in range(k - 2)]
    degree = [1] * k
    for x in seq:
        degree[x] += 1
    edges = []
    for x in seq:
        leaf = min(i for i in range(k) if degree[i] == 1)
        edges.append((nodes[leaf], nodes[x]))
        degree[leaf] -= 1
        degree[x] -= 1
    u, v = [i for i in range(k) if degree[i] == 1]
    edges.append((nodes[u], nodes[v]))
    return edges


def connectivity_graph(rng, connected):
    """(n, edges, marked pair) with the two marked nodes in the same component iff `connected`.
    Node ids are shuffled so a component is not a run of consecutive ids."""
    n = rng.randint(*CONNECTIVITY_NODES)
    c = rng.randint(*CONNECTIVITY_COMPONENTS)
    # Component sizes: a random composition of n into c positive parts.
    cuts = sorted(rng.sample(range(1, n), c - 1))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    labels = list(range(n))
    rng.shuffle(labels)
    comps, start = [], 0
    for s in sizes:
        comps.append(labels[start:start + s])
        start += s
    edges = []
    for comp in comps:
        tree = _random_tree(comp, rng)
        present = {frozenset(e) for e in tree}
        edges += tree
        for u, v in itertools.combinations(comp, 2):
            if frozenset((u, v)) not in present and rng.random() < CONNECTIVITY_EXTRA_P:
                edges.append((u, v))
    edges = [(min(u, v), max(u, v)) for u, v in edges]
    if connected:
        comp = rng.choice([x for x in comps if len(x) >= 2])
        a, b = rng.sample(comp, 2)
    else:
        ca, cb = rng.sample(comps, 2)
        a, b = rng.choice(ca), rng.choice(cb)
    return n, sorted(edges), (a, b)


def are_connected(n, edges, a, b):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in edges:
        parent[find(u)] = find(v)
    return find(a) == find(b)


def graphml_text(graphs):
    """One GraphML document holding several undirected graphs. Each item: {"id", "n", "edges",
    optional "feat": per-node ints (node column "feat"), optional "graph_attrs": {name: value}}."""
    has_feat = any("feat" in g for g in graphs)
    gkeys = sorted({k for g in graphs for k in g.get("graph_attrs", {})})
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    if has_feat:
        out.append('<key id="feat" for="node" attr.name="feat" attr.type="int"/>')
    for k in gkeys:
        out.append(f'<key id="g_{k}" for="graph" attr.name="{k}" attr.type="int"/>')
    for g in graphs:
        out.append(f'<graph id="{escape(g["id"])}" edgedefault="undirected">')
        for k in gkeys:
            if k in g.get("graph_attrs", {}):
                out.append(f'<data key="g_{k}">{int(g["graph_attrs"][k])}</data>')
        for v in range(g["n"]):
            if "feat" in g:
                out.append(f'<node id="{v}"><data key="feat">{g["feat"][v]}</data></node>')
            else:
                out.append(f'<node id="{v}"/>')
        for u, v in g["edges"]:
            out.append(f'<edge source="{u}" target="{v}"/>')
        out.append('</graph>')
    out.append('</graphml>')
    return "\n".join(out) + "\n"


def tokenization_args(tokenization):
    """gtscope-cli options equal to a tokenization.json dict (the fields the structure models set)."""
    t = tokenization
    args = ["--layout", t["layout"], "--world", t["world"], "--node-scope", str(t["node_scope"]),
            "--scope-base", str(t["scope_base"]), "--cyclic", "1" if t["cyclic"] else "0",
            "--node-columns", ",".join(t["node_columns"]) or ",",
            "--edge-columns", ",".join(t["edge_columns"]) or ","]
    if not t["remove_edge_type_token"]:
        args.append("--keep-edge-type")
    if t["add_eos"]:
        args.append("--add-eos")
    if t.get("permute_nodes"):
        args.append("--permute")
    return args


def tokenize_graphs(cli, graphs, tokenization, vocab=None, seed=0, seeds=1):
    """Token ids (with `vocab`) or token strings of every graph, `seeds` walks each, through
    `gtscope-cli tokenize --all` on a temporary GraphML file. Returns the "sequences" list."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "graphs.graphml")
        with open(path, "w") as f:
            f.write(graphml_text(graphs))
        out = os.path.join(tmp, "tokens.json")
        cmd = [cli, "tokenize", path, "--all", "--seed", str(seed), "--seeds", str(seeds),
               "-o", out] + tokenization_args(tokenization)
        if vocab:
            cmd += ["--vocab", vocab]
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        with open(out) as f:
            doc = json.load(f)
    if doc["skipped"]:
        raise RuntimeError(f"gtscope-cli skipped graphs: {doc['skipped'][:3]}")
    return doc["sequences"]


def build_vocab(cli, graphs, tokenization, path):
    with tempfile.TemporaryDirectory() as tmp:
        gpath = os.path.join(tmp, "graphs.graphml")
        with open(gpath, "w") as f:
            f.write(graphml_text(graphs))
        subprocess.run([cli, "vocab", "build", gpath, "-o", path] + tokenization_args(tokenization),
                       check=True, stderr=subprocess.DEVNULL)


def triangle_dataset(seed, count):
    rng = random.Random(seed)
    items = []
    for i in range(count):
        n, edges = triangle_graph(rng)
        items.append({"id": f"tri{seed}_{i}", "n": n, "edges": edges,
                      "label": count_triangles(n, edges)})
    return items


def connectivity_dataset(seed, count):
    """Balanced: even items connected, odd not."""
    rng = random.Random(seed)
    items = []
    for i in range(count):
        connected = i % 2 == 0
        n, edges, (a, b) = connectivity_graph(rng, connected)
        feat = [1 if v in (a, b) else 0 for v in range(n)]
        items.append({"id": f"conn{seed}_{i}", "n": n, "edges": edges, "feat": feat,
                      "marked": [a, b], "label": int(connected)})
    return items
