#!/usr/bin/python3
"""Trains the two molecule demo models of GTScope from a seed (issue 5):

  molecule-pretrained  GraphGPT pre-training by scheduled masked-token prediction (SMTP) on the
                       training molecules of rdkit-data's NCI first_5K set;
  molecule-tpsa        fine-tuned from it: regression of topological polar surface area (Å²).

Data: /usr/share/RDKit/Data/NCI/first_5K.smi joined on the SMILES text with first_5k.tpsa.csv
(Ertl's TPSA from Daylight tools). Molecules are tokenized by gtscope-cli itself with the
settings written to the models' tokenization.json (stacked layout, OGB atom/bond features,
node_scope 64 for GraphGPT's published pcqm4m-v2 vocab, <eos> appended), so what is trained is
exactly what GTScope feeds the model. The split is by unique SMILES: a seeded 10% (capped at
500) is held out from both pre-training and fine-tuning and written to
resources/graphs/tpsa-heldout.{smi,csv}.

GraphGPT facts used (alibaba/graph-gpt): SMTP masks each (node, stacked slot) with probability
1 - t, t ~ U(0, 1) per graph with power 1 (modeling_helpers.prepare_for_2d_smtp_inputs_labels),
the same mask for every occurrence of a node, pad tokens never masked; masked ids become
"<mask>" and the loss is the cross entropy of the original ids at masked tokens, predicted by
next_n_token = stacked_feat heads through n_token_proj. Fine-tuning: Linear score head on the
last (<eos>) position, L1 loss for regression (GraphGPT's pcqm4m-v2 objective).

Usage: /usr/bin/python3 resources/models/recipes/molecules.py [--cli build/release/app/gtscope-cli]
       [--seed 0] [--stage all|pretrain|finetune|eval]
Run from the repository root with OMP_NUM_THREADS=1 (the recipe also sets torch to one thread,
which, with the seed, makes the weights reproducible on a given machine).
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "reference"))
import graphgpt_ref  # noqa: E402
import safetensors_io  # noqa: E402

NCI_SMI = "/usr/share/RDKit/Data/NCI/first_5K.smi"
NCI_TPSA = "/usr/share/RDKit/Data/NCI/first_5k.tpsa.csv"
GRAPHGPT_VOCAB = "/work/shared/graphgpt/pcqm4m-v2.vocab"
MODELS = os.path.join(REPO, "resources", "models")
PRETRAINED_DIR = os.path.join(MODELS, "molecule-pretrained")
TPSA_DIR = os.path.join(MODELS, "molecule-tpsa")
HELDOUT_SMI = os.path.join(REPO, "resources", "graphs", "tpsa-heldout.smi")
HELDOUT_CSV = os.path.join(REPO, "resources", "graphs", "tpsa-heldout.csv")

# The pcqm4m-v2 vocab has node-index tokens "0".."63" only, so node_scope = scope_base = 64
# (molecules with more atoms are skipped by the tokenizer).
TOKENIZATION = {
    "layout": "stacked",
    "world": "molecule",
    "node_scope": 64,
    "scope_base": 64,
    "cyclic": True,
    "remove_edge_type_token": True,
    "add_eos": True,
    "attr_assignment": "first",
    "node_columns": ["feat"],
    "edge_columns": ["feat"],
    "permute_nodes": False,
}
TOKENIZE_ARGS = ["--node-scope", "64", "--scope-base", "64", "--layout", "stacked", "--add-eos"]
STACKED = 13  # node index + 9 OGB atom features + 3 OGB bond features
MASK_TOKEN = "<mask>"
HELDOUT_FRACTION = 0.10
HELDOUT_MAX = 500
HELDOUT_SAMPLE = 100

ARCH = {
    "hidden_size": 128,
    "intermediate_size": 512,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "max_position_embeddings": 256,
}

# Steps over batches drawn from all walks of the training molecules (8 walks each, seeds 0..7:
# walks act as augmentation); a few CPU minutes each.
PRETRAIN = {"walks": 8, "steps": 400, "batch": 32, "lr": 1e-3, "warmup": 40, "wd": 0.01}
FINETUNE = {"walks": 8, "steps": 800, "batch": 32, "lr": 5e-4, "warmup": 40, "wd": 0.01}


def log(*a):
    print(*a, flush=True)


# -- data ---------------------------------------------------------------------------------
def read_vocab(path):
    vocab = {}
    with open(path) as f:
        for line in f:
            tok, i = line.rstrip("\n").rsplit(" ", 1)
            vocab[tok] = int(i)
    return vocab


def read_tpsa():
    """{SMILES text: TPSA}; the CSV's first line is a comment."""
    out = {}
    with open(NCI_TPSA) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            smiles, value = line.rstrip("\n").rsplit(",", 1)
            out.setdefault(smiles, float(value))
    return out


def tokenize_all(cli, path, seed, walks, workdir):
    """gtscope-cli tokenize --all: {"sequences": [...], "skipped": [...]} with ids."""
    out = os.path.join(workdir, f"tok-{os.path.basename(path)}-{seed}-{walks}.json")
    subprocess.run([cli, "tokenize", path, "--all", "--vocab", GRAPHGPT_VOCAB, "--seed", str(seed),
                    "--seeds", str(walks), "-o", out] + TOKENIZE_ARGS,
                   check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def split_molecules(sequences, tpsa, seed):
    """Unique SMILES of the tokenized molecules -> (train set, held-out list) by a seeded
    shuffle; duplicates of a SMILES fall on the same side."""
    smiles = sorted({s["smiles"] for s in sequences if s["smiles"] in tpsa})
    rng = random.Random(seed)
    rng.shuffle(smiles)
    n_test = min(HELDOUT_MAX, round(HELDOUT_FRACTION * len(smiles)))
    return set(smiles[n_test:]), smiles[:n_test]


def write_heldout(sequences, heldout, tpsa):
    """resources/graphs/tpsa-heldout.smi (SMILES<TAB>NCI id) and .csv (index,name,smiles,tpsa),
    one row per held-out SMILES, in the order of the NCI file."""
    keep = set(heldout)
    rows, seen = [], set()
    for s in sequences:
        if s["smiles"] in keep and s["smiles"] not in seen:
            seen.add(s["smiles"])
            rows.append((s["graph"], s["smiles"], tpsa[s["smiles"]]))
    with open(HELDOUT_SMI, "w") as f:
        for name, smiles, _ in rows:
            f.write(f"{smiles}\t{name}\n")
    with open(HELDOUT_CSV, "w") as f:
        f.write("index,name,smiles,tpsa\n")
        for i, (name, smiles, value) in enumerate(rows):
            f.write(f"{i},{name},{smiles},{value:g}\n")
    return rows


# -- model --------------------------------------------------------------------------------
def make_config(vocab_size, head):
    c = {
        "model_type": "graphgpt",
        "vocab_size": vocab_size,
        **ARCH,
        "num_key_value_heads": ARCH["num_attention_heads"],
        "hidden_act": "gelu",
        "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0,
        "causal_attention": False,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "stacked_feat": STACKED,
        "stack_method": "short",
        "stacked_feat_agg_method": "sum",
        "pad_token_id": 0,
        "bos_token_id": None,
        "eos_token_id": None,
    }
    if head == "pretrain":
        c["next_n_token"] = STACKED
    else:
        c["next_n_token"] = 1
        c["num_labels"] = 1
        c["problem_type"] = "regression"
        c["pooling_method"] = "last"
    return c


def init_params(cfg, head, gen):
    """Trainable tensors under the checkpoint names of GraphGPT/HF Llama; N(0, 0.02) as HF's
    initializer_range, norms at 1, biases at 0."""
    D, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]

    def normal(*shape):
        return torch.nn.Parameter(torch.randn(*shape, generator=gen) * 0.02)

    p = {"model.embed_tokens.weight": normal(V, D)}
    with torch.no_grad():
        p["model.embed_tokens.weight"][0].zero_()  # padding_idx
    for i in range(cfg["num_hidden_layers"]):
        pre = f"model.layers.{i}."
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            p[pre + f"self_attn.{name}.weight"] = normal(D, D)
        p[pre + "mlp.gate_proj.weight"] = normal(I, D)
        p[pre + "mlp.up_proj.weight"] = normal(I, D)
        p[pre + "mlp.down_proj.weight"] = normal(D, I)
        p[pre + "input_layernorm.weight"] = torch.nn.Parameter(torch.ones(D))
        p[pre + "post_attention_layernorm.weight"] = torch.nn.Parameter(torch.ones(D))
    p["model.norm.weight"] = torch.nn.Parameter(torch.ones(D))
    if head == "pretrain":
        p["n_token_proj.weight"] = normal(STACKED * D, D)
        p["n_token_proj.bias"] = torch.nn.Parameter(torch.zeros(STACKED * D))
        p["lm_head.weight"] = normal(V, D)
    else:
        p["score.weight"] = normal(1, D)
        p["score.bias"] = torch.nn.Parameter(torch.zeros(1))
    return p


def reference_model(cfg, params):
    """The reference forward over the trainable tensors (float32: .to() keeps the Parameters,
    so gradients flow into them)."""
    return graphgpt_ref.GraphGptReference(graphgpt_ref.GraphGptConfig(cfg), params, torch.float32)


def save_folder(folder, cfg, params, card_fields=None):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(folder, "tokenization.json"), "w") as f:
        json.dump(TOKENIZATION, f, indent=2)
        f.write("\n")
    tensors = {k: v.detach().to(torch.float32).contiguous() for k, v in sorted(params.items())}
    safetensors_io.save(os.path.join(folder, "model.safetensors"), tensors,
                        {"format": "pt", **(card_fields or {})})
    with open(GRAPHGPT_VOCAB) as src, open(os.path.join(folder, "vocab"), "w") as dst:
        dst.write(src.read())


def batches(items, batch, rng):
    """Length-bucketed batches: shuffle, sort chunks of 50 batches by length, shuffle batches."""
    order = list(range(len(items)))
    rng.shuffle(order)
    chunk = batch * 50
    out = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c:c + chunk], key=lambda i: len(items[i]["ids"]))
        out += [part[k:k + batch] for k in range(0, len(part), batch)]
    rng.shuffle(out)
    return out


def pad(seqs):
    lengths = torch.tensor([len(s) for s in seqs])
    ids = torch.zeros(len(seqs), int(lengths.max()), STACKED, dtype=torch.long)
    for b, s in enumerate(seqs):
        ids[b, :len(s)] = torch.tensor(s, dtype=torch.long)
    return ids, lengths


def lr_at(step, total, base, warmup):
    if step < warmup:
        return base * (step + 1) / warmup
    return base * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def smtp_mask(ids, lengths, mask_id, gen, t=None):
    """GraphGPT's scheduled masking: per graph t ~ U(0.01, 0.99) (or the given t), each
    (node, slot) masked with probability 1 - t, the same for every occurrence of the node (the
    node is its index token, slot 0); the <eos> position and pads are never masked.
    Returns (masked ids, labels with -100 where not masked)."""
    B, S, Fs = ids.shape
    if t is None:
        t = torch.rand(B, 1, 1, generator=gen) * 0.98 + 0.01
    else:
        t = torch.full((B, 1, 1), float(t))
    # Node index tokens are "0".."63" = ids 22..85 in the pcqm4m-v2 vocab; key masks by them.
    node = (ids[:, :, 0] - 22).clamp(0, 63)
    per_node = torch.rand(B, 64, Fs, generator=gen) > t
    m = per_node[torch.arange(B)[:, None], node]  # [B, S, F]
    valid = torch.arange(S)[None, :] < (lengths[:, None] - 1)  # excludes <eos> and pads
    m = m & valid[:, :, None] & (ids > 0)
    labels = ids.masked_fill(~m, -100)
    return ids.masked_fill(m, mask_id), labels


def pretrain(train_seqs, vocab, seed, heldout_seqs):
    V = max(vocab.values()) + 1
    cfg = make_config(V, "pretrain")
    gen = torch.Generator().manual_seed(seed)
    params = init_params(cfg, "pretrain", gen)
    model = reference_model(cfg, params)
    opt = torch.optim.AdamW(params.values(), lr=PRETRAIN["lr"], weight_decay=PRETRAIN["wd"],
                            betas=(0.9, 0.95))
    rng = random.Random(seed)
    mask_id = vocab[MASK_TOKEN]
    total = PRETRAIN["steps"]
    step, t0 = 0, time.time()
    run_loss, n = 0.0, 0
    while step < total:
        for b in batches(train_seqs, PRETRAIN["batch"], rng)[:total - step]:
            ids, lengths = pad([train_seqs[i]["ids"] for i in b])
            inp, labels = smtp_mask(ids, lengths, mask_id, gen)
            if (labels >= 0).sum() == 0:
                step += 1
                continue
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, PRETRAIN["lr"], PRETRAIN["warmup"])
            out = model.forward(inp, lengths, capture=False)
            loss = F.cross_entropy(out["logits"].reshape(-1, V), labels.reshape(-1),
                                   ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params.values(), 1.0)
            opt.step()
            with torch.no_grad():
                params["model.embed_tokens.weight"][0].zero_()
            run_loss, n, step = run_loss + loss.item(), n + 1, step + 1
            if step % 100 == 0:
                log(f"pretrain step {step}/{total} loss {run_loss / n:.4f} {time.time() - t0:.0f}s")
                run_loss, n = 0.0, 0
    acc = masked_accuracy(model, heldout_seqs, mask_id, seed)
    log(f"pretrain done {time.time() - t0:.0f}s; held-out masked accuracy {acc}")
    return cfg, params, time.time() - t0, acc


@torch.no_grad()
def masked_accuracy(model, seqs, mask_id, seed, t=0.7):
    """Top-1 accuracy over tokens masked at keep ratio t (30% of (node, slot)s masked), and
    the accuracy of always predicting the token most frequent at that slot in `seqs`."""
    gen = torch.Generator().manual_seed(seed + 1)
    correct = total = 0
    counts = [dict() for _ in range(STACKED)]
    labels_all = []
    for k in range(0, len(seqs), 64):
        ids, lengths = pad([s["ids"] for s in seqs[k:k + 64]])
        inp, labels = smtp_mask(ids, lengths, mask_id, gen, t)
        pred = model.forward(inp, lengths, capture=False)["logits"].argmax(-1)
        m = labels >= 0
        correct += int((pred[m] == labels[m]).sum())
        total += int(m.sum())
        labels_all.append(labels)
    for labels in labels_all:
        for f in range(STACKED):
            for v in labels[:, :, f][labels[:, :, f] >= 0].tolist():
                counts[f][v] = counts[f].get(v, 0) + 1
    majority = sum(max(c.values()) for c in counts if c)
    return {"accuracy": correct / total, "majority_baseline": majority / total, "masked": total}


def finetune(pre_params, train_seqs, y_of, seed):
    V = pre_params["model.embed_tokens.weight"].shape[0]
    cfg = make_config(V, "task")
    gen = torch.Generator().manual_seed(seed + 2)
    params = init_params(cfg, "task", gen)
    for k, v in pre_params.items():
        if k in params:
            with torch.no_grad():
                params[k].copy_(v)
    ys = torch.tensor([y_of[s["smiles"]] for s in train_seqs])
    mean, std = float(ys.mean()), float(ys.std())
    model = reference_model(cfg, params)
    opt = torch.optim.AdamW(params.values(), lr=FINETUNE["lr"], weight_decay=FINETUNE["wd"],
                            betas=(0.9, 0.95))
    rng = random.Random(seed + 2)
    total = FINETUNE["steps"]
    step, t0 = 0, time.time()
    run_loss, n = 0.0, 0
    while step < total:
        for b in batches(train_seqs, FINETUNE["batch"], rng)[:total - step]:
            ids, lengths = pad([train_seqs[i]["ids"] for i in b])
            target = (torch.tensor([y_of[train_seqs[i]["smiles"]] for i in b]) - mean) / std
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, FINETUNE["lr"], FINETUNE["warmup"])
            pred = model.forward(ids, lengths, capture=False)["logits"][:, 0]
            loss = F.l1_loss(pred, target)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params.values(), 1.0)
            opt.step()
            with torch.no_grad():
                params["model.embed_tokens.weight"][0].zero_()
            run_loss, n, step = run_loss + loss.item() * std, n + 1, step + 1
            if step % 100 == 0:
                log(f"finetune step {step}/{total} train MAE {run_loss / n:.2f} {time.time() - t0:.0f}s")
                run_loss, n = 0.0, 0
    # The shipped head gives Å² directly: y = std * (w·h + b) + mean.
    with torch.no_grad():
        params["score.weight"].mul_(std)
        params["score.bias"].mul_(std).add_(mean)
    return cfg, params, time.time() - t0, (mean, std)


@torch.no_grad()
def predict(model, seqs):
    out = []
    for k in range(0, len(seqs), 64):
        ids, lengths = pad([s["ids"] for s in seqs[k:k + 64]])
        out += model.forward(ids, lengths, capture=False)["logits"][:, 0].tolist()
    return out


def write_cards(s):
    """MODEL_CARD.md of both models from the run summary (the numbers are what the run reached)."""
    invalid = sum(1 for k in s["skipped"] if "invalid SMILES" in k["reason"])
    too_big = sum(1 for k in s["skipped"] if "more than nodeScope" in k["reason"])
    pre, ft = s["pretrain"], s["finetune"]
    acc = s["pretrain_heldout_masked"]
    arch = (f"GraphGPT (Llama-style) encoder: hidden {ARCH['hidden_size']}, "
            f"{ARCH['num_hidden_layers']} layers, {ARCH['num_attention_heads']} heads (head_dim "
            f"{ARCH['hidden_size'] // ARCH['num_attention_heads']}), intermediate "
            f"{ARCH['intermediate_size']}, gelu (exact), RMSNorm eps 1e-6, RoPE theta 10000, "
            f"bidirectional attention, {STACKED} stacked tokens per position summed (stack_method "
            f"short, aggregation sum), no biases in attention or MLP.")
    data = (f"rdkit-data's NCI set (`{NCI_SMI}`, 5000 records) joined on the SMILES text with "
            f"`{NCI_TPSA}` (TPSA from Ertl's method, Daylight tools). {invalid} records are "
            f"invalid SMILES (skipped by GTScope's reader) and {too_big} molecules have more than "
            f"64 atoms (skipped: the pcqm4m-v2 vocab has node-index tokens 0..63 only), leaving "
            f"{s['molecules']} unique molecules. OGB atom features (9) and bond features (3) from "
            f"GTScope's reader.")
    split = (f"by molecule (unique SMILES), seeded shuffle (seed {s['seed']}): "
             f"{s['heldout_molecules']} held out (10%), {s['train_molecules']} for training. The "
             f"held-out molecules are `resources/graphs/tpsa-heldout.smi` (SMILES, NCI id) and "
             f"`tpsa-heldout.csv` (with TPSA); they were used neither in pre-training nor in "
             f"fine-tuning.")
    tok = ("`tokenization.json`: stacked layout, world molecule, node_scope = scope_base = 64, "
           "cyclic re-indexing, edge-type token removed, `<eos>` appended (13 tokens per "
           "position: node index, 9 atom features, 3 bond features of the arriving edge). "
           "Vocab: GraphGPT's published pcqm4m-v2 vocab unchanged (it already holds `<mask>`, "
           "id 1); every token of every NCI molecule is in it (checked by the recipe's "
           "tokenization, which fails on an unknown token).")
    retrain = ("From the repository root, with the CLI built:\n\n"
               "    OMP_NUM_THREADS=1 /usr/bin/python3 resources/models/recipes/molecules.py "
               "--seed 0\n\n"
               "retrains both models (pre-training, then fine-tuning from it), rewrites the "
               "held-out files, this card and `resources/models/recipes/molecules-summary.json`. "
               "Single-threaded torch with the seed gives the same weights on the same machine "
               "and torch build. Checked by `tests/models/test_molecule_models.py` (ctest label "
               "`models`).")
    pre_card = f"""# molecule-pretrained

GraphGPT-style pre-trained molecule model (not fine-tuned): **masked-token prediction**. Give it a
molecule, mask any stacked tokens with `<mask>` (id 1), and its `lm_head` gives, for every
position, a distribution over the vocab for each of the 13 stacked slots (next_n_token 13 through
`n_token_proj`, as GraphGPT does). Use it to look at what attention gathers to recover an atom's
element, charge or hydrogen count from its neighbours. `molecule-tpsa` is fine-tuned from it.

## Metric (held-out molecules)
30% of the (node, slot) tokens of each held-out molecule's seed-0 walk masked (all occurrences
of a node alike, never `<eos>`), top-1 accuracy over the {acc['masked']} masked tokens:

- Held-out masked-token accuracy: {acc['accuracy']:.3f}
- Majority-token baseline: {acc['majority_baseline']:.3f} (always the most frequent token of the slot)

## Data
{data}

Split: {split}

## Tokenization
{tok}

## Architecture
{arch} Pre-training head: `n_token_proj` Linear({ARCH['hidden_size']}, {STACKED}×{ARCH['hidden_size']}, bias) then
`lm_head` Linear({ARCH['hidden_size']}, vocab {max(read_vocab(GRAPHGPT_VOCAB).values()) + 1}). Weights F32 in `model.safetensors`.

## Training recipe
Scheduled masked-token prediction (GraphGPT's SMTP): per molecule t ~ U(0.01, 0.99), each
(node, slot) masked with probability 1 − t, the same for all occurrences of the node; masked ids
replaced by `<mask>`; cross entropy of the original ids at the masked tokens. {pre['walks']} Eulerian
walks per training molecule (seeds 0..{pre['walks'] - 1}) as augmentation; {pre['steps']} steps of batch
{pre['batch']} (≈{pre['steps'] * pre['batch'] / s['train_molecules']:.1f} walks per molecule), AdamW (β 0.9/0.95, weight decay {pre['wd']}), lr
{pre['lr']} with {pre['warmup']} warm-up steps then cosine decay, gradient clipping 1.0, N(0, 0.02) init.
Seed {s['seed']}. Time: {s['pretrain_seconds']} s on one shared CPU core (torch 1.13, one thread). This is a
very small budget next to GraphGPT's: the model is a demo, not a strong pre-trained model.

## Retraining
{retrain}
"""
    ft_card = f"""# molecule-tpsa

Graph regression of **topological polar surface area** (TPSA, Å²) of a molecule, fine-tuned from
`molecule-pretrained`. The prediction is the score head on the last (`<eos>`) position and is in
Å² directly (the training normalization, mean {s['target_mean']:.2f} and std {s['target_std']:.2f}, is folded into
`score.weight` and `score.bias`). Example: `gtscope-cli run resources/models/molecule-tpsa
resources/graphs/aspirin.smi` (RDKit: 63.6 Å²).

## Metric (held-out molecules, seed-0 walk as `gtscope-cli run` takes by default)
- Held-out MAE: {s['heldout_mae']:.3f} Å² ({s['heldout_molecules']} molecules)
- Mean-predictor MAE: {s['heldout_mean_predictor_mae']:.3f} Å² (always predicting the training-set mean)
- Training-set mean TPSA: {s['train_mean_tpsa']:.3f} Å²

On the first {s['heldout_sample']} molecules of `tpsa-heldout.smi` (the sample
`tests/models/test_molecule_models.py` runs through GTScope):

- Sample MAE: {s['heldout_sample_mae']:.3f} Å²
- Sample mean-predictor MAE: {s['heldout_sample_mean_predictor_mae']:.3f} Å²

## Data
{data}

Split: {split}

## Tokenization
{tok}

## Architecture
{arch} Fine-tuning head: `score` Linear({ARCH['hidden_size']}, 1, bias) on the last position
(problem_type regression). Weights F32 in `model.safetensors`.

## Training recipe
All weights but the heads start from `molecule-pretrained`; `score` starts N(0, 0.02), bias 0.
Target normalized by the training-set mean and std; L1 loss (GraphGPT's regression objective on
pcqm4m-v2). {ft['walks']} Eulerian walks per training molecule (seeds 0..{ft['walks'] - 1}) as augmentation;
{ft['steps']} steps of batch {ft['batch']} (≈{ft['steps'] * ft['batch'] / s['train_molecules']:.1f} walks per molecule), AdamW (β 0.9/0.95, weight decay {ft['wd']}),
lr {ft['lr']} with {ft['warmup']} warm-up steps then cosine decay, gradient clipping 1.0. Seed {s['seed']}.
Time: {s['finetune_seconds']} s on one shared CPU core (plus {s['pretrain_seconds']} s of pre-training).

## Limits
Molecules of more than 64 heavy atoms cannot be tokenized with this vocab. Predictions vary a
little with the walk (`--seed`); the metric above is for seed 0. The training targets are the
Daylight-tools TPSA of the data file, which can differ a little from RDKit's for some molecules.

## Retraining
{retrain}
"""
    for folder, text in ((PRETRAINED_DIR, pre_card), (TPSA_DIR, ft_card)):
        with open(os.path.join(folder, "MODEL_CARD.md"), "w") as f:
            f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.path.join(REPO, "build", "release", "app", "gtscope-cli"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stage", choices=["all", "pretrain", "finetune", "eval", "cards"],
                    default="all")
    args = ap.parse_args(argv)
    if args.stage == "cards":  # rewrite the cards from the last run's summary
        with open(os.path.join(MODELS, "recipes", "molecules-summary.json")) as f:
            write_cards(json.load(f))
        return 0
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    vocab = read_vocab(GRAPHGPT_VOCAB)
    tpsa = read_tpsa()

    with tempfile.TemporaryDirectory() as work:
        walks = max(PRETRAIN["walks"], FINETUNE["walks"])
        data = tokenize_all(args.cli, NCI_SMI, 0, walks, work)
    seqs = [s for s in data["sequences"] if s["smiles"] in tpsa]
    skipped = data["skipped"]
    train_smiles, heldout = split_molecules(seqs, tpsa, args.seed)
    rows = write_heldout(seqs, heldout, tpsa)
    held = set(heldout)
    # Seed-0 walks of the held-out molecules: the walk `gtscope-cli run` takes by default.
    held_seqs = [s for s in seqs if s["smiles"] in held and s["seed"] == 0]
    held_seqs = list({s["smiles"]: s for s in held_seqs}.values())
    train_pre = [s for s in seqs if s["smiles"] in train_smiles and s["seed"] < PRETRAIN["walks"]]
    train_ft = [s for s in seqs if s["smiles"] in train_smiles and s["seed"] < FINETUNE["walks"]]
    n_mols = len({s["smiles"] for s in seqs})
    log(f"{len(seqs)} sequences of {n_mols} unique molecules; {len(skipped)} records skipped; "
        f"train {len(train_smiles)} molecules, held-out {len(rows)}")

    summary_path = os.path.join(MODELS, "recipes", "molecules-summary.json")
    summary = {"seed": args.seed, "molecules": n_mols, "skipped": skipped,
               "train_molecules": len(train_smiles), "heldout_molecules": len(rows),
               "pretrain": PRETRAIN, "finetune": FINETUNE, "arch": ARCH}
    if os.path.exists(summary_path) and args.stage != "all":
        with open(summary_path) as f:
            summary = {**json.load(f), **summary}

    if args.stage in ("all", "pretrain"):
        cfg, params, secs, acc = pretrain(train_pre, vocab, args.seed, held_seqs)
        save_folder(PRETRAINED_DIR, cfg, params)
        summary["pretrain_seconds"] = round(secs)
        summary["pretrain_heldout_masked"] = acc
    if args.stage in ("all", "finetune"):
        pre = {k: v for k, v in safetensors_io.load(
            os.path.join(PRETRAINED_DIR, "model.safetensors"))[0].items()}
        cfg, params, secs, (mean, std) = finetune(pre, train_ft, tpsa, args.seed)
        save_folder(TPSA_DIR, cfg, params)
        summary["finetune_seconds"] = round(secs)
        summary["target_mean"], summary["target_std"] = mean, std
    # Held-out MAE of the shipped model (float32 reference forward, seed-0 walks) and of the
    # trivial predictor: the training-set mean.
    tensors, _ = safetensors_io.load(os.path.join(TPSA_DIR, "model.safetensors"))
    with open(os.path.join(TPSA_DIR, "config.json")) as f:
        model = reference_model(json.load(f), tensors)
    preds = predict(model, held_seqs)
    ys = [tpsa[s["smiles"]] for s in held_seqs]
    train_mean = sum(tpsa[s] for s in train_smiles) / len(train_smiles)
    mae = sum(abs(p - y) for p, y in zip(preds, ys)) / len(ys)
    base = sum(abs(train_mean - y) for y in ys) / len(ys)
    summary["heldout_mae"] = round(mae, 3)
    summary["heldout_mean_predictor_mae"] = round(base, 3)
    summary["train_mean_tpsa"] = round(train_mean, 3)
    # The first HELDOUT_SAMPLE held-out molecules: the sample the test runs through GTScope.
    k = HELDOUT_SAMPLE
    summary["heldout_sample"] = k
    summary["heldout_sample_mae"] = round(sum(abs(p - y) for p, y in zip(preds[:k], ys[:k])) / k, 3)
    summary["heldout_sample_mean_predictor_mae"] = round(
        sum(abs(train_mean - y) for y in ys[:k]) / k, 3)
    log(f"held-out MAE {mae:.3f} vs mean predictor {base:.3f} ({len(ys)} molecules)")
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    write_cards(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
