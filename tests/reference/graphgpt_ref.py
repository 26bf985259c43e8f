#!/usr/bin/python3
"""An independent PyTorch implementation of the GraphGPT forward (the reference for GTScope's
engine), written from the formulas in core/model/Run.h and the facts of GraphGPT's public code
(alibaba/graph-gpt src/models/graphgpt, src/utils/modules_utils.py) and HF modeling_llama:

  x_0 = aggregate_f E[id_{p,f}]      sum, or gated: einsum("nsfd,fd->nsd", E[ids], agg);
                                     stack_method "long": x_0 / (#ids != 0 + 1e-7), ratio <= 1
  per layer: h = x + λ1 ⊙ o_proj(Attn(RMSNorm_in(x)))
             x = h + λ2 ⊙ down(act(gate(RMSNorm_post(h))) ⊙ up(RMSNorm_post(h)))
  Attn: RoPE half split on q, k (inv_freq = θ^(-2i/d), rotate_half(x) = cat(-x2, x1));
        softmax(q kᵀ / √d + mask), kv head of query head h = h // (heads / kv_heads);
        mask: padded keys out for every query, plus causal when causal_attention.
  y = RMSNorm_final(x_L), RMSNorm(x) = x · rsqrt(mean(x²) + eps) · w
  pre-training: lm_head(n_token_proj(y) reshaped [S, next_n, D]) -> [S, next_n, V]
  fine-tuning:  score(y) -> [S, labels]; the prediction is at the last non-pad position.
                score MLP (modules_utils.MLP): for each Linear, x = Linear(act(x)).

Usage: graphgpt_ref.py MODEL_DIR IDS.json [--dtype float32|float64] [--out result.safetensors]
       [--interventions FILE.json]
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

# GraphGPT's _EPSILON, added to the non-pad count of stack_method "long".
LONG_STACK_EPSILON = 1e-7


# Exact gelu is 0.5·x·(1 + erf(x/√2)); the tanh form is 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)));
# silu is x·sigmoid(x). torch's fused kernels compute exactly these (check_reference.py compares
# them with the written-out formulas).
def gelu_exact(x):
    return F.gelu(x)


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


def silu(x):
    return F.silu(x)


# HF ACT2FN names.
ACTIVATIONS = {
    "gelu": gelu_exact,
    "gelu_new": gelu_tanh,
    "gelu_pytorch_tanh": gelu_tanh,
    "silu": silu,
    "swish": silu,
    "relu": torch.relu,
    "linear": lambda x: x,
}


class GraphGptConfig:
    """config.json fields with GraphGPT's rules (modules_utils.set_model_config)."""

    def __init__(self, d):
        self.raw = dict(d)
        self.vocab_size = int(d["vocab_size"])
        self.hidden_size = int(d["hidden_size"])
        self.num_hidden_layers = int(d["num_hidden_layers"])
        self.intermediate_size = int(d.get("intermediate_size") or 0)
        self.num_attention_heads = int(d.get("num_attention_heads") or 0)
        head_dim = d.get("head_dim")
        if self.intermediate_size == 0 and self.num_attention_heads == 0:
            self.intermediate_size = 4 * self.hidden_size
            head_dim = 64
            self.num_attention_heads = self.hidden_size // 64
        kv = d.get("num_key_value_heads")
        self.num_key_value_heads = int(kv) if kv is not None else self.num_attention_heads
        self.head_dim = int(head_dim) if head_dim is not None else (
            self.hidden_size // self.num_attention_heads)
        self.hidden_act = d.get("hidden_act", "gelu")
        if self.hidden_act not in ACTIVATIONS:
            raise ValueError(f"config.json: unknown hidden_act {self.hidden_act!r}")
        self.rms_norm_eps = float(d.get("rms_norm_eps", 1e-6))
        self.rope_theta = float(d.get("rope_theta", 10000.0))
        self.causal_attention = bool(d.get("causal_attention", False))
        self.tie_word_embeddings = bool(d.get("tie_word_embeddings", False))
        self.stacked_feat = int(d.get("stacked_feat") or 1)
        self.stack_method = d.get("stack_method")
        if self.stack_method not in (None, "short", "long"):
            raise ValueError(f"config.json: unknown stack_method {self.stack_method!r}")
        self.stacked_feat_agg_method = d.get("stacked_feat_agg_method", "sum")
        self.pad_token_id = int(d.get("pad_token_id") or 0)
        self.next_n_token = int(d.get("next_n_token") or 1)
        self.num_labels = int(d.get("num_labels") or 1)
        self.problem_type = d.get("problem_type")
        self.mlp = list(d.get("mlp") or [])
        self.pooling_method = d.get("pooling_method", "last")
        if self.pooling_method != "last":
            raise ValueError("config.json: GraphGPT pools the last position only")
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError("config.json: heads not a multiple of kv heads")


def strip_module_prefix(state):
    return {(k[len("module."):] if k.startswith("module.") else k): v for k, v in state.items()}


def load_tensors(model_dir):
    """The checkpoint's tensors: model.safetensors, else pytorch_model.bin, else model.pt."""
    st = os.path.join(model_dir, "model.safetensors")
    if os.path.exists(st):
        tensors, _ = safetensors_io.load(st)
        return strip_module_prefix(tensors)
    for name in ("pytorch_model.bin", "model.pt"):
        path = os.path.join(model_dir, name)
        if os.path.exists(path):
            state = torch.load(path, map_location="cpu")
            return strip_module_prefix(dict(state))
    raise FileNotFoundError(f"{model_dir}: no model.safetensors, pytorch_model.bin or model.pt")


def load_config(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        return GraphGptConfig(json.load(f))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class GraphGptReference(torch.nn.Module):
    """The GraphGPT forward over padded batches ([B, S, F] ids, right padding)."""

    def __init__(self, config, tensors, dtype=torch.float64):
        super().__init__()
        self.cfg = config
        self.dtype = dtype
        self.w = {k: v.to(dtype) for k, v in tensors.items() if v.is_floating_point()}
        c = config
        self.act = ACTIVATIONS[c.hidden_act]
        if "score.weight" in self.w:
            self.head = "task"
            self.score = [("score.weight", "score.bias")]
        elif "score.mlp_modules.0.weight" in self.w:
            self.head = "task"
            self.score = []
            k = 0
            while f"score.mlp_modules.{k}.weight" in self.w:
                self.score.append((f"score.mlp_modules.{k}.weight", f"score.mlp_modules.{k}.bias"))
                k += 1
        else:
            self.head = "pretrain"
            self.lm_head = self.w["model.embed_tokens.weight"] if c.tie_word_embeddings \
                else self.w["lm_head.weight"]
        d = c.head_dim
        self.inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
        # When a list: every layer run appends its keys after RoPE, [B, kv_heads, S, d], before
        # the GQA repeat (make_key_fixtures.py; the engine's LayerCapture::keys).
        self.key_sink = None

    # -- pieces ---------------------------------------------------------------------------
    def linear(self, x, name, bias_name=None):
        bias = self.w.get(bias_name) if bias_name is not None else None
        return F.linear(x, self.w[name], bias)

    def rms_norm(self, x, name):
        variance = x.pow(2).mean(-1, keepdim=True)
        return x * torch.rsqrt(variance + self.cfg.rms_norm_eps) * self.w[name]

    def rope(self, positions):
        """cos, sin [..., S, head_dim] for integer positions [..., S]."""
        freqs = positions.to(torch.float64)[..., None] * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(self.dtype), emb.sin().to(self.dtype)

    def embed(self, ids):
        """ids [B, S, F] long (positions narrower than stacked_feat padded with 0) -> [B, S, D]."""
        c = self.cfg
        table = self.w["model.embed_tokens.weight"]
        if c.stack_method is None:
            if ids.shape[-1] != 1:
                raise ValueError("a flat model (stack_method null) takes one id per position")
            return table[ids[..., 0]]
        if ids.shape[-1] > c.stacked_feat:
            raise ValueError(f"position wider than stacked_feat {c.stacked_feat}")
        if ids.shape[-1] < c.stacked_feat:
            pad = torch.zeros(*ids.shape[:-1], c.stacked_feat - ids.shape[-1], dtype=ids.dtype)
            ids = torch.cat((ids, pad), dim=-1)
        e = table[ids]  # [B, S, F, D]
        if c.stacked_feat_agg_method == "gated":
            x = torch.einsum("nsfd,fd->nsd", e, self.w["stacked_feat_agg.weight"])
        else:
            x = e.sum(dim=-2)
        if c.stack_method == "long":
            nonzero = (ids != 0).sum(dim=-1, keepdim=True).to(torch.float64) + LONG_STACK_EPSILON
            x = x * torch.clamp(1.0 / nonzero, max=1.0).to(self.dtype)
        return x

    def layer(self, i, x, mask, cos, sin, masked_heads=()):
        """x [B, S, D]; mask [B, 1, S, S] additive; cos/sin broadcastable to [B, H, S, d].
        Returns (x after the layer, attention probabilities [B, H, S, S])."""
        c = self.cfg
        p = f"model.layers.{i}."
        B, S, _ = x.shape
        H, KV, d = c.num_attention_heads, c.num_key_value_heads, c.head_dim

        h = self.rms_norm(x, p + "input_layernorm.weight")
        q = self.linear(h, p + "self_attn.q_proj.weight", p + "self_attn.q_proj.bias")
        k = self.linear(h, p + "self_attn.k_proj.weight", p + "self_attn.k_proj.bias")
        v = self.linear(h, p + "self_attn.v_proj.weight", p + "self_attn.v_proj.bias")
        q = q.view(B, S, H, d).transpose(1, 2)   # [B, H, S, d]
        k = k.view(B, S, KV, d).transpose(1, 2)  # [B, KV, S, d]
        v = v.view(B, S, KV, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if self.key_sink is not None:
            self.key_sink.append(k.clone())
        if KV != H:
            k = k.repeat_interleave(H // KV, dim=1)  # query head h reads kv head h // (H/KV)
            v = v.repeat_interleave(H // KV, dim=1)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + mask
        probs = torch.softmax(scores, dim=-1)
        o = torch.matmul(probs, v)  # [B, H, S, d]
        if masked_heads:
            o = o.clone()
            for head in masked_heads:
                o[:, head] = 0
        o = o.transpose(1, 2).reshape(B, S, H * d)
        a = self.linear(o, p + "self_attn.o_proj.weight", p + "self_attn.o_proj.bias")
        if p + "lambda_1" in self.w:
            a = a * self.w[p + "lambda_1"]
        x = x + a

        h = self.rms_norm(x, p + "post_attention_layernorm.weight")
        g = self.act(self.linear(h, p + "mlp.gate_proj.weight", p + "mlp.gate_proj.bias"))
        u = self.linear(h, p + "mlp.up_proj.weight", p + "mlp.up_proj.bias")
        m = self.linear(g * u, p + "mlp.down_proj.weight", p + "mlp.down_proj.bias")
        if p + "lambda_2" in self.w:
            m = m * self.w[p + "lambda_2"]
        return x + m, probs

    def head_logits(self, y):
        """y [..., S, D] final-norm output -> pre-training [..., S, next_n, V] or
        fine-tuning [..., S, labels] (every position)."""
        c = self.cfg
        if self.head == "pretrain":
            if c.next_n_token > 1:
                y = self.linear(y, "n_token_proj.weight", "n_token_proj.bias")
            y = y.reshape(*y.shape[:-1], c.next_n_token, c.hidden_size)
            return torch.matmul(y, self.lm_head.transpose(0, 1))
        score_is_mlp = self.score[0][0] != "score.weight"
        for weight, bias in self.score:
            if score_is_mlp:
                y = self.act(y)  # GraphGPT's MLP: activation before every Linear
            y = self.linear(y, weight, bias)
        return y

    def additive_mask(self, key_valid, positions):
        """key_valid [B, S] bool, positions [B, S] original positions -> [B, 1, S, S]."""
        B, S = key_valid.shape
        mask = torch.zeros(B, 1, S, S, dtype=self.dtype)
        mask = mask.masked_fill(~key_valid[:, None, None, :], float("-inf"))
        if self.cfg.causal_attention:
            future = positions[:, None, :] > positions[:, :, None]  # [B, S(query), S(key)]
            mask = mask.masked_fill(future[:, None], float("-inf"))
        return mask

    # -- batched forward ------------------------------------------------------------------
    def forward(self, ids, lengths, head_mask=(), skip_layers=(), capture=True):
        """ids [B, S, F] long, right padded; lengths [B]. Returns a dict of batched tensors:
        logits ([B, S, next_n, V] or pooled [B, labels]), token_logits (fine-tuning, [B, S, L]),
        hidden [B, S, D], and when capture: embeddings, attn (per layer [B, H, S, S] or None for
        a skipped layer), residual (per layer [B, S, D])."""
        B, S, _ = ids.shape
        positions = torch.arange(S).expand(B, S)
        key_valid = positions < lengths[:, None]
        mask = self.additive_mask(key_valid, positions)
        cos, sin = self.rope(torch.arange(S))
        x = self.embed(ids)
        out = {"embeddings": x, "attn": [], "residual": []} if capture else {}
        for i in range(self.cfg.num_hidden_layers):
            probs = None
            if i not in skip_layers:
                heads = sorted(h for (l, h) in head_mask if l == i)
                x, probs = self.layer(i, x, mask, cos, sin, heads)
            if capture:
                out["attn"].append(probs)
                out["residual"].append(x)
        y = self.rms_norm(x, "model.norm.weight")
        out["hidden"] = y
        logits = self.head_logits(y)
        if self.head == "task":
            out["token_logits"] = logits
            out["logits"] = logits[torch.arange(B), lengths - 1]
        else:
            out["logits"] = logits
        return out

    def run_one_with_keep(self, ids, head_mask=(), skip_layers=(), keep_tokens=None):
        """One sequence ids [S, F]; keep_tokens {layer: original positions kept from that layer
        on}. Survivors keep their RoPE positions and order. Returns the per-sequence dict."""
        keep_tokens = keep_tokens or {}
        S = ids.shape[0]
        pos = torch.arange(S)
        x = self.embed(ids[None])
        res = {"embeddings": x[0], "attn": [], "residual": [], "positions": []}
        for i in range(self.cfg.num_hidden_layers):
            if i in keep_tokens:
                keep = set(int(p) for p in keep_tokens[i])
                sel = [j for j in range(len(pos)) if int(pos[j]) in keep]
                if not sel:
                    raise ValueError(f"keep_tokens at layer {i} leaves no position")
                x, pos = x[:, sel], pos[sel]
            probs = None
            if i not in skip_layers:
                n = len(pos)
                mask = self.additive_mask(torch.ones(1, n, dtype=torch.bool), pos[None])
                cos, sin = self.rope(pos)
                heads = sorted(h for (l, h) in head_mask if l == i)
                x, probs = self.layer(i, x, mask, cos, sin, heads)
            res["attn"].append(None if probs is None else probs[0])
            res["residual"].append(x[0])
            res["positions"].append(pos.clone())
        y = self.rms_norm(x, "model.norm.weight")[0]
        res["hidden"] = y
        res["final_positions"] = pos
        logits = self.head_logits(y)
        if self.head == "task":
            res["token_logits"] = logits
            res["logits"] = logits[-1]
        else:
            res["logits"] = logits
        return res

    def run(self, sequences, head_mask=(), skip_layers=(), keep_tokens=None):
        """sequences: list of [positions][slots] id lists. Returns one dict per sequence with
        unpadded tensors: logits, token_logits (fine-tuning), hidden [S, D], embeddings [S, D],
        attn [layer] -> [H, S_l, S_l] or None, residual [layer] -> [S_l, D], positions [layer]."""
        head_mask = [tuple(hm) for hm in head_mask]
        skip_layers = set(skip_layers)
        tensors = [padded_ids(seq) for seq in sequences]
        if keep_tokens:
            keep = {int(k): v for k, v in keep_tokens.items()}
            return [self.run_one_with_keep(t, head_mask, skip_layers, keep) for t in tensors]
        lengths = torch.tensor([t.shape[0] for t in tensors])
        S = int(lengths.max())
        F = max(t.shape[1] for t in tensors)
        ids = torch.zeros(len(tensors), S, F, dtype=torch.long)
        for b, t in enumerate(tensors):
            ids[b, :t.shape[0], :t.shape[1]] = t
        with torch.no_grad():
            out = self.forward(ids, lengths, head_mask, skip_layers)
        results = []
        for b, n in enumerate(lengths.tolist()):
            r = {"embeddings": out["embeddings"][b, :n], "hidden": out["hidden"][b, :n],
                 "attn": [None if a is None else a[b, :, :n, :n] for a in out["attn"]],
                 "residual": [x[b, :n] for x in out["residual"]],
                 "positions": [torch.arange(n)] * self.cfg.num_hidden_layers,
                 "final_positions": torch.arange(n)}
            if self.head == "task":
                r["token_logits"] = out["token_logits"][b, :n]
                r["logits"] = out["logits"][b]
            else:
                r["logits"] = out["logits"][b, :n]
            results.append(r)
        return results


def padded_ids(sequence):
    """[positions][slots] lists (possibly ragged) -> [S, F] long, narrower positions padded 0."""
    if not sequence:
        raise ValueError("empty sequence")
    width = max(len(p) for p in sequence)
    t = torch.zeros(len(sequence), width, dtype=torch.long)
    for i, p in enumerate(sequence):
        t[i, :len(p)] = torch.tensor(p, dtype=torch.long)
    return t


def load_model(model_dir, dtype=torch.float64):
    return GraphGptReference(load_config(model_dir), load_tensors(model_dir), dtype)


def result_tensors(results):
    """The names the fixtures use: logits.{s}, token_logits.{s}, hidden.{s}, embeddings.{s},
    attn.{s}.{l}, residual.{s}.{l}, positions.{s}.{l} (stored F32 / I32)."""
    out = {}
    for s, r in enumerate(results):
        out[f"logits.{s}"] = r["logits"]
        if "token_logits" in r:
            out[f"token_logits.{s}"] = r["token_logits"]
        out[f"hidden.{s}"] = r["hidden"]
        out[f"embeddings.{s}"] = r["embeddings"]
        for l, a in enumerate(r["attn"]):
            if a is not None:
                out[f"attn.{s}.{l}"] = a
        for l, x in enumerate(r["residual"]):
            out[f"residual.{s}.{l}"] = x
        for l, p in enumerate(r["positions"]):
            out[f"positions.{s}.{l}"] = p
    return {k: (v.to(torch.int32) if not v.is_floating_point() else v.to(torch.float32))
            .contiguous() for k, v in out.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir")
    ap.add_argument("ids_json")
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    ap.add_argument("--out")
    ap.add_argument("--interventions", help='{"head_mask": [[l, h]], "skip_layers": [l], '
                                            '"keep_tokens": {"l": [positions]}}')
    args = ap.parse_args(argv)
    torch.set_grad_enabled(False)
    model = load_model(args.model_dir, getattr(torch, args.dtype))
    with open(args.ids_json) as f:
        sequences = [s["ids"] for s in json.load(f)["sequences"]]
    iv = {}
    if args.interventions:
        with open(args.interventions) as f:
            iv = json.load(f)
    results = model.run(sequences, iv.get("head_mask", ()), iv.get("skip_layers", ()),
                        iv.get("keep_tokens"))
    if args.out:
        safetensors_io.save(args.out, result_tensors(results))
    json.dump({"head": model.head,
               "sequences": [{"logits": r["logits"].tolist(),
                              "positions": r["final_positions"].tolist()} for r in results]},
              sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
