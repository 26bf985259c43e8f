#!/usr/bin/python3
"""resources/graphs/index.json: every listed file exists and gtscope-cli reads it, every shipped
graph file is listed, and the answers the index records are right, recomputed here
independently (RDKit TPSA and formula of the drugs, triangles by networkx, connectivity by
networkx components, node and edge counts, the skeleton's tree, the grid's king's-move edges).

Usage: test_graph_index.py GTSCOPE_CLI
"""
import json
import os
import subprocess
import sys

import networkx as nx
from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GRAPHS = os.path.join(ROOT, "resources", "graphs")
KINDS = {"molecule", "network", "grid", "skeleton", "knowledge-graph", "random"}
# No graph ships as .csv: tpsa-heldout.csv is molecule-tpsa's answer table, checked below.
GRAPH_EXTENSIONS = (".smi", ".sdf", ".gml", ".graphml", ".gexf", ".json", ".edges")

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def cli_info(cli, path):
    r = subprocess.run([cli, "info", path, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"{path}: gtscope-cli info failed: {r.stderr.strip()}")
        return None
    return json.loads(r.stdout)


def find_counts(info):
    """(nodes, edges) of the first graph in `info --json`'s answer, wherever it keeps them."""
    def walk(x):
        if isinstance(x, dict):
            if "nodes" in x and "edges" in x and isinstance(x["nodes"], int):
                return x["nodes"], x["edges"]
            for v in x.values():
                r = walk(v)
                if r:
                    return r
        if isinstance(x, list):
            for v in x:
                r = walk(v)
                if r:
                    return r
        return None
    return walk(info)


def read_nx(path):
    if path.endswith(".gml"):
        return nx.read_gml(path)
    if path.endswith(".graphml"):
        return nx.read_graphml(path)
    raise ValueError(path)


def main():
    cli = sys.argv[1]
    with open(os.path.join(GRAPHS, "index.json")) as f:
        index = json.load(f)
    entries = index["graphs"]
    listed = [e["file"] for e in entries]
    check(len(listed) == len(set(listed)), "index lists a file twice")
    shipped = {n for n in os.listdir(GRAPHS) if n.endswith(GRAPH_EXTENSIONS) and n != "index.json"}
    check(shipped <= set(listed), f"graph files not in index.json: {sorted(shipped - set(listed))}")
    kinds = {e["kind"] for e in entries}
    check(kinds <= KINDS, f"unknown kinds {kinds - KINDS}")
    for kind in KINDS:
        check(kind in kinds, f"no graph of kind {kind}")
    check(sum(e["kind"] == "molecule" and "tpsa" in e for e in entries) >= 12, "fewer than a dozen drugs")
    check("caffeine.smi" in listed, "caffeine.smi (opened on first start) is not listed")

    for e in entries:
        path = os.path.join(GRAPHS, e["file"])
        for field in ("file", "name", "kind", "description"):
            check(isinstance(e.get(field), str) and e[field], f"{e.get('file')}: no {field}")
        check("\n" not in e["description"], f"{e['file']}: description is not one line")
        if not os.path.exists(path):
            failures.append(f"{e['file']}: listed but missing")
            continue
        info = cli_info(cli, path)
        counts = find_counts(info) if info else None
        if "nodes" in e and counts:
            check(counts == (e["nodes"], e["edges"]),
                  f"{e['file']}: gtscope-cli counts {counts}, index says {(e['nodes'], e['edges'])}")
        if "tpsa" in e:
            smiles = open(path).read().split()[0]
            mol = Chem.MolFromSmiles(smiles)
            check(mol is not None, f"{e['file']}: RDKit cannot read {smiles}")
            if mol is not None:
                t = rdMolDescriptors.CalcTPSA(mol)
                check(abs(t - e["tpsa"]) < 0.01, f"{e['file']}: TPSA {t:.2f}, index says {e['tpsa']}")
                check(rdMolDescriptors.CalcMolFormula(mol) == e["formula"],
                      f"{e['file']}: formula {rdMolDescriptors.CalcMolFormula(mol)}, index {e['formula']}")
        if e["file"].endswith((".gml", ".graphml")):
            g = read_nx(path)
            if "nodes" in e:
                check((g.number_of_nodes(), g.number_of_edges()) == (e["nodes"], e["edges"]),
                      f"{e['file']}: networkx counts differ from the index")
            if "triangles" in e:
                t = sum(nx.triangles(nx.Graph(g)).values()) // 3
                check(t == e["triangles"], f"{e['file']}: {t} triangles, index says {e['triangles']}")
            if "connected" in e:
                feat = nx.get_node_attributes(g, "feat")
                marked = sorted(v for v, x in feat.items() if int(x) == 1)
                check(sorted(str(v) for v in e["marked"]) == marked,
                      f"{e['file']}: feat-1 nodes {marked}, index says {e['marked']}")
                check(nx.number_connected_components(g) >= 2, f"{e['file']}: one component only")
                if len(marked) == 2:
                    same = nx.has_path(g, *marked)
                    check(same == e["connected"], f"{e['file']}: connected is {same}, index says {e['connected']}")
        if e["kind"] == "skeleton":
            g = read_nx(path)
            names = list(g.nodes())
            check(names[0] == "hip" and names[10] == "head" and names[16] == "r_wrist",
                  f"{e['file']}: joints not in Human3.6M order: {names}")
            check(nx.is_tree(g) and g.number_of_nodes() == 17, f"{e['file']}: not a 17-joint tree")
            check(g.has_edge("thorax", "l_shoulder") and g.has_edge("hip", "r_hip")
                  and g.has_edge("neck_nose", "head"), f"{e['file']}: a standard bone is missing")
        if e["kind"] == "grid":
            g = read_nx(path)
            check(g.number_of_nodes() == 196, f"{e['file']}: not 14x14")
            degrees = sorted(d for _, d in g.degree())
            # King's moves on 14x14: 4 corners of degree 3, 48 edge cells of 5, 144 inner of 8.
            check(degrees == [3] * 4 + [5] * 48 + [8] * 144, f"{e['file']}: not king's-move edges")
        if e["kind"] == "knowledge-graph":
            g = read_nx(path)
            rel = nx.get_edge_attributes(g, "relation")
            check(len(rel) == g.number_of_edges() and len(set(rel.values())) >= 5,
                  f"{e['file']}: edges without a relation, or too few relation types")
            check(20 <= g.number_of_nodes() <= 40, f"{e['file']}: {g.number_of_nodes()} nodes")

    # molecule-tpsa's held-out answers (written by its recipe), when shipped: RDKit's TPSA of the
    # first rows, and the same molecules in the same order as the .smi the app opens.
    table = os.path.join(GRAPHS, "tpsa-heldout.csv")
    if os.path.exists(table):
        import csv
        with open(table) as f:
            rows = list(csv.DictReader(f))
        smi = [line.split()[0] for line in open(os.path.join(GRAPHS, "tpsa-heldout.smi")) if line.strip()]
        check([r["smiles"] for r in rows] == smi, "tpsa-heldout.csv and .smi list different molecules")
        for r in rows[:100]:
            t = rdMolDescriptors.CalcTPSA(Chem.MolFromSmiles(r["smiles"]))
            check(abs(t - float(r["tpsa"])) < 0.01, f"tpsa-heldout.csv: {r['smiles']} TPSA {t:.2f}, says {r['tpsa']}")

    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"graph index: {len(entries)} graphs checked")


if __name__ == "__main__":
    main()
