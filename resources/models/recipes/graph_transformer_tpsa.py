#!/usr/bin/python3
"""Trains resources/models/molecule-tpsa-gt: a Dwivedi–Bresson Graph Transformer
(tests/reference/graph_transformer_ref.py) regressing topological polar surface area (Å²).

Data: /usr/share/RDKit/Data/NCI/first_5K.smi joined on the SMILES text with first_5k.tpsa.csv
(Ertl's TPSA from Daylight tools), as resources/models/recipes/molecules.py does. The molecules
of resources/graphs/tpsa-heldout.smi (the GraphGPT TPSA model's held-out set) are held out here
too; everything else that RDKit parses trains.

Features as GTScope's SMILES reader gives them (OGB's smiles2graph, core/io/OgbFeatures.h): node
input = OGB atom feature 0 (atomic number − 1, 0..118), edge input = OGB bond feature 0 (SINGLE,
DOUBLE, TRIPLE, AROMATIC, misc = 0..4) + 1, so that category 0 stays ZINC's "no bond".
Model: the repo's ZINC setting in small — sparse graph, edge features, BatchNorm, residual,
LapPE (k = 8; the sign of each eigenvector flipped at random per batch while training, as the
repo's train loop does), mean readout, MLPReadout with L = 2. Loss L1 (the repo's ZINC MAE) on
the target normalized by the training mean and std, folded into the last Linear at the end so
the model outputs Å². Adam with cosine decay, seeded, single-threaded torch.

Usage (repository root, CLI built): OMP_NUM_THREADS=1 /usr/bin/python3
  resources/models/recipes/graph_transformer_tpsa.py [--cli build/release/app/gtscope-cli]
  [--epochs 30] [--seed 0]
Writes the model folder (config.json, model.safetensors, MODEL_CARD.md) and
resources/models/recipes/graph_transformer_tpsa-summary.json. The held-out metric in the card is
measured with gtscope-cli (C++ engine, its own LapPE sign convention), and
tests/unit/model/test_graph_transformer.cpp reproduces it.
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
from rdkit import Chem, RDLogger

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "reference"))
import graph_transformer_ref as ref  # noqa: E402
import safetensors_io  # noqa: E402

NCI_SMI = "/usr/share/RDKit/Data/NCI/first_5K.smi"
NCI_TPSA = "/usr/share/RDKit/Data/NCI/first_5k.tpsa.csv"
HELDOUT_SMI = os.path.join(REPO, "resources", "graphs", "tpsa-heldout.smi")
HELDOUT_CSV = os.path.join(REPO, "resources", "graphs", "tpsa-heldout.csv")
MODEL_DIR = os.path.join(REPO, "resources", "models", "molecule-tpsa-gt")
SUMMARY = os.path.join(REPO, "resources", "models", "recipes", "graph_transformer_tpsa-summary.json")

CONFIG = {
    "model_type": "graph_transformer", "hidden_dim": 64, "num_heads": 4, "num_layers": 4,
    "norm": "batch", "residual": True, "full_graph": False, "edge_features": True,
    "attention_bias": False, "lap_pe_dim": 8, "readout": "mean", "task": "graph",
    "num_outputs": 1, "readout_mlp_layers": 2,
    "node_input": {"kind": "embedding", "attribute": "feat", "column": 0, "num_embeddings": 119,
                   "offset": 0},
    "edge_input": {"kind": "embedding", "attribute": "feat", "column": 0, "num_embeddings": 6,
                   "offset": 1, "non_edge_index": 0},
}
BOND_TYPES = {Chem.BondType.SINGLE: 0, Chem.BondType.DOUBLE: 1, Chem.BondType.TRIPLE: 2,
              Chem.BondType.AROMATIC: 3}
BATCH = 64
LR = 1e-3


def featurize(smiles):
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    atoms = [min(a.GetAtomicNum() - 1, 118) if 1 <= a.GetAtomicNum() <= 118 else 118 for a in mol.GetAtoms()]
    edges, bonds = [], []
    for b in mol.GetBonds():
        edges.append((b.GetBeginAtomIdx(), b.GetEndAtomIdx()))
        bonds.append(BOND_TYPES.get(b.GetBondType(), 4) + CONFIG["edge_input"]["offset"])
    lap, _ = ref.laplacian_eigenvectors(len(atoms), edges, CONFIG["lap_pe_dim"])
    return {"atoms": atoms, "edges": edges, "bonds": bonds, "lap": lap}


def read_data():
    tpsa = {}
    with open(NCI_TPSA) as f:
        for line in f:
            if line.startswith("#") or "," not in line:
                continue
            smi, value = line.rstrip("\n").rsplit(",", 1)
            tpsa[smi] = float(value)
    held = set()
    with open(HELDOUT_SMI) as f:
        for line in f:
            if line.strip():
                held.add(line.split()[0])
    train, seen = [], set()
    with open(NCI_SMI) as f:
        for line in f:
            smi = line.split()[0] if line.strip() else ""
            if not smi or smi in held or smi in seen or smi not in tpsa:
                continue
            seen.add(smi)
            g = featurize(smi)
            if g is None or len(g["atoms"]) == 0:
                continue
            g["y"] = tpsa[smi]
            train.append(g)
    return train


def collate(graphs):
    atoms, src, dst, bonds, lap, graph_of = [], [], [], [], [], []
    base = 0
    for gi, g in enumerate(graphs):
        n = len(g["atoms"])
        atoms += g["atoms"]
        for (u, v), b in zip(g["edges"], g["bonds"]):
            src += [base + u, base + v]
            dst += [base + v, base + u]
            bonds += [b, b]
        lap.append(torch.tensor(g["lap"]))
        graph_of += [gi] * n
        base += n
    return (torch.tensor(atoms), torch.tensor(src, dtype=torch.long), torch.tensor(dst, dtype=torch.long),
            torch.tensor(bonds, dtype=torch.long), torch.cat(lap).float(), torch.tensor(graph_of),
            torch.tensor([g["y"] for g in graphs], dtype=torch.float32))


def batched_forward(model, atoms, src, dst, bonds, lap, graph_of, count):
    """The reference model's forward over a disjoint union of graphs, with a per-graph mean."""
    h = model.embedding_h(atoms) + model.embedding_lap_pos_enc(lap)
    e = model.embedding_e(bonds)
    for layer in model.layers:
        h, e, _ = layer(h, e, src, dst)
    sums = torch.zeros(count, h.shape[1]).index_add_(0, graph_of, h)
    sizes = torch.zeros(count).index_add_(0, graph_of, torch.ones(h.shape[0]))
    return model.MLP_layer(sums / sizes[:, None]).squeeze(-1)


def train(data, epochs, seed):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = ref.GraphTransformer(CONFIG)
    ys = torch.tensor([g["y"] for g in data])
    mean, std = float(ys.mean()), float(ys.std())
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps_per_epoch = math.ceil(len(data) / BATCH)
    total = epochs * steps_per_epoch
    step = 0
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        order = list(range(len(data)))
        rng.shuffle(order)
        losses = []
        for b in range(0, len(order), BATCH):
            batch = [data[i] for i in order[b:b + BATCH]]
            atoms, src, dst, bonds, lap, graph_of, y = collate(batch)
            # The repo's training-time sign flip: one random sign per eigenvector per batch.
            flip = torch.where(torch.rand(lap.shape[1]) < 0.5, -1.0, 1.0)
            pred = batched_forward(model, atoms, src, dst, bonds, lap * flip, graph_of, len(batch))
            loss = F.l1_loss(pred, (y - mean) / std)
            for group in opt.param_groups:
                group["lr"] = LR * 0.5 * (1 + math.cos(math.pi * step / total))
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            losses.append(float(loss))
        print(f"epoch {epoch}: train L1 (normalized) {sum(losses) / len(losses):.4f}  "
              f"{time.time() - t0:.0f} s", flush=True)
    # Fold the normalization into the last Linear: y = std · (W x + b) + mean.
    with torch.no_grad():
        last = model.MLP_layer.FC_layers[-1]
        last.weight.mul_(std)
        last.bias.mul_(std).add_(mean)
    return model.eval(), mean, time.time() - t0


def cli_predictions(cli, folder, count):
    out = []
    for i in range(count):
        r = subprocess.run([cli, "run", folder, f"{HELDOUT_SMI}#{i}", "--json"], capture_output=True,
                           text=True, check=True)
        out.append(json.loads(r.stdout)["output"][0])
    return out


def load_model():
    model = ref.GraphTransformer(CONFIG)
    tensors, _ = safetensors_io.load(os.path.join(MODEL_DIR, "model.safetensors"))
    model.load_state_dict({k: v for k, v in tensors.items()}, strict=False)
    return model.double().eval()


def reference_parity(model, count):
    """The reference's predictions (float64) on the first `count` held-out molecules of at least
    lap_pe_dim + 1 atoms (LapPE from the reference's canonical eigenspace basis and sign
    convention), for the C++ test to reproduce."""
    out = []
    with open(HELDOUT_SMI) as f:
        smiles = [line.split()[0] for line in f if line.strip()]
    for i, smi in enumerate(smiles):
        g = featurize(smi)
        n = len(g["atoms"])
        raw, values = ref.laplacian_eigenvectors(n, g["edges"], CONFIG["lap_pe_dim"])
        if n < CONFIG["lap_pe_dim"] + 1:
            continue
        lap = torch.tensor(ref.lap_pe_sign_convention(raw))
        src, dst, vals = ref.messages(n, g["edges"], False, False, g["bonds"], 0)
        with torch.no_grad():
            y, _, _ = model(torch.tensor(g["atoms"]), torch.tensor(vals), torch.tensor(src),
                            torch.tensor(dst), lap.double())
        out.append({"index": i, "reference": round(float(y[0]), 6)})
        if len(out) == count:
            break
    return out


def write_card(summary):
    s = summary
    text = f"""# molecule-tpsa-gt

Graph regression of **topological polar surface area** (TPSA, Å²) by a Dwivedi–Bresson Graph
Transformer ("A Generalization of Transformer Networks to Graphs", 2021): its tokens are the
atoms, and each atom attends over its bonded neighbours, so its attention lives on the bonds.
Output in Å² directly (the training normalization is folded into the last Linear). Example:
`gtscope-cli run resources/models/molecule-tpsa-gt resources/graphs/aspirin.smi` gives
{s["aspirin_prediction"]:.1f} Å² (RDKit: 63.6 Å²).

## Metric (held-out molecules, as `gtscope-cli run` computes them)
- Held-out MAE: {s["heldout_mae"]:.3f} Å² ({s["heldout_molecules"]} molecules)
- Mean-predictor MAE: {s["mean_predictor_mae"]:.3f} Å² (always predicting the training-set mean)
- Training-set mean TPSA: {s["train_mean"]:.3f} Å²

`tests/unit/model/test_graph_transformer.cpp` recomputes the held-out MAE with the C++ engine and
checks it against this card, and checks the engine against the PyTorch reference's predictions
on the first {len(s["parity"])} held-out molecules of at least 9 atoms (recorded in
`resources/models/recipes/graph_transformer_tpsa-summary.json`).

## Data
rdkit-data's NCI set (`{NCI_SMI}`) joined on the SMILES text with `{NCI_TPSA}` (TPSA from Ertl's
method, Daylight tools). Held out: the {s["heldout_molecules"]} molecules of
`resources/graphs/tpsa-heldout.smi` / `.csv` (the same held-out set as `molecule-tpsa`); the
other {s["training_molecules"]} unique molecules that RDKit parses train.
Node input: OGB atom feature 0 (atomic number − 1) through an embedding of 119; edge input: OGB
bond type (single, double, triple, aromatic, misc) + 1 through an embedding of 6 (0 = no bond,
unused by the sparse model). These are the `feat` columns GTScope's SMILES reader writes.

## Architecture
Graph Transformer (graphdeeplearning/graphtransformer's ZINC setting, smaller): sparse graph
(neighbour attention), edge features with an edge stream, 4 layers, 4 heads, hidden 64, FFN
64→128→64, BatchNorm, residual, no Q/K/V bias; Laplacian eigenvector positional encodings
(k = 8) through a Linear; mean readout; MLPReadout 64→32→16→1. {s["parameters"]} parameters,
F32 in `model.safetensors` with the repo's state-dict names; our `config.json`.

## Training recipe
`resources/models/recipes/graph_transformer_tpsa.py`: {s["epochs"]} epochs of batch {BATCH}, Adam,
lr {LR} with cosine decay, L1 loss on the target normalized by the training mean and std, LapPE
signs flipped at random per batch (as the repo trains), dropout 0, seed {s["seed"]},
single-threaded torch. Time: {s["train_seconds"]} s on one shared CPU core.

## Limits
LapPE: at inference GTScope fixes each eigenvector's sign (largest-magnitude entry positive)
and, for repeated Laplacian eigenvalues (symmetric molecules), takes a canonical basis of the
eigenspace; training saw numpy's arbitrary basis and random signs, so predictions on symmetric
molecules rest on one of many equally valid encodings. Molecules are featurized by atom type and bond type only. Targets are Daylight-tools
TPSA, which can differ a little from RDKit's.

## Retraining
From the repository root, with the CLI built:

    OMP_NUM_THREADS=1 /usr/bin/python3 resources/models/recipes/graph_transformer_tpsa.py --cli build/release/app/gtscope-cli

rewrites this folder and the summary (two runs on the build machine gave bit-identical
`model.safetensors`). `--stage eval` re-measures a trained model.
"""
    with open(os.path.join(MODEL_DIR, "MODEL_CARD.md"), "w") as f:
        f.write(text)


def main():
    RDLogger.DisableLog("rdApp.*")
    p = argparse.ArgumentParser()
    p.add_argument("--cli", default=os.path.join(REPO, "build", "release", "app", "gtscope-cli"))
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stage", choices=["all", "eval"], default="all")
    args = p.parse_args()
    torch.set_num_threads(1)

    data = read_data()
    print(f"{len(data)} training molecules", flush=True)
    train_mean = float(torch.tensor([g["y"] for g in data]).mean())
    seconds = None
    if args.stage == "all":
        model, train_mean, seconds = train(data, args.epochs, args.seed)
        os.makedirs(MODEL_DIR, exist_ok=True)
        with open(os.path.join(MODEL_DIR, "config.json"), "w") as f:
            json.dump(CONFIG, f, indent=2)
            f.write("\n")
        state = {k: v.float() for k, v in model.state_dict().items() if v.is_floating_point()}
        safetensors_io.save(os.path.join(MODEL_DIR, "model.safetensors"), state)
    elif os.path.exists(SUMMARY):
        with open(SUMMARY) as f:
            seconds = json.load(f).get("train_seconds")
    model = load_model()

    truth = []
    with open(HELDOUT_CSV) as f:
        next(f)
        for line in f:
            truth.append(float(line.rstrip("\n").rsplit(",", 1)[1]))
    preds = cli_predictions(args.cli, MODEL_DIR, len(truth))
    mae = sum(abs(p_ - t) for p_, t in zip(preds, truth)) / len(truth)
    mean_mae = sum(abs(train_mean - t) for t in truth) / len(truth)
    aspirin = subprocess.run([args.cli, "run", MODEL_DIR, os.path.join(REPO, "resources", "graphs", "aspirin.smi"),
                              "--json"], capture_output=True, text=True, check=True)
    parity = reference_parity(model, 20)
    worst = max(abs(preds[x["index"]] - x["reference"]) for x in parity)
    summary = {"training_molecules": len(data), "heldout_molecules": len(truth),
               "heldout_mae": round(mae, 3), "mean_predictor_mae": round(mean_mae, 3),
               "train_mean": round(train_mean, 3), "epochs": args.epochs, "seed": args.seed,
               "train_seconds": round(seconds) if seconds is not None else None,
               "parameters": sum(int(v.numel()) for k, v in model.state_dict().items()
                                 if k.endswith(("weight", "bias"))),
               "aspirin_prediction": round(json.loads(aspirin.stdout)["output"][0], 3),
               "parity_max_abs_diff_cli": worst, "parity": parity}
    with open(SUMMARY, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    write_card(summary)
    print(json.dumps({k: v for k, v in summary.items() if k != "parity"}), flush=True)


if __name__ == "__main__":
    main()
