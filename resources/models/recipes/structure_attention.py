#!/usr/bin/python3
"""Where the `connectivity` model's heads look: over held-out graphs, the mean attention mass
that the <eos> position (where the answer is read) and the marked-node positions put on
  marked   positions of the two marked nodes (feat 1),
  jump     positions entered by <edge_jump> (the walk leaves one component for another),
  other    everything else,
per layer and head, next to the share those positions have of the sequence (uniform attention).
The numbers behind the teaching paragraph of resources/models/connectivity/MODEL_CARD.md.

Run: OMP_NUM_THREADS=1 /usr/bin/python3 resources/models/recipes/structure_attention.py \
         --cli build/release/app/gtscope-cli [--graphs 200]
"""
import argparse
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import structure  # noqa: E402
import structure_data  # noqa: E402
import graphgpt_ref  # noqa: E402  (structure puts tests/reference on the path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--graphs", type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(1)
    model_dir = os.path.join(structure.ROOT, "resources", "models", "connectivity")
    tok = structure.TASKS["connectivity"]["tokenization"]
    _, heldout = structure.split("connectivity")
    sample = heldout[:args.graphs]
    vocab = os.path.join(model_dir, "vocab")
    ids_of = {line.split()[0]: int(line.split()[1]) for line in open(vocab) if line.strip()}
    jump, marked_attr = ids_of["<edge_jump>"], ids_of["graph#node#0#1"]
    seqs = [s["ids"] for s in structure_data.tokenize_graphs(args.cli, sample, tok, vocab)]
    model = graphgpt_ref.load_model(model_dir, torch.float64)
    results = model.run(seqs)
    L, H = model.cfg.num_hidden_layers, model.cfg.num_attention_heads
    groups = ("marked", "jump", "other")
    mass = {q: torch.zeros(L, H, 3) for q in ("eos", "marked")}
    share = torch.zeros(3)
    for seq, r in zip(seqs, results):
        S = len(seq)
        cls = torch.full((S,), 2)
        for p, pos in enumerate(seq):
            if jump in pos:
                cls[p] = 1
            if marked_attr in pos:
                cls[p] = 0
        onehot = torch.nn.functional.one_hot(cls, 3).double()  # [S, 3]
        share += onehot.mean(0)
        marked_q = (cls == 0).nonzero().flatten()
        for l in range(L):
            a = r["attn"][l]  # [H, S, S]
            mass["eos"][l] += a[:, S - 1] @ onehot
            mass["marked"][l] += (a[:, marked_q] @ onehot).mean(1)
    n = len(seqs)
    print(f"{n} held-out graphs; uniform share: " +
          ", ".join(f"{g} {v:.3f}" for g, v in zip(groups, (share / n).tolist())))
    for q in ("eos", "marked"):
        print(f"attention from {q} positions (mass on marked / jump / other):")
        for l in range(L):
            row = "  ".join("/".join(f"{v:.2f}" for v in (mass[q][l, h] / n).tolist()) for h in range(H))
            print(f"  layer {l}: {row}")


if __name__ == "__main__":
    main()
