#!/usr/bin/python3
"""The shipped molecule models (resources/models/molecule-pretrained, molecule-tpsa) load in
GTScope, match the PyTorch reference on real molecules, and reach the metrics their cards state
on held-out molecules (resources/graphs/tpsa-heldout.{smi,csv}, never used in training).

Usage: test_molecule_models.py GTSCOPE_CLI
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "reference"))
import graphgpt_ref  # noqa: E402
import safetensors_io  # noqa: E402

MODELS = os.path.join(REPO, "resources", "models")
PRETRAINED = os.path.join(MODELS, "molecule-pretrained")
TPSA = os.path.join(MODELS, "molecule-tpsa")
HELDOUT_SMI = os.path.join(REPO, "resources", "graphs", "tpsa-heldout.smi")
HELDOUT_CSV = os.path.join(REPO, "resources", "graphs", "tpsa-heldout.csv")
ASPIRIN_SMILES = "CC(=O)OC1=CC=CC=C1C(=O)O"
ASPIRIN_TPSA = 63.6  # RDKit's Descriptors.TPSA (Ertl et al. 2000 contributions)
MASK_ID = 1  # "<mask>" in GraphGPT's pcqm4m-v2 vocab
# GTScope (float32) against the float64 reference.
PARITY_TOL = 1e-4

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def cli(*args):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"gtscope-cli {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


def card_number(folder, label):
    """The number after `label` in MODEL_CARD.md (e.g. "Held-out MAE: 9.87")."""
    with open(os.path.join(folder, "MODEL_CARD.md")) as f:
        text = f.read()
    m = re.search(re.escape(label) + r"\s*\**\s*([0-9]+(?:\.[0-9]+)?)", text)
    if not m:
        raise RuntimeError(f"{folder}/MODEL_CARD.md: no '{label}' number")
    return float(m.group(1))


def heldout_rows():
    with open(HELDOUT_CSV) as f:
        return list(csv.DictReader(f))


def test_info():
    for folder, kind in ((PRETRAINED, "pretrain"), (TPSA, "task")):
        info = json.loads(cli("info", folder, "--json"))
        check(info["kind"] == "model" and info["head"]["kind"] == kind,
              f"{os.path.basename(folder)} loads with a {kind} head")
        a = info["architecture"]
        check((a["hidden_size"], a["layers"], a["heads"], a["stacked_feat"]) == (128, 4, 4, 13)
              and a["attention"] == "bidirectional",
              f"{os.path.basename(folder)}: hidden 128, 4 layers, 4 heads, 13 stacked, bidirectional")
        t = info["tokenization"]
        check((t["node_scope"], t["scope_base"], t["add_eos"], t["layout"]) == (64, 64, True, "stacked"),
              f"{os.path.basename(folder)}: tokenization node_scope 64, <eos>, stacked")
        check(os.path.getsize(os.path.join(folder, "model.safetensors")) < 8_000_000,
              f"{os.path.basename(folder)}: weights under 8 MB")


def test_tpsa_parity_and_aspirin(tmp):
    """GTScope's prediction on held-out molecules equals the reference's on the same ids, and
    aspirin (a file written here) comes out close to RDKit's TPSA."""
    ref = graphgpt_ref.load_model(TPSA, torch.float64)
    worst = 0.0
    for n in range(4):
        out = json.loads(cli("run", TPSA, f"{HELDOUT_SMI}#{n}", "--json"))
        want = ref.run([out["ids"]])[0]["logits"].tolist()
        worst = max(worst, max(abs(a - b) for a, b in zip(out["output"], want)))
    check(worst <= PARITY_TOL, f"molecule-tpsa: GTScope vs reference on 4 held-out molecules, max |diff| {worst:.2e}")

    aspirin = os.path.join(tmp, "aspirin.smi")
    with open(aspirin, "w") as f:
        f.write(ASPIRIN_SMILES + "\taspirin\n")
    text = cli("run", TPSA, aspirin)
    m = re.search(r"^output: (\S+)", text, re.M)
    check(m is not None, "run prints an output line for aspirin")
    pred = float(m.group(1)) if m else float("nan")
    check(abs(pred - ASPIRIN_TPSA) < 8.0, f"aspirin: predicted TPSA {pred:.2f} vs RDKit {ASPIRIN_TPSA} (within 8 Å²)")
    shipped = os.path.join(REPO, "resources", "graphs", "aspirin.smi")
    if os.path.exists(shipped):
        out = json.loads(cli("run", TPSA, shipped, "--json"))
        check(abs(out["output"][0] - pred) < 1e-4, "resources/graphs/aspirin.smi gives the same prediction")


def test_tpsa_heldout_mae():
    """The card's sample of held-out molecules through GTScope (`run MODEL FILE#N`: GTScope
    tokenizes with the model's tokenization.json and walk seed 0, as the recipe measured): the
    MAE is the card's, and well below the mean predictor's on the same molecules."""
    rows = heldout_rows()
    n = int(card_number(TPSA, "On the first"))
    card_mae = card_number(TPSA, "Sample MAE:")
    card_base = card_number(TPSA, "Sample mean-predictor MAE:")
    train_mean = card_number(TPSA, "Training-set mean TPSA:")
    check(card_number(TPSA, "Held-out MAE:") < 0.5 * card_number(TPSA, "Mean-predictor MAE:"),
          "molecule-tpsa card: held-out MAE under half the mean predictor's")
    errors, base = [], []
    for i in range(n):
        out = json.loads(cli("run", TPSA, f"{HELDOUT_SMI}#{i}", "--json"))
        y = float(rows[i]["tpsa"])
        errors.append(abs(out["output"][0] - y))
        base.append(abs(train_mean - y))
    mae, base_mae = sum(errors) / n, sum(base) / n
    print(f"     sample of {n}: MAE {mae:.3f} (card {card_mae}), mean predictor {base_mae:.3f} (card {card_base})")
    check(abs(mae - card_mae) < 0.01, "molecule-tpsa: the card's sample MAE is reproduced by GTScope")
    check(abs(base_mae - card_base) < 0.01, "the card's sample mean-predictor MAE is reproduced")
    check(mae < 0.5 * base_mae, "molecule-tpsa: sample MAE under half the mean predictor's")


def masked_ids(ids, gen):
    """Masks 30% of the (node, slot) tokens of a sequence, every occurrence of a node alike, as
    the recipe's evaluation does; never the <eos> position. Returns (inputs, labels)."""
    t = torch.tensor(ids)
    per_node = torch.rand(64, t.shape[1], generator=gen) > 0.7
    node = (t[:, 0] - 22).clamp(0, 63)
    m = per_node[node]
    m[-1] = False
    return t.masked_fill(m, MASK_ID), t.masked_fill(~m, -100)


def test_pretrained(tmp):
    """Masked-token prediction on held-out molecules: GTScope's logits equal the reference's,
    and its top-1 accuracy on masked tokens is about the card's and far above the majority
    baseline."""
    ref = graphgpt_ref.load_model(PRETRAINED, torch.float64)
    ids_file = os.path.join(tmp, "pre-ids.json")
    cli("tokenize", HELDOUT_SMI, "--all", "--vocab", os.path.join(PRETRAINED, "vocab"), "--seed", "0",
        "--node-scope", "64", "--scope-base", "64", "--layout", "stacked", "--add-eos", "-o", ids_file)
    with open(ids_file) as f:
        seqs = json.load(f)["sequences"][:30]
    gen = torch.Generator().manual_seed(7)
    correct = total = 0
    worst = 0.0
    for k, s in enumerate(seqs):
        inp, labels = masked_ids(s["ids"], gen)
        path = os.path.join(tmp, "in.json")
        with open(path, "w") as f:
            json.dump({"ids": inp.tolist()}, f)
        out = os.path.join(tmp, "r.safetensors")
        cli("run", PRETRAINED, "--ids", path, "--out", out)
        logits = safetensors_io.load(out)[0]["logits"].to(torch.float64)  # [S, 13, V]
        if k < 4:
            want = ref.run([inp.tolist()])[0]["logits"]
            worst = max(worst, float((logits - want).abs().max()))
        m = labels >= 0
        correct += int((logits.argmax(-1)[m] == labels[m]).sum())
        total += int(m.sum())
    check(worst <= PARITY_TOL, f"molecule-pretrained: GTScope vs reference logits, max |diff| {worst:.2e}")
    acc = correct / total
    card_acc = card_number(PRETRAINED, "Held-out masked-token accuracy:")
    card_majority = card_number(PRETRAINED, "Majority-token baseline:")
    print(f"     masked-token accuracy {acc:.3f} on {total} tokens (card {card_acc}, majority {card_majority})")
    check(abs(acc - card_acc) < 0.05, "molecule-pretrained: masked-token accuracy about the card's")
    check(acc > card_majority + 0.1, "molecule-pretrained: clearly above the majority-token baseline")

    # What the app shows: run on a graph prints the most likely token of every slot.
    text = cli("run", PRETRAINED, os.path.join(tmp, "aspirin.smi"))
    check("->" in text and "molecule#node#0#" in text, "run prints masked-token predictions for aspirin")


def main():
    global CLI
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    CLI = os.path.abspath(sys.argv[1])
    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    with tempfile.TemporaryDirectory() as tmp:
        test_info()
        test_tpsa_parity_and_aspirin(tmp)
        test_tpsa_heldout_mae()
        test_pretrained(tmp)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all molecule model checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
