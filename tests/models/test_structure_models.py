#!/usr/bin/python3
"""The shipped structure models (`triangles`, `connectivity`): the folder loads in GTScope
(`gtscope-cli info --json`), GTScope's tokenization of held-out graphs is the one the recipe
trained on, GTScope's outputs match the PyTorch reference (max |diff| <= 1e-4), and the held-out
metric the model card records is reproduced on the held-out sample from GTScope's outputs and
beats the trivial baseline.

Usage: test_structure_models.py GTSCOPE_CLI MODEL_NAME [--sample N]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "resources", "models", "recipes"))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import graphgpt_ref  # noqa: E402
import structure  # noqa: E402
import structure_data  # noqa: E402

TOLERANCE = 1e-4
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def card_metric(model_dir):
    """The held-out sample metric the card states: 'Held-out sample (...): MAE 1.23'."""
    text = open(os.path.join(model_dir, "MODEL_CARD.md"), encoding="utf-8").read()
    m = re.search(r"Held-out sample[^:\n]*: (MAE|accuracy) ([0-9]+(?:\.[0-9]+)?)", text)
    if not m:
        raise SystemExit(f"{model_dir}/MODEL_CARD.md states no 'Held-out sample ...: MAE|accuracy X'")
    return m.group(1), float(m.group(2))


def gtscope_run(cli, model_dir, graph):
    r = subprocess.run([cli, "run", model_dir, graph, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"gtscope-cli run {graph}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("model", choices=sorted(structure.TASKS))
    ap.add_argument("--sample", type=int, default=structure.HELDOUT_SAMPLE)
    args = ap.parse_args()
    torch.set_num_threads(1)
    task = args.model
    model_dir = os.path.join(ROOT, "resources", "models", task)

    info = subprocess.run([args.cli, "info", model_dir, "--json"], capture_output=True, text=True)
    check(info.returncode == 0, f"gtscope-cli info {model_dir}: {info.stderr.strip()}")
    with open(os.path.join(model_dir, "tokenization.json")) as f:
        tokenization = json.load(f)
    check(tokenization == structure.TASKS[task]["tokenization"],
          "tokenization.json differs from the recipe's settings")

    _, heldout = structure.split(task)
    sample = heldout[:args.sample]
    reference = graphgpt_ref.load_model(model_dir, torch.float64)
    vocab = os.path.join(model_dir, "vocab")
    recipe_ids = [s["ids"] for s in
                  structure_data.tokenize_graphs(args.cli, sample, tokenization, vocab, seed=0)]

    outputs, worst = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "heldout.graphml")
        with open(path, "w") as f:
            f.write(structure_data.graphml_text(sample))
        for i in range(len(sample)):
            run = gtscope_run(args.cli, model_dir, f"{path}#{i}")
            check(run["ids"] == recipe_ids[i], f"held-out graph {i}: GTScope's tokens differ from the recipe's")
            outputs.append(run["output"])
    expected = torch.stack([r["logits"] for r in reference.run(recipe_ids)])
    got = torch.tensor(outputs, dtype=torch.float64)
    worst = float((got - expected).abs().max())
    check(worst <= TOLERANCE, f"GTScope vs reference: max |diff| {worst:.2e} > {TOLERANCE}")

    # The example graphs shipped for this model run too, and match the reference.
    with open(os.path.join(ROOT, "resources", "graphs", "index.json")) as f:
        examples = [e for e in json.load(f)["graphs"] if task in e.get("models", [])]
    check(len(examples) >= 2, f"index.json lists no example graphs for {task}")
    for e in examples:
        run = gtscope_run(args.cli, model_dir, os.path.join(ROOT, "resources", "graphs", e["file"]))
        ref = reference.run([run["ids"]])[0]["logits"]
        diff = float((torch.tensor(run["output"], dtype=torch.float64) - ref).abs().max())
        check(diff <= TOLERANCE, f"{e['file']}: GTScope vs reference max |diff| {diff:.2e}")

    kind, stated = card_metric(model_dir)
    labels = [x["label"] for x in sample]
    measured = structure.metric(task, got, labels)
    base = structure.baselines(task, structure.split(task)[0], sample)
    if kind == "MAE":
        check(abs(measured - stated) <= 1e-3, f"held-out sample MAE {measured:.4f}, card says {stated}")
        check(measured < 0.5 * base["train_mean_mae"],
              f"MAE {measured:.3f} does not clearly beat the mean predictor's {base['train_mean_mae']:.3f}")
    else:
        # One borderline graph may flip between float32 and the card's run: 1/len(sample).
        check(abs(measured - stated) <= 1.0 / len(sample) + 1e-9,
              f"held-out sample accuracy {measured:.4f}, card says {stated}")
        check(measured >= base["majority_accuracy"] + 0.2,
              f"accuracy {measured:.3f} does not clearly beat the majority's {base['majority_accuracy']:.3f}")

    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{task}: {len(sample)} held-out graphs, {kind} {measured:.4f} (card {stated}), "
          f"GTScope vs reference max |diff| {worst:.2e}, {len(examples)} example graphs")


if __name__ == "__main__":
    main()
