#!/usr/bin/python3
"""Writes tests/fixtures/model/<name>/: small random GraphGPT checkpoints, inputs, and the
outputs of the PyTorch reference (graphgpt_ref.py) the C++ engine is tested against.

Run: OMP_NUM_THREADS=2 /usr/bin/python3 tests/reference/make_fixtures.py [OUT_DIR]
Seeded and deterministic; rerunning rewrites identical tensors. See
tests/fixtures/model/README.md for what each fixture covers.
"""
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import graphgpt_ref  # noqa: E402
import safetensors_io  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "..", "fixtures", "model")

# Score std of q·k/√d is about std_q·std_k·hidden after RMSNorm; this target makes softmax rows
# peaked, so attention tests see non-uniform probabilities.
TARGET_SCORE_STD = 4.0

BASE = {
    "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "max_position_embeddings": 64,
    "causal_attention": False, "tie_word_embeddings": False, "attention_bias": False,
    "mlp_bias": False, "layer_scale_init_value": 0.0, "pad_token_id": 0,
    "stacked_feat": 1, "stack_method": None, "stacked_feat_agg_method": "sum",
    "next_n_token": 1, "num_labels": 1, "problem_type": None, "mlp": [],
    "pooling_method": "last", "head_dim": None, "num_key_value_heads": None,
}

FIXTURES = [
    {
        "name": "pretrain_sum_mtp",
        "seed": 101,
        "head": "pretrain",
        "config": {"vocab_size": 60, "hidden_size": 16, "intermediate_size": 32,
                   "num_hidden_layers": 2, "num_attention_heads": 4, "hidden_act": "gelu",
                   "stacked_feat": 3, "stack_method": "short",
                   "stacked_feat_agg_method": "sum", "next_n_token": 3},
        "lengths": [8, 12, 6],
        "interventions": {"head_mask": [[0, 1], [1, 3]], "skip_layers": [],
                          "keep_tokens": {"1": [0, 2, 3, 5]}},
    },
    {
        "name": "pretrain_gated_gqa_causal_tied",
        "seed": 202,
        "head": "pretrain",
        "config": {"vocab_size": 50, "hidden_size": 16, "intermediate_size": 24,
                   "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                   "hidden_act": "silu", "causal_attention": True, "tie_word_embeddings": True,
                   "stacked_feat": 2, "stack_method": "short",
                   "stacked_feat_agg_method": "gated", "next_n_token": 1},
        "lengths": [5, 9],
    },
    {
        "name": "finetune_regression_layerscale_bias",
        "seed": 303,
        "head": "task",
        "config": {"vocab_size": 40, "hidden_size": 16, "intermediate_size": 32,
                   "num_hidden_layers": 3, "num_attention_heads": 2,
                   "hidden_act": "gelu_pytorch_tanh", "attention_bias": True, "mlp_bias": True,
                   "layer_scale_init_value": 0.1, "stacked_feat": 2, "stack_method": "short",
                   "num_labels": 1, "problem_type": "regression"},
        "lengths": [7, 10, 6],
        "interventions": {"head_mask": [[0, 1]], "skip_layers": [1],
                          "keep_tokens": {"0": [0, 1, 2, 3, 4, 5], "2": [1, 2, 4, 5]}},
    },
    {
        "name": "finetune_classify_mlp_long_gqa",
        "seed": 404,
        "head": "task",
        "module_prefix": True,
        "config": {"vocab_size": 90, "hidden_size": 32, "intermediate_size": 40,
                   "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 1,
                   "head_dim": 6, "hidden_act": "gelu", "rope_theta": 1000.0,
                   "stacked_feat": 4, "stack_method": "long",
                   "stacked_feat_agg_method": "gated", "num_labels": 3,
                   "problem_type": "single_label_classification", "mlp": [24, 12]},
        "lengths": [4, 11, 3],
    },
    {
        "name": "flat_pretrain_bf16",
        "seed": 505,
        "head": "pretrain",
        "storage_dtype": torch.bfloat16,
        "extra_buffers": True,
        "config": {"vocab_size": 48, "hidden_size": 24, "intermediate_size": 32,
                   "num_hidden_layers": 2, "num_attention_heads": 3, "hidden_act": "gelu_new",
                   "rms_norm_eps": 1e-5, "stacked_feat": 1, "stack_method": None},
        "lengths": [12, 5],
    },
]


def make_weights(cfg, head, gen):
    c = graphgpt_ref.GraphGptConfig(cfg)
    D, H, KV, d, I, V = (c.hidden_size, c.num_attention_heads, c.num_key_value_heads,
                         c.head_dim, c.intermediate_size, c.vocab_size)

    def normal(*shape, std=0.2, mean=0.0):
        return (torch.randn(*shape, generator=gen) * std + mean).to(torch.float32)

    qk_std = math.sqrt(TARGET_SCORE_STD / D)
    w = {}
    embed = normal(V, D, std=0.2)
    embed[c.pad_token_id] = 0  # HF Embedding's padding_idx row stays zero
    w["model.embed_tokens.weight"] = embed
    for i in range(c.num_hidden_layers):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = normal(D, std=0.1, mean=1.0)
        w[p + "self_attn.q_proj.weight"] = normal(H * d, D, std=qk_std)
        w[p + "self_attn.k_proj.weight"] = normal(KV * d, D, std=qk_std)
        w[p + "self_attn.v_proj.weight"] = normal(KV * d, D, std=0.2)
        w[p + "self_attn.o_proj.weight"] = normal(D, H * d, std=0.2)
        if cfg.get("attention_bias"):
            w[p + "self_attn.q_proj.bias"] = normal(H * d, std=0.1)
            w[p + "self_attn.k_proj.bias"] = normal(KV * d, std=0.1)
            w[p + "self_attn.v_proj.bias"] = normal(KV * d, std=0.05)
            w[p + "self_attn.o_proj.bias"] = normal(D, std=0.05)
        w[p + "post_attention_layernorm.weight"] = normal(D, std=0.1, mean=1.0)
        w[p + "mlp.gate_proj.weight"] = normal(I, D, std=0.2)
        w[p + "mlp.up_proj.weight"] = normal(I, D, std=0.2)
        w[p + "mlp.down_proj.weight"] = normal(D, I, std=0.15)
        if cfg.get("mlp_bias"):
            w[p + "mlp.gate_proj.bias"] = normal(I, std=0.05)
            w[p + "mlp.up_proj.bias"] = normal(I, std=0.05)
            w[p + "mlp.down_proj.bias"] = normal(D, std=0.05)
        if cfg.get("layer_scale_init_value", 0) > 0:
            # Trained lambdas drift far from the init value; random ones make each element count.
            w[p + "lambda_1"] = (0.3 + 0.9 * torch.rand(D, generator=gen)).to(torch.float32)
            w[p + "lambda_2"] = (0.3 + 0.9 * torch.rand(D, generator=gen)).to(torch.float32)
    w["model.norm.weight"] = normal(D, std=0.1, mean=1.0)
    if c.stack_method is not None and c.stacked_feat_agg_method == "gated":
        w["stacked_feat_agg.weight"] = normal(c.stacked_feat, D, std=0.4, mean=0.8)
    if head == "pretrain":
        if c.next_n_token > 1:
            w["n_token_proj.weight"] = normal(D * c.next_n_token, D, std=0.2)
        if not c.tie_word_embeddings:
            w["lm_head.weight"] = normal(V, D, std=0.2)
    else:
        bias = c.problem_type == "regression"
        sizes = [D] + c.mlp + [c.num_labels]
        if c.mlp:
            for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
                w[f"score.mlp_modules.{k}.weight"] = normal(fan_out, fan_in, std=0.3)
                if bias:
                    w[f"score.mlp_modules.{k}.bias"] = normal(fan_out, std=0.1)
        else:
            w["score.weight"] = normal(c.num_labels, D, std=0.3)
            if bias:
                w["score.bias"] = normal(c.num_labels, std=0.1)
    return c, w


def make_inputs(c, lengths, gen):
    """Sequences of [stacked_feat] ids per position: the first slot always a real token, later
    slots real or trailing pad 0 (as GraphGPT's collator pads narrower positions)."""
    sequences = []
    F = c.stacked_feat
    for n in lengths:
        seq = []
        for _ in range(n):
            filled = int(torch.randint(1, F + 1, (1,), generator=gen)) if F > 1 else 1
            ids = torch.randint(1, c.vocab_size, (filled,), generator=gen).tolist()
            seq.append(ids + [0] * (F - filled))
        sequences.append({"ids": seq})
    return {"sequences": sequences}


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=None, separators=(", ", ": "))
        f.write("\n")


def bin_state_dict(weights, spec, c):
    """The state dict torch.save writes: tied lm_head shares the embedding's storage (as a
    model's state_dict() does), optional extra buffers and a DDP "module." prefix."""
    state = dict(weights)
    if c.tie_word_embeddings and spec["head"] == "pretrain":
        state["lm_head.weight"] = state["model.embed_tokens.weight"]
    if spec.get("extra_buffers"):
        # Older HF Llama checkpoints carry the rotary inv_freq buffer; loaders ignore it.
        inv = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2).float() / c.head_dim))
        for i in range(c.num_hidden_layers):
            state[f"model.layers.{i}.self_attn.rotary_emb.inv_freq"] = inv.clone()
    if spec.get("module_prefix"):
        state = {"module." + k: v for k, v in state.items()}
    return state


def sanity(results, spec):
    peaks = [float(a.max(dim=-1).values.mean()) for r in results for a in r["attn"]
             if a is not None]
    return sum(peaks) / len(peaks)


def make_fixture(spec, out_root):
    gen = torch.Generator().manual_seed(spec["seed"])
    cfg = dict(BASE)
    cfg.update(spec["config"])
    c, weights = make_weights(cfg, spec["head"], gen)
    storage = spec.get("storage_dtype", torch.float32)
    stored = {k: v.to(storage) for k, v in weights.items()}
    inputs = make_inputs(c, spec["lengths"], gen)

    folder = os.path.join(out_root, spec["name"])
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "config.json"), cfg)
    safetensors_io.save(os.path.join(folder, "model.safetensors"), stored,
                        {"format": "pt", "generator": "tests/reference/make_fixtures.py"})
    torch.save(bin_state_dict(stored, spec, c), os.path.join(folder, "pytorch_model.bin"))
    write_json(os.path.join(folder, "inputs.json"), inputs)

    # Expected outputs: float64 arithmetic on the weights exactly as stored.
    model = graphgpt_ref.GraphGptReference(c, stored, torch.float64)
    sequences = [s["ids"] for s in inputs["sequences"]]
    with torch.no_grad():
        results = model.run(sequences)
        safetensors_io.save(os.path.join(folder, "expected.safetensors"),
                            graphgpt_ref.result_tensors(results))
        peak = sanity(results, spec)
        iv = spec.get("interventions")
        if iv:
            write_json(os.path.join(folder, "interventions.json"), iv)
            iv_results = model.run(sequences, iv["head_mask"], iv["skip_layers"],
                                   iv["keep_tokens"])
            safetensors_io.save(os.path.join(folder, "expected_interventions.safetensors"),
                                graphgpt_ref.result_tensors(iv_results))
    return folder, peak


def main(argv):
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    out_root = os.path.abspath(argv[1] if len(argv) > 1 else DEFAULT_OUT)
    os.makedirs(out_root, exist_ok=True)
    for spec in FIXTURES:
        folder, peak = make_fixture(spec, out_root)
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
        print(f"{spec['name']}: {size} bytes, mean max attention probability {peak:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
