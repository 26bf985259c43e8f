#!/usr/bin/python3
"""Trains GTScope's structure models, `triangles` and `connectivity`, with the PyTorch reference
GraphGPT (tests/reference/graphgpt_ref.py) and writes their model folders.

  triangles:    graph regression of the number of triangles of an Erdős–Rényi graph
                (GraphGPT's structure task), structure tokens only.
  connectivity: two nodes are marked (node column "feat" = 1); are they in the same component?
                (the task of Saparov et al., "Transformers Struggle to Learn to Search").

Run (one model at a time, about 5 minutes each on one CPU thread):
  OMP_NUM_THREADS=1 /usr/bin/python3 resources/models/recipes/structure.py triangles \
      --cli build/release/app/gtscope-cli
  ... structure.py connectivity --cli build/release/app/gtscope-cli

Recipe (GraphGPT's fine-tuning, scaled down; no pre-training): stacked Eulerian tokens with the
edge-type token kept (a jump between components must be visible), <eos> appended, a score head
on the <eos> position, bidirectional attention. Graphs come from resources/models/recipes/
structure_data.py with fixed seeds; every training graph is tokenized with several walk seeds
(GraphGPT resamples the Eulerian path each epoch); held-out graphs use walk seed 0, what
`gtscope-cli run` uses. AdamW, linear warm-up then cosine decay, a fixed number of steps.
Everything is seeded (torch, data, walks); rerunning on the same torch build reproduces the
weights.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import graphgpt_ref  # noqa: E402
import safetensors_io  # noqa: E402
import structure_data as data  # noqa: E402

BASE_TOKENIZATION = {
    "layout": "stacked", "world": "graph", "node_scope": 64, "scope_base": 64, "cyclic": False,
    "remove_edge_type_token": False, "add_eos": True, "attr_assignment": "first",
    "node_columns": [], "edge_columns": [], "permute_nodes": False,
}

TASKS = {
    "triangles": {
        "tokenization": dict(BASE_TOKENIZATION),
        "dataset": data.triangle_dataset,
        "train_seed": 1, "train_graphs": 6000, "heldout_seed": 3, "heldout_graphs": 1000,
        "walks": 4, "problem_type": "regression", "num_labels": 1,
        "hidden": 96, "layers": 3, "heads": 4, "steps": 2400, "batch": 32, "lr": 1e-3,
    },
    "connectivity": {
        "tokenization": dict(BASE_TOKENIZATION, node_columns=["feat"]),
        "dataset": data.connectivity_dataset,
        "train_seed": 2, "train_graphs": 6000, "heldout_seed": 4, "heldout_graphs": 1000,
        "walks": 4, "problem_type": "single_label_classification", "num_labels": 2,
        "hidden": 64, "layers": 3, "heads": 4, "steps": 2000, "batch": 32, "lr": 1e-3,
    },
}

# Size of the held-out sample whose metric the card records and tests/models reproduces.
HELDOUT_SAMPLE = 200


def graph_key(item):
    return (item["n"], tuple(item["edges"]), tuple(item.get("marked", ())))


def split(task):
    """Training and held-out graphs; held-out graphs equal to a training graph are dropped."""
    t = TASKS[task]
    train = t["dataset"](t["train_seed"], t["train_graphs"])
    seen = {graph_key(x) for x in train}
    heldout = [x for x in t["dataset"](t["heldout_seed"], t["heldout_graphs"])
               if graph_key(x) not in seen]
    return train, heldout


def config_for(task, vocab_size, width):
    t = TASKS[task]
    return {
        "architectures": ["GraphGPTForSequenceClassification"], "model_type": "graphgpt",
        "vocab_size": vocab_size, "hidden_size": t["hidden"], "intermediate_size": 2 * t["hidden"],
        "num_hidden_layers": t["layers"], "num_attention_heads": t["heads"],
        "num_key_value_heads": t["heads"], "hidden_act": "gelu", "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0, "max_position_embeddings": 256, "causal_attention": False,
        "tie_word_embeddings": False, "attention_bias": False, "mlp_bias": False,
        "layer_scale_init_value": 0.0, "pad_token_id": 0, "stacked_feat": width,
        "stack_method": "short", "stacked_feat_agg_method": "sum", "next_n_token": 1,
        "num_labels": t["num_labels"], "problem_type": t["problem_type"], "mlp": [],
        "pooling_method": "last", "torch_dtype": "float32",
    }


def init_weights(cfg, gen):
    """Fresh parameters, HF Llama style (normal 0.02, norms 1), as leaf tensors."""
    c = graphgpt_ref.GraphGptConfig(cfg)
    D, H, d, I, V = c.hidden_size, c.num_attention_heads, c.head_dim, c.intermediate_size, c.vocab_size

    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=gen) * std

    w = {"model.embed_tokens.weight": normal(V, D)}
    w["model.embed_tokens.weight"][c.pad_token_id] = 0
    for i in range(c.num_hidden_layers):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = torch.ones(D)
        w[p + "self_attn.q_proj.weight"] = normal(H * d, D)
        w[p + "self_attn.k_proj.weight"] = normal(H * d, D)
        w[p + "self_attn.v_proj.weight"] = normal(H * d, D)
        w[p + "self_attn.o_proj.weight"] = normal(D, H * d) / math.sqrt(2 * c.num_hidden_layers)
        w[p + "post_attention_layernorm.weight"] = torch.ones(D)
        w[p + "mlp.gate_proj.weight"] = normal(I, D)
        w[p + "mlp.up_proj.weight"] = normal(I, D)
        w[p + "mlp.down_proj.weight"] = normal(D, I) / math.sqrt(2 * c.num_hidden_layers)
    w["model.norm.weight"] = torch.ones(D)
    w["score.weight"] = normal(c.num_labels, D)
    if c.problem_type == "regression":
        w["score.bias"] = torch.zeros(c.num_labels)
    for v in w.values():
        v.requires_grad_(True)
    return w


def batch_tensor(seqs):
    lengths = torch.tensor([len(s) for s in seqs])
    width = max(len(p) for s in seqs for p in s)
    ids = torch.zeros(len(seqs), int(lengths.max()), width, dtype=torch.long)
    for b, s in enumerate(seqs):
        for i, pos in enumerate(s):
            ids[b, i, :len(pos)] = torch.tensor(pos)
    return ids, lengths


def predict(model, seqs, batch=64):
    """Pooled outputs [N, labels] of the reference on id sequences."""
    outs = []
    with torch.no_grad():
        for i in range(0, len(seqs), batch):
            ids, lengths = batch_tensor(seqs[i:i + batch])
            outs.append(model.forward(ids, lengths, capture=False)["logits"])
    return torch.cat(outs)


def metric(task, outputs, labels):
    """triangles: mean absolute error of the count; connectivity: accuracy."""
    labels = torch.tensor(labels, dtype=torch.float64)
    if TASKS[task]["problem_type"] == "regression":
        return float((outputs[:, 0].double() - labels).abs().mean())
    return float((outputs.argmax(-1).double() == labels).double().mean())


def expected_triangles(item):
    """E[triangles] of a uniform graph with the same n and m (G(n, m)): C(n,3)·m(m-1)(m-2) /
    (N(N-1)(N-2)), N = C(n,2). A baseline that knows the edge count but not the structure."""
    n, m = item["n"], len(item["edges"])
    N = n * (n - 1) // 2
    return math.comb(n, 3) * m * (m - 1) * (m - 2) / (N * (N - 1) * (N - 2))


def baselines(task, train, heldout):
    labels = [x["label"] for x in heldout]
    if task == "triangles":
        mean = sum(x["label"] for x in train) / len(train)
        return {"train_mean_mae": sum(abs(mean - y) for y in labels) / len(labels),
                "edge_count_mae": sum(abs(expected_triangles(x) - x["label"]) for x in heldout)
                / len(heldout)}
    majority = round(sum(x["label"] for x in train) / len(train))
    return {"majority_accuracy": sum(int(y == majority) for y in labels) / len(labels)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("task", choices=sorted(TASKS))
    ap.add_argument("--cli", required=True, help="gtscope-cli, used to build the vocab and tokenize")
    ap.add_argument("--out", help="model folder (default resources/models/<task>)")
    ap.add_argument("--seed", type=int, default=0, help="torch seed (init and batch order)")
    ap.add_argument("--steps", type=int, help="override the number of training steps")
    args = ap.parse_args()
    torch.set_num_threads(1)
    t0 = time.time()
    task, t = args.task, TASKS[args.task]
    out = args.out or os.path.join(ROOT, "resources", "models", task)
    os.makedirs(out, exist_ok=True)
    tok = t["tokenization"]

    train, heldout = split(task)
    vocab = os.path.join(out, "vocab")
    data.build_vocab(args.cli, train, tok, vocab)
    with open(os.path.join(out, "tokenization.json"), "w") as f:
        json.dump(tok, f, indent=2)
        f.write("\n")
    vocab_size = 1 + max(int(line.split()[1]) for line in open(vocab) if line.strip())

    train_seqs = data.tokenize_graphs(args.cli, train, tok, vocab, seed=0, seeds=t["walks"])
    heldout_seqs = data.tokenize_graphs(args.cli, heldout, tok, vocab, seed=0, seeds=1)
    train_x = [s["ids"] for s in train_seqs]
    train_y = [train[s["index"]]["label"] for s in train_seqs]
    held_x = [s["ids"] for s in heldout_seqs]
    held_y = [x["label"] for x in heldout]
    width = max(len(p) for s in train_x + held_x for p in s)
    print(f"{task}: {len(train)} training graphs ({len(train_x)} walks), {len(heldout)} held-out, "
          f"vocab {vocab_size}, width {width}, max positions {max(len(s) for s in train_x)}",
          flush=True)

    cfg = config_for(task, vocab_size, width)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    w = init_weights(cfg, gen)
    model = graphgpt_ref.GraphGptReference(graphgpt_ref.GraphGptConfig(cfg), w, torch.float32)
    model.w = w  # train the leaf tensors themselves
    regression = t["problem_type"] == "regression"
    y_mean = sum(train_y) / len(train_y)
    y_std = (sum((y - y_mean) ** 2 for y in train_y) / len(train_y)) ** 0.5 if regression else 1.0

    params = [v for v in w.values()]
    decay = [v for k, v in w.items() if v.dim() == 2]
    no_decay = [v for k, v in w.items() if v.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                             {"params": no_decay, "weight_decay": 0.0}], lr=t["lr"],
                            betas=(0.9, 0.98))
    steps = args.steps or t["steps"]
    warmup = steps // 20
    order_rng = random.Random(args.seed)
    order = []
    for step in range(steps):
        lr = t["lr"] * (step + 1) / warmup if step < warmup else \
            t["lr"] * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (steps - warmup)))
        for g in opt.param_groups:
            g["lr"] = lr
        if len(order) < t["batch"]:
            more = list(range(len(train_x)))
            order_rng.shuffle(more)
            order += more
        idx, order = order[:t["batch"]], order[t["batch"]:]
        ids, lengths = batch_tensor([train_x[i] for i in idx])
        logits = model.forward(ids, lengths, capture=False)["logits"]
        if regression:
            target = (torch.tensor([train_y[i] for i in idx], dtype=torch.float32) - y_mean) / y_std
            loss = F.smooth_l1_loss(logits[:, 0], target)
        else:
            loss = F.cross_entropy(logits, torch.tensor([train_y[i] for i in idx]))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 200 == 0 or step == steps - 1:
            print(f"step {step} loss {loss.item():.4f} lr {lr:.2e} {time.time() - t0:.0f}s", flush=True)

    # The shipped head gives the count itself: score' = y_std · score + y_mean.
    tensors = {k: v.detach().clone().contiguous() for k, v in w.items()}
    if regression:
        tensors["score.weight"] = tensors["score.weight"] * y_std
        tensors["score.bias"] = tensors["score.bias"] * y_std + y_mean
    safetensors_io.save(os.path.join(out, "model.safetensors"), tensors)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    train_time = time.time() - t0

    shipped = graphgpt_ref.load_model(out, torch.float32)
    held_out = predict(shipped, held_x)
    result = {
        "task": task, "seed": args.seed, "steps": steps, "train_graphs": len(train),
        "train_walks": len(train_x), "heldout_graphs": len(heldout),
        "heldout_metric": metric(task, held_out, held_y),
        "heldout_sample": HELDOUT_SAMPLE,
        "heldout_sample_metric": metric(task, held_out[:HELDOUT_SAMPLE], held_y[:HELDOUT_SAMPLE]),
        "train_metric": metric(task, predict(shipped, train_x[:4000:t["walks"]]),
                               train_y[:4000:t["walks"]]),
        "baselines": baselines(task, train, heldout),
        "sample_baselines": baselines(task, train, heldout[:HELDOUT_SAMPLE]),
        "label_mean": sum(held_y) / len(held_y), "label_max": max(held_y),
        "parameters": sum(v.numel() for v in tensors.values()),
        "seconds": round(train_time),
    }
    print(json.dumps(result, indent=2))
    with open(os.path.join(HERE, f"structure-{task}.result.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
