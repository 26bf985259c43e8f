#!/usr/bin/python3
"""Side-by-side throughput of GTScope's CPU engine (`gtscope-cli bench`) and the PyTorch
reference (tests/reference/graphgpt_ref.py, float32, batched and padded) on the same ids.

  (a) GraphGPT-mini-sized model (hidden 256, 4 layers, 4 heads, intermediate 1024) on 256
      molecules of RDKit's NCI first_5K.smi tokenized with GraphGPT's pcqm4m-v2 vocab;
  (b) GraphGPT-base-sized model (hidden 768, 12 layers, 12 heads, intermediate 3072) on one
      1024-position sequence of random valid ids.

Each is timed without and with attention capture; both sides run one warm-up pass and then
`--repeat` timed passes over all sequences, and the median is reported. The two sides' outputs
are compared on a few sequences (`gtscope-cli run --ids` against the reference).

Usage: /usr/bin/python3 tests/bench/side_by_side.py --cli build/release/app/gtscope-cli
       [--threads 2] [--repeat 5] [--batch 64] [--workdir build/bench-models] [--only a|b]
       [--json out.json]
See tests/bench/README.md for the protocol and measured results.
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

DEFAULT_VOCAB = "/work/shared/graphgpt/pcqm4m-v2.vocab"
DEFAULT_SMILES = "/usr/share/RDKit/Data/NCI/first_5K.smi"

# The two model shapes. stacked_feat 13 with sum aggregation is GraphGPT's pcqm4m-v2 setting;
# (b) keeps it so both models embed positions the same way (the embedding is a negligible
# share of the work either way).
COMMON = {
    "hidden_act": "gelu", "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
    "max_position_embeddings": 1024, "causal_attention": False, "tie_word_embeddings": False,
    "attention_bias": False, "mlp_bias": False, "layer_scale_init_value": 0.0,
    "pad_token_id": 0, "stacked_feat": 13, "stack_method": "short",
    "stacked_feat_agg_method": "sum", "next_n_token": 1, "num_labels": 1,
    "problem_type": "regression", "mlp": [], "pooling_method": "last",
}
MODELS = {
    "a": {"title": "GraphGPT-mini-sized, 256 molecules", "seed": 1001,
          "config": {"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
                     "intermediate_size": 1024}},
    "b": {"title": "GraphGPT-base-sized, one 1024-position sequence", "seed": 2002,
          "config": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                     "intermediate_size": 3072}},
}
TOKENIZATION = {"node_scope": 64, "scope_base": 64}
BASE_SEQUENCE_LENGTH = 1024

# HF's initializer_range for Llama; norms start at 1 and the padding row of the embedding is 0.
INIT_STD = 0.02


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True, help="path of gtscope-cli")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5, help="timed passes after the warm-up")
    ap.add_argument("--repeat-b", type=int, help="timed passes for (b) (default: --repeat)")
    ap.add_argument("--batch", type=int, default=64,
                    help="sequences per batch for (a), both sides (default 64)")
    ap.add_argument("--count", type=int, default=256, help="molecules for (a)")
    ap.add_argument("--workdir", default=os.path.join(REPO, "build", "bench-models"))
    ap.add_argument("--only", choices=["a", "b"])
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--vocab", default=DEFAULT_VOCAB)
    ap.add_argument("--smiles", default=DEFAULT_SMILES)
    ap.add_argument("--omp-wait-policy", choices=["passive", "active", "default"], default="passive",
                    help="OMP_WAIT_POLICY for torch (default passive: spinning OpenMP threads "
                         "lose their time slices when the cores are shared)")
    return ap.parse_args(argv)


ARGS = parse_args(sys.argv[1:])
# OpenBLAS (OpenMP build) and torch's OpenMP pool read this when they load.
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
if ARGS.omp_wait_policy != "default":
    os.environ["OMP_WAIT_POLICY"] = ARGS.omp_wait_policy.upper()

import torch  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "tests", "reference"))
import graphgpt_ref  # noqa: E402
import safetensors_io  # noqa: E402


# -- model folders ----------------------------------------------------------------------------
def vocab_size_of(vocab_path):
    """GraphGPT's vocab file: "token id" per line; the table needs max id + 1 rows."""
    top = 0
    with open(vocab_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                top = max(top, int(parts[-1]))
    return top + 1


def random_weights(cfg, seed):
    gen = torch.Generator().manual_seed(seed)
    D, I, V = cfg.hidden_size, cfg.intermediate_size, cfg.vocab_size
    Hd = cfg.num_attention_heads * cfg.head_dim
    KVd = cfg.num_key_value_heads * cfg.head_dim

    def normal(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float32) * INIT_STD

    w = {}
    embed = normal(V, D)
    embed[cfg.pad_token_id] = 0
    w["model.embed_tokens.weight"] = embed
    for i in range(cfg.num_hidden_layers):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = torch.ones(D)
        w[p + "self_attn.q_proj.weight"] = normal(Hd, D)
        w[p + "self_attn.k_proj.weight"] = normal(KVd, D)
        w[p + "self_attn.v_proj.weight"] = normal(KVd, D)
        w[p + "self_attn.o_proj.weight"] = normal(D, Hd)
        w[p + "post_attention_layernorm.weight"] = torch.ones(D)
        w[p + "mlp.gate_proj.weight"] = normal(I, D)
        w[p + "mlp.up_proj.weight"] = normal(I, D)
        w[p + "mlp.down_proj.weight"] = normal(D, I)
    w["model.norm.weight"] = torch.ones(D)
    w["score.weight"] = normal(cfg.num_labels, D)  # GraphGPT's score Linear has no bias
    return w


def write_model(folder, key, vocab_path):
    """Writes config.json, model.safetensors, the vocab and tokenization.json; returns
    (config, tensors). Rewrites only when the config changed (the weights are seeded)."""
    spec = MODELS[key]
    config = dict(COMMON, **spec["config"], vocab_size=vocab_size_of(vocab_path))
    os.makedirs(folder, exist_ok=True)
    config_path = os.path.join(folder, "config.json")
    weights_path = os.path.join(folder, "model.safetensors")
    cfg = graphgpt_ref.GraphGptConfig(config)
    metadata = {"seed": str(spec["seed"])}
    tensors = None
    if os.path.exists(config_path) and os.path.exists(weights_path):
        with open(config_path) as f:
            if json.load(f) == config:
                tensors, stored = safetensors_io.load(weights_path)
                if stored != metadata:
                    tensors = None
    if tensors is None:
        tensors = random_weights(cfg, spec["seed"])
        safetensors_io.save(weights_path, tensors, metadata)
        with open(config_path, "w") as f:
            json.dump(config, f, indent=1)
    with open(vocab_path) as src, open(os.path.join(folder, "pcqm4m-v2.vocab"), "w") as dst:
        dst.write(src.read())
    with open(os.path.join(folder, "tokenization.json"), "w") as f:
        json.dump(TOKENIZATION, f)
    return cfg, tensors


# -- the two sides ----------------------------------------------------------------------------
def run_cli(args, what):
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{what} failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gtscope_bench(cli, model_dir, ids_path, batch, threads, repeat, capture):
    args = [cli, "bench", model_dir, "--ids", ids_path, "--batch", str(batch), "--threads",
            str(threads), "--repeat", str(repeat), "--json"]
    if capture:
        args += ["--capture", "attention"]
    r = run_cli(args, "gtscope-cli bench")
    return {"seconds": r["seconds"], "positions": r["positions"], "sequences": r["sequences"]}


def padded_batch(sequences, width):
    """[B][positions][slots] -> ids [B, S, width] (right padding with pad id 0), lengths [B]."""
    lengths = torch.tensor([len(s) for s in sequences])
    ids = torch.zeros(len(sequences), int(lengths.max()), width, dtype=torch.long)
    for b, seq in enumerate(sequences):
        for p, slots in enumerate(seq):
            ids[b, p, :len(slots)] = torch.tensor(slots, dtype=torch.long)
    return ids, lengths


def torch_bench(model, sequences, batch, repeat, capture):
    """One warm-up pass and `repeat` timed passes over all sequences in padded batches. With
    capture the forward keeps every layer's attention probabilities [B, H, S, S] (and residual
    stream), as the reference does for fixtures; the batch's outputs stay alive until the next
    batch, as a GTScope run result does."""
    width = model.cfg.stacked_feat
    batches = [padded_batch(sequences[i:i + batch], width) for i in range(0, len(sequences), batch)]
    captured = 0

    def once():
        nonlocal captured
        t0 = time.perf_counter()
        held = None
        for ids, lengths in batches:
            held = None  # free the previous batch's outputs first, as a GTScope run does
            held = model.forward(ids, lengths, capture=capture)
            if capture:
                captured = sum(a.numel() for a in held["attn"])
        held = None
        return time.perf_counter() - t0

    with torch.no_grad():
        once()
        seconds = [once() for _ in range(repeat)]
    padded = sum(int(ids.shape[0] * ids.shape[1]) for ids, _ in batches)
    return {"seconds": seconds, "positions": sum(len(s) for s in sequences),
            "padded_positions": padded, "captured_floats_last_batch": captured}


def torch_outputs(model, sequences):
    """Regression outputs of each sequence run alone (no padding)."""
    out = []
    with torch.no_grad():
        for seq in sequences:
            ids, lengths = padded_batch([seq], model.cfg.stacked_feat)
            out.append(model.forward(ids, lengths, capture=False)["logits"][0].tolist())
    return out


def torch_batched_outputs(model, sequences, picks, batch):
    """The same outputs taken from the padded batches the benchmark runs."""
    out = {}
    with torch.no_grad():
        for start in range(0, len(sequences), batch):
            wanted = [k for k in picks if start <= k < start + batch]
            if not wanted:
                continue
            ids, lengths = padded_batch(sequences[start:start + batch], model.cfg.stacked_feat)
            logits = model.forward(ids, lengths, capture=False)["logits"]
            for k in wanted:
                out[k] = logits[k - start].tolist()
    return [out[k] for k in picks]


def agreement(cli, model_dir, model, sequences, picks, batch, workdir):
    """Max |GTScope - PyTorch| on the outputs of the sequences `picks` (GTScope run --ids vs the
    reference alone and in its padded batch)."""
    ours = []
    for k in picks:
        path = os.path.join(workdir, f"one_{k}.json")
        with open(path, "w") as f:
            json.dump({"ids": sequences[k]}, f)
        r = run_cli([cli, "run", model_dir, "--ids", path, "--threads", str(ARGS.threads),
                     "--json"], "gtscope-cli run")
        ours.append(r["output"])
    alone = torch_outputs(model, [sequences[k] for k in picks])
    batched = torch_batched_outputs(model, sequences, picks, batch)

    def max_diff(xs, ys):
        return max(abs(x - y) for a, b in zip(xs, ys) for x, y in zip(a, b))

    scale = max(abs(v) for o in alone for v in o)
    return {"sequences": picks, "positions": [len(sequences[k]) for k in picks],
            "gtscope": ours, "torch": alone,
            "max_abs_diff": max_diff(ours, alone), "max_abs_output": scale,
            "max_abs_diff_torch_padded_vs_alone": max_diff(batched, alone)}


def attention_agreement(cli, model_dir, model, sequence, workdir):
    """Max |GTScope - PyTorch| over every layer's captured attention of one sequence."""
    ids_path = os.path.join(workdir, "attn_check.json")
    out_path = os.path.join(workdir, "attn_check.safetensors")
    with open(ids_path, "w") as f:
        json.dump({"ids": sequence}, f)
    run_cli([cli, "run", model_dir, "--ids", ids_path, "--capture", "attention", "--out", out_path,
             "--json"], "gtscope-cli run --capture attention")
    ours, _ = safetensors_io.load(out_path)
    ids, lengths = padded_batch([sequence], model.cfg.stacked_feat)
    with torch.no_grad():
        ref = model.forward(ids, lengths, capture=True)["attn"]
    return max(float((ours[f"attn.{l}"] - ref[l][0]).abs().max()) for l in range(len(ref)))


# -- inputs -----------------------------------------------------------------------------------
def molecule_ids(cli, model_dir, workdir, count, smiles):
    """Tokenizes molecules once with GTScope (bench skips molecules with more atoms than the
    node scope or unknown tokens) and returns the first `count` sequences and the ids file."""
    path = os.path.join(workdir, "ids.json")
    r = run_cli([cli, "bench", model_dir, "--graphs", smiles, "--limit", str(count),
                 "--repeat", "1", "--dump-ids", path, "--json"], "gtscope-cli bench --dump-ids")
    with open(path) as f:
        sequences = [s["ids"] for s in json.load(f)["sequences"]]
    if len(sequences) < count:
        sys.exit(f"{smiles}: only {len(sequences)} molecules tokenized, {count} wanted")
    return path, sequences[:count], r.get("skipped", 0)


def random_ids(workdir, cfg, length, seed):
    """One sequence of `length` positions, each stacked_feat random ids from 1..vocab-1."""
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(1, cfg.vocab_size, (length, cfg.stacked_feat), generator=gen).tolist()
    path = os.path.join(workdir, "ids.json")
    with open(path, "w") as f:
        json.dump({"sequences": [{"ids": ids}]}, f)
    return path, [ids]


# -- reporting --------------------------------------------------------------------------------
def summary(seconds, positions):
    med = statistics.median(seconds)
    return {"seconds": seconds, "median_s": med, "min_s": min(seconds), "max_s": max(seconds),
            "positions_per_second": positions / med}


def blas_libraries():
    """The BLAS / OpenMP libraries this process has loaded (after a matmul)."""
    (torch.randn(64, 64) @ torch.randn(64, 64)).sum()
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            name = os.path.basename(path)
            if any(t in name for t in ("blas", "lapack", "gomp", "libomp", "mkl")):
                libs.add(path)
    return sorted(libs)


def run_case(key, cli, workdir):
    spec = MODELS[key]
    folder = os.path.join(workdir, f"model_{key}")
    cfg, tensors = write_model(folder, key, ARGS.vocab)
    model = graphgpt_ref.GraphGptReference(cfg, tensors, torch.float32)
    case_dir = os.path.join(workdir, f"inputs_{key}")
    os.makedirs(case_dir, exist_ok=True)
    if key == "a":
        ids_path, sequences, skipped = molecule_ids(cli, folder, case_dir, ARGS.count, ARGS.smiles)
        batch, repeat = ARGS.batch, ARGS.repeat
        with open(ids_path, "w") as f:  # exactly the sequences both sides time
            json.dump({"sequences": [{"ids": s} for s in sequences]}, f)
        by_length = sorted(range(len(sequences)), key=lambda k: len(sequences[k]))
        picks = sorted({0, by_length[len(by_length) // 2], by_length[-1]})
    else:
        ids_path, sequences = random_ids(case_dir, cfg, BASE_SEQUENCE_LENGTH, spec["seed"] + 1)
        skipped = 0
        batch, repeat = 1, ARGS.repeat_b or ARGS.repeat
        picks = [0]
    print(f"\n({key}) {spec['title']}: hidden {cfg.hidden_size}, {cfg.num_hidden_layers} layers, "
          f"{cfg.num_attention_heads} heads, intermediate {cfg.intermediate_size}, "
          f"vocab {cfg.vocab_size}, stacked_feat {cfg.stacked_feat}; {len(sequences)} sequences, "
          f"{sum(len(s) for s in sequences)} positions (lengths {min(len(s) for s in sequences)}.."
          f"{max(len(s) for s in sequences)}), batch {batch}, {repeat} timed passes",
          flush=True)

    rows = []
    for capture in (False, True):
        load_before = os.getloadavg()[0]
        g = gtscope_bench(cli, folder, ids_path, batch, ARGS.threads, repeat, capture)
        t = torch_bench(model, sequences, batch, repeat, capture)
        load_after = os.getloadavg()[0]
        assert g["positions"] == t["positions"], (g["positions"], t["positions"])
        gs, ts = summary(g["seconds"], g["positions"]), summary(t["seconds"], t["positions"])
        row = {"capture_attention": capture, "gtscope": gs, "torch": ts,
               "ratio_gtscope_over_torch": gs["positions_per_second"] / ts["positions_per_second"],
               "torch_padded_positions": t["padded_positions"],
               "load_average_1min": [load_before, load_after]}
        if capture:
            row["torch_captured_floats_last_batch"] = t["captured_floats_last_batch"]
        rows.append(row)
        print(f"  capture={'attention' if capture else 'none':9s} GTScope "
              f"{gs['positions_per_second']:9.0f} pos/s  PyTorch {ts['positions_per_second']:9.0f} "
              f"pos/s  ratio {row['ratio_gtscope_over_torch']:.2f}  (load average "
              f"{load_before:.1f} -> {load_after:.1f})", flush=True)

    check = agreement(cli, folder, model, sequences, picks, batch, case_dir)
    if key == "a":
        check["max_abs_diff_attention"] = attention_agreement(
            cli, folder, model, sequences[by_length[-1]], case_dir)
    return {"key": key, "title": spec["title"], "config": cfg.raw, "sequences": len(sequences),
            "positions": sum(len(s) for s in sequences), "skipped_molecules": skipped,
            "batch": batch, "repeat": repeat, "threads": ARGS.threads, "rows": rows,
            "agreement": check}


def print_table(results):
    print("\nthroughput in positions/s (median of the timed passes; [min, max] from the fastest and "
          "slowest pass)")
    head = (f"{'case':4s} {'capture':9s} {'batch':>5s} {'GTScope pos/s':>14s} {'[min, max]':>19s} "
            f"{'PyTorch pos/s':>14s} {'[min, max]':>19s} {'ratio':>6s} {'GTS median s':>12s} "
            f"{'torch median s':>14s}")
    print(head)
    print("-" * len(head))
    for r in results:
        n = r["positions"]
        for row in r["rows"]:
            g, t = row["gtscope"], row["torch"]
            print(f"{r['key']:4s} {'attention' if row['capture_attention'] else 'none':9s} "
                  f"{r['batch']:5d} {g['positions_per_second']:14.0f} "
                  f"{'[%.0f, %.0f]' % (n / g['max_s'], n / g['min_s']):>19s} "
                  f"{t['positions_per_second']:14.0f} "
                  f"{'[%.0f, %.0f]' % (n / t['max_s'], n / t['min_s']):>19s} "
                  f"{row['ratio_gtscope_over_torch']:6.2f} {g['median_s']:12.4f} "
                  f"{t['median_s']:14.4f}")
    print("\nagreement (regression output, float32):")
    for r in results:
        c = r["agreement"]
        line = (f"  ({r['key']}) sequences {c['sequences']} ({c['positions']} positions): "
                f"max |GTScope - PyTorch| {c['max_abs_diff']:.3g} (outputs up to "
                f"{c['max_abs_output']:.3g}); PyTorch padded batch vs alone "
                f"{c['max_abs_diff_torch_padded_vs_alone']:.3g}")
        if "max_abs_diff_attention" in c:
            line += f"; attention of sequence {c['sequences'][-1]}: {c['max_abs_diff_attention']:.3g}"
        print(line)


def main():
    cli = os.path.abspath(ARGS.cli)
    if not os.access(cli, os.X_OK):
        sys.exit(f"{cli}: not an executable (build gtscope-cli first)")
    workdir = os.path.abspath(ARGS.workdir)
    os.makedirs(workdir, exist_ok=True)
    torch.set_num_threads(ARGS.threads)
    torch.set_grad_enabled(False)

    libs = blas_libraries()
    parallel = torch.__config__.parallel_info()
    backend = next((l.split(":", 1)[1].strip() for l in parallel.splitlines()
                    if "parallel backend" in l), "?")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               platform.processor())
    print(f"machine: {cpu}, {os.cpu_count()} logical CPUs; threads {ARGS.threads} "
          f"(OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, torch.get_num_threads()="
          f"{torch.get_num_threads()}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')})")
    print(f"torch {torch.__version__}, parallel backend {backend}, loaded: {', '.join(libs)}")
    if not any("openblas" in l for l in libs):
        print("warning: torch is not using OpenBLAS", file=sys.stderr)

    results = [run_case(k, cli, workdir) for k in ("a", "b") if ARGS.only in (None, k)]
    print_table(results)
    if ARGS.json:
        with open(ARGS.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "machine": cpu,
                       "logical_cpus": os.cpu_count(), "threads": ARGS.threads,
                       "torch": torch.__version__, "torch_parallel_backend": backend,
                       "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
                       "blas_libraries": libs, "cli": cli, "results": results}, f, indent=1)
        print(f"\nwrote {ARGS.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
