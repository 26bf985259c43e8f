#!/usr/bin/python3
"""Self-checks of the PyTorch reference and its fixtures; exits non-zero on any failure.

1. graphgpt_ref agrees (float64, 1e-9) with a separate per-position loop implementation in
   numpy below, on every fixture, with and without interventions.
2. Padding invariance: each sequence alone and inside a padded batch give the same outputs
   (1e-6, float64); float32 mode stays within 1e-4 of float64.
3. The committed fixtures: model.safetensors and pytorch_model.bin hold the same weights, both
   reproduce expected*.safetensors, and make_fixtures.py regenerates the same files.
4. safetensors_io round-trips every dtype and refuses malformed files.
5. GraphGPT's config rules.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import graphgpt_ref  # noqa: E402
import safetensors_io  # noqa: E402

FIXTURES = os.path.normpath(os.path.join(HERE, "..", "fixtures", "model"))
FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def max_diff(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


# --- an independent loop implementation (numpy, one position at a time) -----------------------

def act_scalar(name):
    if name == "gelu":
        return np.vectorize(lambda v: 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))))
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        k = math.sqrt(2.0 / math.pi)
        return lambda v: 0.5 * v * (1.0 + np.tanh(k * (v + 0.044715 * v * v * v)))
    if name in ("silu", "swish"):
        return lambda v: v / (1.0 + np.exp(-v))
    if name == "relu":
        return lambda v: np.maximum(v, 0.0)
    raise ValueError(name)


def loop_forward(cfg, tensors, ids, head_mask=(), skip_layers=(), keep_tokens=None):
    """One sequence, float64, explicit loops over positions, heads and keys."""
    W = {k: v.to(torch.float64).numpy() for k, v in tensors.items() if v.is_floating_point()}
    D, H, KV, d = cfg.hidden_size, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
    group = H // KV
    act = act_scalar(cfg.hidden_act)
    keep_tokens = {int(k): set(v) for k, v in (keep_tokens or {}).items()}

    def lin(x, name):
        y = W[name + ".weight"] @ x
        return y + W[name + ".bias"] if name + ".bias" in W else y

    def norm(x, name):
        return x / math.sqrt(float(np.mean(x * x)) + cfg.rms_norm_eps) * W[name]

    def rope(vec, p):
        out = vec.copy()
        for i in range(d // 2):
            angle = p * cfg.rope_theta ** (-2.0 * i / d)
            c, s = math.cos(angle), math.sin(angle)
            out[i] = vec[i] * c - vec[i + d // 2] * s
            out[i + d // 2] = vec[i + d // 2] * c + vec[i] * s
        return out

    E = W["model.embed_tokens.weight"]
    xs = []
    for slots in ids:
        if cfg.stack_method is None:
            e = E[slots[0]].copy()
        else:
            full = list(slots) + [0] * (cfg.stacked_feat - len(slots))
            if cfg.stacked_feat_agg_method == "gated":
                e = sum(W["stacked_feat_agg.weight"][f] * E[t] for f, t in enumerate(full))
            else:
                e = sum(E[t] for t in full)
            if cfg.stack_method == "long":
                e = e * min(1.0, 1.0 / (sum(1 for t in full if t != 0) + 1e-7))
        xs.append(e)
    positions = list(range(len(ids)))
    out = {"embeddings": np.array(xs), "attn": [], "residual": [], "positions": []}
    for l in range(cfg.num_hidden_layers):
        if l in keep_tokens:
            sel = [j for j, p in enumerate(positions) if p in keep_tokens[l]]
            xs = [xs[j] for j in sel]
            positions = [positions[j] for j in sel]
        n = len(xs)
        if l in skip_layers:
            out["attn"].append(None)
            out["residual"].append(np.array(xs))
            out["positions"].append(list(positions))
            continue
        pre = f"model.layers.{l}."
        qs, ks, vs = [], [], []
        for j, x in enumerate(xs):
            h = norm(x, pre + "input_layernorm.weight")
            q = lin(h, pre + "self_attn.q_proj")
            k = lin(h, pre + "self_attn.k_proj")
            v = lin(h, pre + "self_attn.v_proj")
            qs.append([rope(q[a * d:(a + 1) * d], positions[j]) for a in range(H)])
            ks.append([rope(k[a * d:(a + 1) * d], positions[j]) for a in range(KV)])
            vs.append([v[a * d:(a + 1) * d] for a in range(KV)])
        probs = np.zeros((H, n, n))
        new_xs = []
        for i in range(n):
            concat = np.zeros(H * d)
            for a in range(H):
                g = a // group
                allowed = [j for j in range(n)
                           if not (cfg.causal_attention and positions[j] > positions[i])]
                scores = {j: float(qs[i][a] @ ks[j][g]) / math.sqrt(d) for j in allowed}
                top = max(scores.values())
                z = sum(math.exp(s - top) for s in scores.values())
                for j, s in scores.items():
                    probs[a, i, j] = math.exp(s - top) / z
                if (l, a) in head_mask:
                    continue
                concat[a * d:(a + 1) * d] = sum(probs[a, i, j] * vs[j][g] for j in allowed)
            attn_out = lin(concat, pre + "self_attn.o_proj")
            if pre + "lambda_1" in W:
                attn_out = attn_out * W[pre + "lambda_1"]
            hmid = xs[i] + attn_out
            h2 = norm(hmid, pre + "post_attention_layernorm.weight")
            m = lin(act(lin(h2, pre + "mlp.gate_proj")) * lin(h2, pre + "mlp.up_proj"),
                    pre + "mlp.down_proj")
            if pre + "lambda_2" in W:
                m = m * W[pre + "lambda_2"]
            new_xs.append(hmid + m)
        xs = new_xs
        out["attn"].append(probs)
        out["residual"].append(np.array(xs))
        out["positions"].append(list(positions))
    ys = [norm(x, "model.norm.weight") for x in xs]
    out["hidden"] = np.array(ys)
    if "score.weight" in W or "score.mlp_modules.0.weight" in W:
        rows = []
        for y in ys:
            if "score.weight" in W:
                rows.append(lin(y, "score"))
                continue
            k = 0
            while f"score.mlp_modules.{k}.weight" in W:
                y = lin(act(y), f"score.mlp_modules.{k}")
                k += 1
            rows.append(y)
        out["token_logits"] = np.array(rows)
        out["logits"] = rows[-1]
    else:
        head = W["model.embed_tokens.weight"] if cfg.tie_word_embeddings else W["lm_head.weight"]
        rows = []
        for y in ys:
            z = W["n_token_proj.weight"] @ y if cfg.next_n_token > 1 else y
            slots = z.reshape(cfg.next_n_token, D)
            rows.append(np.array([head @ s for s in slots]))
        out["logits"] = np.array(rows)
    return out


def compare_results(ref, loop, tol, what):
    for key in ("logits", "hidden", "embeddings", "token_logits"):
        if key in loop:
            check(max_diff(ref[key], loop[key]) <= tol, f"{what}: {key} differs from the loop")
    for l, (a, b) in enumerate(zip(ref["attn"], loop["attn"])):
        check((a is None) == (b is None), f"{what}: layer {l} skipped in one only")
        if a is not None:
            check(max_diff(a, b) <= tol, f"{what}: attn layer {l} differs from the loop")
    for l, (a, b) in enumerate(zip(ref["residual"], loop["residual"])):
        check(max_diff(a, b) <= tol, f"{what}: residual layer {l} differs from the loop")
    for l, (a, b) in enumerate(zip(ref["positions"], loop["positions"])):
        check(list(a.tolist()) == list(b), f"{what}: positions layer {l}")


# --- the checks ---------------------------------------------------------------------------

def fixture_names():
    return sorted(n for n in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, n)))


def load_fixture(name):
    folder = os.path.join(FIXTURES, name)
    cfg = graphgpt_ref.load_config(folder)
    with open(os.path.join(folder, "inputs.json")) as f:
        seqs = [s["ids"] for s in json.load(f)["sequences"]]
    iv = None
    if os.path.exists(os.path.join(folder, "interventions.json")):
        with open(os.path.join(folder, "interventions.json")) as f:
            iv = json.load(f)
    return folder, cfg, seqs, iv


def check_against_loop(name):
    folder, cfg, seqs, iv = load_fixture(name)
    tensors = graphgpt_ref.load_tensors(folder)
    model = graphgpt_ref.GraphGptReference(cfg, tensors, torch.float64)
    runs = [((), (), None)]
    if iv:
        runs.append(([tuple(x) for x in iv["head_mask"]], set(iv["skip_layers"]),
                     iv["keep_tokens"]))
    for head_mask, skip, keep in runs:
        results = model.run(seqs, head_mask, skip, keep)
        for s, ids in enumerate(seqs):
            loop = loop_forward(cfg, tensors, ids, head_mask, skip, keep)
            compare_results(results[s], loop, 1e-9,
                            f"{name} seq {s}{' (interventions)' if keep else ''}")


def check_padding_invariance(name):
    folder, cfg, seqs, _ = load_fixture(name)
    tensors = graphgpt_ref.load_tensors(folder)
    m64 = graphgpt_ref.GraphGptReference(cfg, tensors, torch.float64)
    m32 = graphgpt_ref.GraphGptReference(cfg, tensors, torch.float32)
    batch = m64.run(seqs)
    batch32 = m32.run(seqs)
    for s, ids in enumerate(seqs):
        alone = m64.run([ids])[0]
        for key in ("logits", "hidden", "embeddings"):
            check(max_diff(alone[key], batch[s][key]) <= 1e-6,
                  f"{name} seq {s}: {key} depends on padding")
        for l in range(cfg.num_hidden_layers):
            check(max_diff(alone["attn"][l], batch[s]["attn"][l]) <= 1e-6,
                  f"{name} seq {s}: attn {l} depends on padding")
            check(max_diff(alone["residual"][l], batch[s]["residual"][l]) <= 1e-6,
                  f"{name} seq {s}: residual {l} depends on padding")
        # Padding keys get exactly zero probability in the batched run.
        for l in range(cfg.num_hidden_layers):
            a = batch[s]["attn"][l]
            check(max_diff(a.sum(-1), np.ones(a.shape[:-1])) <= 1e-12,
                  f"{name} seq {s}: attn {l} rows do not sum to 1 over real keys")
        check(max_diff(batch32[s]["logits"], batch[s]["logits"]) <= 1e-4,
              f"{name} seq {s}: float32 logits off float64 by more than 1e-4")


def check_fixture_files(name):
    folder, cfg, seqs, iv = load_fixture(name)
    st, meta = safetensors_io.load(os.path.join(folder, "model.safetensors"))
    check(meta is not None and meta.get("format") == "pt", f"{name}: safetensors metadata")
    state = torch.load(os.path.join(folder, "pytorch_model.bin"), map_location="cpu")
    state = graphgpt_ref.strip_module_prefix(dict(state))
    for k, v in st.items():
        check(k in state and state[k].dtype == v.dtype and torch.equal(state[k], v),
              f"{name}: {k} differs between model.safetensors and pytorch_model.bin")
    check(st["model.embed_tokens.weight"][cfg.pad_token_id].abs().max() == 0,
          f"{name}: embedding pad row is not zero")
    for s in seqs:
        for slots in s:
            check(len(slots) == cfg.stacked_feat and all(0 <= t < cfg.vocab_size for t in slots)
                  and slots[0] != 0, f"{name}: bad input position {slots}")
    expected_files = [("expected.safetensors", ((), (), None))]
    if iv:
        expected_files.append(("expected_interventions.safetensors",
                               ([tuple(x) for x in iv["head_mask"]], set(iv["skip_layers"]),
                                iv["keep_tokens"])))
    for tensors in (st, state):
        model = graphgpt_ref.GraphGptReference(cfg, tensors, torch.float64)
        for fname, (hm, skip, keep) in expected_files:
            expected, _ = safetensors_io.load(os.path.join(folder, fname))
            got = graphgpt_ref.result_tensors(model.run(seqs, hm, skip, keep))
            check(sorted(expected) == sorted(got), f"{name}/{fname}: tensor names differ")
            for k in expected:
                if k in got:
                    check(expected[k].dtype == got[k].dtype and
                          max_diff(expected[k], got[k]) <= 1e-6,
                          f"{name}/{fname}: {k} not reproduced")


def check_regeneration():
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
        subprocess.run([sys.executable, os.path.join(HERE, "make_fixtures.py"), tmp],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        check(sorted(os.listdir(tmp)) == fixture_names(), "fixture folders differ from generator")
        for name in os.listdir(tmp):
            committed = os.path.join(FIXTURES, name)
            for fname in sorted(os.listdir(os.path.join(tmp, name))):
                fresh = os.path.join(tmp, name, fname)
                old = os.path.join(committed, fname)
                if not os.path.exists(old):
                    check(False, f"{name}/{fname}: generated but not committed")
                    continue
                if fname.endswith(".safetensors"):
                    a, _ = safetensors_io.load(fresh)
                    b, _ = safetensors_io.load(old)
                    check(sorted(a) == sorted(b) and all(
                        a[k].dtype == b[k].dtype and max_diff(a[k].float(), b[k].float()) <= 1e-6
                        for k in a), f"{name}/{fname}: regenerated tensors differ")
                elif fname.endswith(".bin"):
                    a = torch.load(fresh, map_location="cpu")
                    b = torch.load(old, map_location="cpu")
                    check(list(a) == list(b) and all(torch.equal(a[k], b[k]) for k in a),
                          f"{name}/{fname}: regenerated state dict differs")
                else:
                    with open(fresh, "rb") as f1, open(old, "rb") as f2:
                        check(f1.read() == f2.read(), f"{name}/{fname}: regenerated file differs")


def check_safetensors_io():
    gen = torch.Generator().manual_seed(7)
    tensors = {
        "f64": torch.randn(2, 3, generator=gen, dtype=torch.float64),
        "f32": torch.randn(3, generator=gen),
        "f16": torch.randn(4, 1, generator=gen).half(),
        "bf16": torch.randn(5, generator=gen).bfloat16(),
        "i64": torch.arange(-3, 3),
        "i32": torch.arange(6, dtype=torch.int32).reshape(2, 3),
        "u8": torch.arange(3, dtype=torch.uint8),
        "bool": torch.tensor([True, False]),
        "empty": torch.zeros(0, 4),
        "scalar": torch.tensor(2.5),
    }
    data = safetensors_io.dumps(tensors, {"k": "v"})
    header_len = int.from_bytes(data[:8], "little")
    check(header_len % 8 == 0, "safetensors header not padded to 8 bytes")
    back, meta = safetensors_io.parse(data)
    check(meta == {"k": "v"}, "safetensors metadata lost")
    for k, v in tensors.items():
        check(k in back and back[k].dtype == v.dtype and back[k].shape == v.shape and
              torch.equal(back[k], v), f"safetensors round trip of {k}")
    # The bf16 bit pattern is the top half of the f32 one.
    bf = safetensors_io.dumps({"x": torch.tensor([1.0, -2.0]).bfloat16()})
    check(bf[-4:] == bytes([0x80, 0x3f, 0x00, 0xc0]), "bf16 bytes")

    def refused(blob):
        try:
            safetensors_io.parse(blob)
        except safetensors_io.SafetensorsError:
            return True
        return False

    check(refused(data[:-1]), "truncated buffer accepted")
    check(refused(data[:5]), "truncated length accepted")
    check(refused((10 ** 12).to_bytes(8, "little") + data[8:]), "huge header length accepted")
    bad = json.dumps({"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}).encode()
    check(refused(len(bad).to_bytes(8, "little") + bad + b"\0" * 12), "gap accepted")
    bad = json.dumps({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}).encode()
    check(refused(len(bad).to_bytes(8, "little") + bad + b"\0" * 8), "size mismatch accepted")


def check_config_rules():
    c = graphgpt_ref.GraphGptConfig({"vocab_size": 10, "hidden_size": 128,
                                     "num_hidden_layers": 1, "intermediate_size": 0,
                                     "num_attention_heads": 0})
    check((c.intermediate_size, c.num_attention_heads, c.head_dim, c.num_key_value_heads)
          == (512, 2, 64, 2), "GraphGPT 0-size rule")
    c = graphgpt_ref.GraphGptConfig({"vocab_size": 10, "hidden_size": 48, "num_hidden_layers": 1,
                                     "intermediate_size": 96, "num_attention_heads": 6,
                                     "num_key_value_heads": 2, "head_dim": None})
    check((c.head_dim, c.num_key_value_heads) == (8, 2), "head_dim / kv heads rule")


def main():
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.set_grad_enabled(False)
    names = fixture_names()
    check(len(names) >= 5, f"expected the fixtures under {FIXTURES}")
    check_safetensors_io()
    check_config_rules()
    for name in names:
        check_against_loop(name)
        check_padding_invariance(name)
        check_fixture_files(name)
    check_regeneration()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print(f"reference self-check passed ({len(names)} fixtures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
