#!/usr/bin/python3
"""Writes GTScope's curated graph set into this folder, with index.json (what the app lists).

Run: /usr/bin/python3 resources/graphs/make_graphs.py
Needs RDKit and networkx (Debian's python3-rdkit, python3-networkx). Deterministic: rerunning
rewrites identical files. caffeine.smi is kept as it is (the app opens it on first start), and
tpsa-heldout.* belongs to the molecule-tpsa recipe; both are listed here but not written
(tpsa-heldout only when present: rerun this script after that recipe).
"""
import json
import os
import sys

import networkx as nx
from rdkit import Chem
from rdkit.Chem import Descriptors, rdMolDescriptors

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models", "recipes"))
import structure_data  # noqa: E402

# Name, file stem, SMILES (PubChem's isomeric SMILES), molecular formula (checked below), and
# what the drug is.
DRUGS = [
    ("Aspirin", "aspirin", "CC(=O)OC1=CC=CC=C1C(=O)O", "C9H8O4",
     "pain reliever and anti-platelet drug (acetylsalicylic acid)"),
    ("Ibuprofen", "ibuprofen", "CC(C)CC1=CC=C(C=C1)C(C)C(=O)O", "C13H18O2",
     "non-steroidal anti-inflammatory pain reliever"),
    ("Paracetamol", "paracetamol", "CC(=O)NC1=CC=C(C=C1)O", "C8H9NO2",
     "pain reliever and fever reducer (acetaminophen)"),
    ("Penicillin G", "penicillin-g",
     "CC1([C@@H](N2[C@H](S1)[C@@H](C2=O)NC(=O)CC3=CC=CC=C3)C(=O)O)C", "C16H18N2O4S",
     "the first widely used antibiotic (benzylpenicillin), a beta-lactam"),
    ("Morphine", "morphine",
     "CN1CC[C@]23[C@@H]4[C@H]1CC5=C2C(=C(C=C5)O)O[C@H]3[C@H](C=C4)O", "C17H19NO3",
     "opioid analgesic from the opium poppy"),
    ("Nicotine", "nicotine", "CN1CCC[C@H]1C2=CN=CC=C2", "C10H14N2",
     "tobacco alkaloid, a nicotinic acetylcholine receptor agonist"),
    ("Dopamine", "dopamine", "C1=CC(=C(C=C1CCN)O)O", "C8H11NO2",
     "catecholamine neurotransmitter"),
    ("Serotonin", "serotonin", "C1=CC2=C(C=C1O)C(=CN2)CCN", "C10H12N2O",
     "indolamine neurotransmitter (5-hydroxytryptamine)"),
    ("Adrenaline", "adrenaline", "CNC[C@@H](C1=CC(=C(C=C1)O)O)O", "C9H13NO3",
     "hormone and emergency drug (epinephrine)"),
    ("Metformin", "metformin", "CN(C)C(=N)N=C(N)N", "C4H11N5",
     "first-line type 2 diabetes drug, a biguanide"),
    ("Theophylline", "theophylline", "CN1C2=C(C(=O)N(C1=O)C)NC=N2", "C7H8N4O2",
     "bronchodilator, a xanthine like caffeine with one methyl fewer"),
    ("Diazepam", "diazepam", "CN1C(=O)CN=C(C2=C1C=CC(=C2)Cl)C3=CC=CC=C3", "C16H13ClN2O",
     "benzodiazepine anxiolytic (Valium)"),
    ("Sildenafil", "sildenafil",
     "CCCC1=NN(C2=C1N=C(NC2=O)C3=C(C=CC(=C3)S(=O)(=O)N4CCN(CC4)C)OCC)C", "C22H30N6O4S",
     "PDE5 inhibitor (Viagra)"),
]
CAFFEINE = ("Caffeine", "caffeine", "C8H10N4O2", "stimulant, a methylxanthine found in coffee and tea")

# Human3.6M's 17 joints in the order pose models use, and the 16-bone tree of hop-wise pose GCNs
# (parent of each joint; SemGCN / VideoPose3D's h36m skeleton).
H36M_JOINTS = ["hip", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "spine",
               "thorax", "neck_nose", "head", "l_shoulder", "l_elbow", "l_wrist", "r_shoulder",
               "r_elbow", "r_wrist"]
H36M_PARENTS = [-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15]

# The Curie family and the discovery of radioactivity: (subject, relation, object).
KNOWLEDGE = [
    ("Marie Curie", "spouse", "Pierre Curie"),
    ("Marie Curie", "born_in", "Warsaw"),
    ("Warsaw", "located_in", "Poland"),
    ("Paris", "located_in", "France"),
    ("Marie Curie", "citizen_of", "Poland"),
    ("Marie Curie", "citizen_of", "France"),
    ("Pierre Curie", "born_in", "Paris"),
    ("Pierre Curie", "sibling", "Jacques Curie"),
    ("Irène Joliot-Curie", "child_of", "Marie Curie"),
    ("Irène Joliot-Curie", "child_of", "Pierre Curie"),
    ("Ève Curie", "child_of", "Marie Curie"),
    ("Ève Curie", "child_of", "Pierre Curie"),
    ("Irène Joliot-Curie", "spouse", "Frédéric Joliot-Curie"),
    ("Irène Joliot-Curie", "born_in", "Paris"),
    ("Frédéric Joliot-Curie", "born_in", "Paris"),
    ("Henri Becquerel", "born_in", "Paris"),
    ("Henri Becquerel", "discovered", "radioactivity"),
    ("Marie Curie", "discovered", "polonium"),
    ("Marie Curie", "discovered", "radium"),
    ("Pierre Curie", "discovered", "polonium"),
    ("Pierre Curie", "discovered", "radium"),
    ("Pierre Curie", "discovered", "piezoelectricity"),
    ("Jacques Curie", "discovered", "piezoelectricity"),
    ("Irène Joliot-Curie", "discovered", "artificial radioactivity"),
    ("Frédéric Joliot-Curie", "discovered", "artificial radioactivity"),
    ("polonium", "named_after", "Poland"),
    ("polonium", "instance_of", "chemical element"),
    ("radium", "instance_of", "chemical element"),
    ("Henri Becquerel", "award", "Nobel Prize in Physics 1903"),
    ("Pierre Curie", "award", "Nobel Prize in Physics 1903"),
    ("Marie Curie", "award", "Nobel Prize in Physics 1903"),
    ("Marie Curie", "award", "Nobel Prize in Chemistry 1911"),
    ("Irène Joliot-Curie", "award", "Nobel Prize in Chemistry 1935"),
    ("Frédéric Joliot-Curie", "award", "Nobel Prize in Chemistry 1935"),
    ("Marie Curie", "educated_at", "University of Paris"),
    ("Irène Joliot-Curie", "educated_at", "University of Paris"),
    ("University of Paris", "located_in", "Paris"),
    ("Radium Institute", "located_in", "Paris"),
    ("Marie Curie", "works_at", "Radium Institute"),
    ("Irène Joliot-Curie", "works_at", "Radium Institute"),
    ("Ève Curie", "author_of", "Madame Curie (1937 biography)"),
    ("Madame Curie (1937 biography)", "about", "Marie Curie"),
]

# Seeds of the example random graphs: drawn like the training data of `triangles` and
# `connectivity` but from seeds that recipe never uses (it draws from 1..3).
TRIANGLE_EXAMPLE_SEED = 9001
CONNECTIVITY_EXAMPLE_SEED = 9002


def tpsa(smiles):
    return round(rdMolDescriptors.CalcTPSA(Chem.MolFromSmiles(smiles)), 2)


def write_text(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write(text)


def write_gml(name, graph):
    nx.write_gml(graph, os.path.join(HERE, name))


def molecules():
    entries = []
    mol = Chem.MolFromSmiles(open(os.path.join(HERE, "caffeine.smi")).read().split()[0])
    name, stem, formula, what = CAFFEINE
    if rdMolDescriptors.CalcMolFormula(mol) != formula:
        raise SystemExit("caffeine.smi is not caffeine")
    entries.append({"file": stem + ".smi", "name": name, "kind": "molecule",
                    "description": f"{name}: {what}; {formula}, TPSA {tpsa(Chem.MolToSmiles(mol))} Å²",
                    "tpsa": tpsa(Chem.MolToSmiles(mol)), "formula": formula,
                    "models": ["molecule-tpsa", "molecule-pretrained", "molecule-tpsa-gt"]})
    for name, stem, smiles, formula, what in DRUGS:
        mol = Chem.MolFromSmiles(smiles)
        if mol is None or rdMolDescriptors.CalcMolFormula(mol) != formula:
            raise SystemExit(f"{name}: SMILES does not parse to {formula}")
        write_text(stem + ".smi", f"{smiles}\t{name}\n")
        t = tpsa(smiles)
        entries.append({"file": stem + ".smi", "name": name, "kind": "molecule",
                        "description": f"{name}: {what}; {formula}, TPSA {t} Å²",
                        "tpsa": t, "formula": formula, "mol_weight": round(Descriptors.MolWt(mol), 2),
                        "models": ["molecule-tpsa", "molecule-pretrained", "molecule-tpsa-gt"]})
    return entries


def networks():
    entries = []
    karate = nx.karate_club_graph()
    g = nx.Graph()
    for v, data in karate.nodes(data=True):
        g.add_node(v, club=data["club"])
    g.add_edges_from(karate.edges())
    write_gml("karate-club.gml", g)
    entries.append({"file": "karate-club.gml", "name": "Zachary's karate club", "kind": "network",
                    "description": "Zachary's karate club (1977): 34 members, 78 friendships; node "
                                   "attribute club is the side each member took in the split",
                    "nodes": 34, "edges": 78, "triangles": sum(nx.triangles(g).values()) // 3})
    flo = nx.florentine_families_graph()
    g = nx.Graph()
    g.add_nodes_from(sorted(flo.nodes()))
    g.add_edges_from(sorted(tuple(sorted(e)) for e in flo.edges()))
    write_gml("florentine-families.gml", g)
    entries.append({"file": "florentine-families.gml", "name": "Florentine families",
                    "kind": "network",
                    "description": "marriage ties between Renaissance Florentine families "
                                   "(Padgett); the Medici sit at the centre",
                    "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                    "triangles": sum(nx.triangles(g).values()) // 3})
    return entries


def skeleton():
    # Joint names are the node labels (GML keys); nodes are written in joint order, so GML ids
    # are the Human3.6M joint indices.
    g = nx.Graph()
    g.add_nodes_from(H36M_JOINTS)
    for j, p in enumerate(H36M_PARENTS):
        if p >= 0:
            g.add_edge(H36M_JOINTS[p], H36M_JOINTS[j])
    write_gml("human36m-skeleton.gml", g)
    return [{"file": "human36m-skeleton.gml", "name": "Human3.6M skeleton", "kind": "skeleton",
             "description": "17 body joints in Human3.6M order (0 hip ... 16 right wrist) and the "
                            "16 bones that hop-wise pose GCNs use as their graph",
             "nodes": 17, "edges": 16}]


def skeleton_pose():
    """skeleton-hopwise's demo pose, written by that model's recipe, when present."""
    if not os.path.exists(os.path.join(HERE, "human36m-pose.gml")):
        return []
    return [{"file": "human36m-pose.gml", "name": "Human3.6M pose (synthetic, held out)",
             "kind": "skeleton",
             "description": "a synthetic pose on the 17-joint Human3.6M skeleton, held out from "
                            "skeleton-hopwise's training: node attribute xy is each joint's 2D "
                            "position (metres, relative to the hip), z its true depth",
             "nodes": 17, "edges": 16, "models": ["skeleton-hopwise"]}]


def grid():
    side = 14
    g = nx.Graph()
    for r in range(side):
        for c in range(side):
            g.add_node(f"r{r}c{c}", row=r, col=c)
    for r in range(side):
        for c in range(side):
            for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)):
                rr, cc = r + dr, c + dc
                if 0 <= rr < side and 0 <= cc < side:
                    g.add_edge(f"r{r}c{c}", f"r{rr}c{cc}")
    write_gml("image-patch-grid-14x14.gml", g)
    return [{"file": "image-patch-grid-14x14.gml", "name": "14×14 image-patch grid",
             "kind": "grid",
             "description": "196 patches of a 224-pixel image cut into 16-pixel patches, each "
                            "joined to its 8 neighbours (king's moves), as vision GNNs build",
             "nodes": 196, "edges": g.number_of_edges()}]


def knowledge():
    g = nx.MultiDiGraph()
    for s, r, o in KNOWLEDGE:
        g.add_edge(s, o, relation=r)
    write_gml("curie-knowledge-graph.gml", g)
    return [{"file": "curie-knowledge-graph.gml", "name": "The Curies (knowledge graph)",
             "kind": "knowledge-graph",
             "description": "the Curie family, their discoveries and Nobel prizes as "
                            "subject -relation-> object triples (edge attribute relation)",
             "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
             "relations": sorted({r for _, r, _ in KNOWLEDGE})}]


def random_graphs():
    entries = []
    for i, item in enumerate(structure_data.triangle_dataset(TRIANGLE_EXAMPLE_SEED, 3)):
        name = f"random-triangles-{i + 1}.graphml"
        write_text(name, structure_data.graphml_text([{"id": name[:-8], "n": item["n"],
                                                       "edges": item["edges"]}]))
        entries.append({"file": name, "name": f"Random graph for triangles {i + 1}",
                        "kind": "random",
                        "description": f"Erdős–Rényi graph, {item['n']} nodes, "
                                       f"{len(item['edges'])} edges, {item['label']} triangles",
                        "nodes": item["n"], "edges": len(item["edges"]),
                        "triangles": item["label"], "models": ["triangles"]})
    for i, item in enumerate(structure_data.connectivity_dataset(CONNECTIVITY_EXAMPLE_SEED, 4)):
        name = f"random-connectivity-{i + 1}.graphml"
        a, b = item["marked"]
        write_text(name, structure_data.graphml_text([{"id": name[:-8], "n": item["n"],
                                                       "edges": item["edges"],
                                                       "feat": item["feat"]}]))
        answer = "connected" if item["label"] else "not connected"
        entries.append({"file": name, "name": f"Two marked nodes {i + 1}", "kind": "random",
                        "description": f"{item['n']} nodes in several components; nodes {a} and "
                                       f"{b} (feat 1) are {answer}",
                        "nodes": item["n"], "edges": len(item["edges"]),
                        "marked": [a, b], "connected": bool(item["label"]),
                        "models": ["connectivity"]})
    return entries


def heldout_molecules():
    """molecule-tpsa's held-out molecules, written by that model's recipe, when present."""
    return [{"file": name, "name": "molecule-tpsa held-out molecules", "kind": "molecule",
             "description": "molecules of NCI first_5K never used to train molecule-tpsa "
                            "(its held-out split)",
             "models": ["molecule-tpsa", "molecule-pretrained", "molecule-tpsa-gt"]}
            for name in sorted(os.listdir(HERE))
            if name.startswith("tpsa-heldout.") and name.endswith((".smi", ".sdf"))]


def community_graph():
    """community-gps's demo graph, written by resources/models/recipes/graphgps_communities.py,
    when present."""
    name = "communities-gps.graphml"
    if not os.path.exists(os.path.join(HERE, name)):
        return []
    return [{"file": name, "name": "Planted communities", "kind": "random",
             "description": "stochastic block model, 4 communities of 40 nodes (edge probability "
                            "0.2 inside, 0.02 between); node attribute hint is the community for "
                            "35% of the nodes and random otherwise, community is the answer",
             "nodes": 160, "edges": 803, "models": ["community-gps"]}]


def main():
    entries = (molecules() + networks() + skeleton() + skeleton_pose() + grid() + knowledge()
               + random_graphs() + heldout_molecules() + community_graph())
    index = {"version": 1, "graphs": entries}
    write_text("index.json", json.dumps(index, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(entries)} graphs and index.json")


if __name__ == "__main__":
    main()
