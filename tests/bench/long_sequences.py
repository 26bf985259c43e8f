#!/usr/bin/python3
"""Long sequences: the CPU engine's dense attention against blockwise attention (log-sum-exp
merging of key blocks) at S = 1,024, 4,096 and 16,384 positions — time per forward and the
process's peak memory — and the time to get one attention row of a 16,384-position run whose
maps were over the capture budget (recomputed from the layer's queries and keys).

Model: GraphGPT-mini-sized (hidden 256, 4 layers, 4 heads of 64, MLP 1024), random seeded
weights, random ids (one id per position). Each configuration is a separate gtscope-cli
process under /usr/bin/time, so peak RSS belongs to that configuration alone.

Usage: long_sequences.py --cli build/release/app/gtscope-cli [--threads 2] [--repeat 3]
       [--lengths 1024,4096,16384] [--json out.json]
"""
import argparse
import json
import os
import random
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import safetensors_io  # noqa: E402
import torch  # noqa: E402

CONFIG = {
    "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 4,
    "head_dim": 64, "intermediate_size": 1024, "vocab_size": 512, "hidden_act": "gelu",
    "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "max_position_embeddings": 16384,
    "causal_attention": False, "pad_token_id": 0, "num_labels": 1, "problem_type": "regression",
    "stacked_feat": 1,
}


def random_weights(seed):
    """Llama-style weights with a regression score head, N(0, 0.02) like HF's init."""
    gen = torch.Generator().manual_seed(seed)
    D, I, V = CONFIG["hidden_size"], CONFIG["intermediate_size"], CONFIG["vocab_size"]
    Hd = CONFIG["num_attention_heads"] * CONFIG["head_dim"]

    def normal(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float32) * 0.02

    w = {"model.embed_tokens.weight": normal(V, D), "model.norm.weight": torch.ones(D),
         "score.weight": normal(1, D)}
    for i in range(CONFIG["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = torch.ones(D)
        w[p + "post_attention_layernorm.weight"] = torch.ones(D)
        for name, shape in (("self_attn.q_proj", (Hd, D)), ("self_attn.k_proj", (Hd, D)),
                            ("self_attn.v_proj", (Hd, D)), ("self_attn.o_proj", (D, Hd)),
                            ("mlp.gate_proj", (I, D)), ("mlp.up_proj", (I, D)), ("mlp.down_proj", (D, I))):
            w[p + name + ".weight"] = normal(*shape)
    return w


def write_model(folder):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=1)
    weights = os.path.join(folder, "model.safetensors")
    if not os.path.exists(weights):
        safetensors_io.save(weights, random_weights(7), {"seed": "7"})


def write_ids(path, length):
    rng = random.Random(length)
    with open(path, "w") as f:
        json.dump({"ids": [[rng.randrange(1, CONFIG["vocab_size"])] for _ in range(length)]}, f)


def timed(cmd):
    """(stdout JSON, peak RSS in MB) of one gtscope-cli process."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr}")
    peak_kb = int(out.stderr.strip().splitlines()[-1])
    return json.loads(out.stdout), peak_kb / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lengths", default="1024,4096,16384")
    ap.add_argument("--workdir", default=os.path.join(ROOT, "build", "bench-long"))
    ap.add_argument("--json")
    args = ap.parse_args()
    model = os.path.join(args.workdir, "model")
    write_model(model)
    rows = []
    for length in [int(x) for x in args.lengths.split(",")]:
        ids = os.path.join(args.workdir, f"ids-{length}.json")
        write_ids(ids, length)
        for mode in ("dense", "blockwise"):
            j, peak = timed([args.cli, "bench", model, "--ids", ids, "--threads", str(args.threads),
                             "--repeat", str(args.repeat), "--attention", mode, "--json"])
            rows.append({"positions": length, "attention": mode, "seconds_median": j["seconds_median"],
                         "peak_rss_mb": round(peak, 1)})
            print(f"S={length:6d} {mode:9s} {j['seconds_median']:8.3f} s   peak RSS {peak:8.1f} MB", flush=True)
    # One attention row of the longest run, its maps kept under a 64 MB budget.
    longest = max(int(x) for x in args.lengths.split(","))
    ids = os.path.join(args.workdir, f"ids-{longest}.json")
    j, peak = timed([args.cli, "run", model, "--ids", ids, "--threads", str(args.threads),
                     "--capture", "attention", "--attention-budget", "64", "--row", f"3.2.{longest // 2}", "--json"])
    row = j["row"]
    print(f"S={longest}: run with attention capture under a 64 MB budget: peak RSS {peak:.1f} MB; "
          f"row 3.2.{longest // 2} recomputed={row['recomputed']} in {row['milliseconds']:.2f} ms")
    rows.append({"positions": longest, "row_ms": row["milliseconds"], "row_recomputed": row["recomputed"],
                 "capture_peak_rss_mb": round(peak, 1)})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
