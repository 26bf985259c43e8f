#!/usr/bin/python3
"""An independent PyTorch forward of GraphGPS, in plain torch (no torch_geometric).

Written from "Recipe for a General, Powerful, Scalable Graph Transformer" (Rampášek, Galkin,
Dwivedi, Luu, Wolf, Beaini; NeurIPS 2022, arXiv:2205.12454, sec. 3 and eq. 1-3) and the layer
order, defaults and parameter names of rampasek/GraphGPS (graphgps/layer/gps_layer.py,
layer/gatedgcn_layer.py, encoder/laplace_pos_encoder.py, encoder/kernel_pos_encoder.py,
encoder/composed_encoders.py, encoder/type_dict_encoder.py, linear_*_encoder.py,
dummy_edge_encoder.py, network/gps_model.py, head/san_graph.py, head/inductive_node.py,
transform/posenc_stats.py), with PyG's GINEConv, graph-mode LayerNorm and GraphGym's MLP
(torch_geometric/graphgym/models/layer.py) written out. Module and parameter names equal the repo's
state-dict names, so `state_dict()` saves a checkpoint that looks like theirs. The C++ engine
(core/model/GraphGps.cpp) is tested against this file's outputs. Eval mode throughout: dropout
is the identity, BatchNorm uses its running statistics, LapPE signs are not flipped.

One GPS layer (gps_layer.py, eval):
  h_M = norm1_local(h + MPNN(h, e))          GINE: nn((1 + eps) h_i + sum_{j->i} relu(h_j + e_ji))
                                             GatedGCN: its own residual inside, then norm1_local
  h_T = norm1_attn(h + MHA(h))               torch MultiheadAttention over all node pairs
  h   = h_M + h_T                            (whichever branches exist)
  h   = norm2(h + W2 relu(W1 h))             W1: d->2d, W2: 2d->d
Norms: BatchNorm1d, or torch_geometric's LayerNorm in its default "graph" mode (one mean and
variance over all nodes and channels of the graph, eps 1e-5 inside the square root).

Messages: an undirected edge {u, v} gives u->v and v->u, each with its own edge state (PyG's
undirected edge_index lists both); a directed edge gives one; a self loop one.

Interventions (ours, mirrored by the C++): head_mask[l][h] zeroes head h's attention output
before out_proj; keep[l] (a node list or None) are the nodes that remain from layer l on. A
removed node sends and receives no message (MPNN or attention), its state is zero after the
layer, the graph LayerNorm's statistics and the readout skip it, its node-task row is zero.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graph_transformer_ref import canonical_eigenspace_basis, lap_pe_sign_convention  # noqa: E402

NORM_EPSILON = 1e-5        # BatchNorm1d and PyG LayerNorm default eps
GATED_EPSILON = 1e-6       # gatedgcn_layer.py aggregate: num / (den + 1e-6)


# Positional and structural encodings ---------------------------------------------------------

def laplacian(num_nodes, edges, norm):
    """PyG get_laplacian on the undirected edge list: self loops removed, A_ij = number of edges
    joining i and j. norm "none": L = D - A; "sym": L = I - D^-1/2 A D^-1/2 (1/sqrt(0) := 0)."""
    a = np.zeros((num_nodes, num_nodes))
    for u, v in edges:
        if u != v:
            a[u, v] += 1.0
            a[v, u] += 1.0
    deg = a.sum(axis=1)
    if norm == "none":
        return np.diag(deg) - a
    inv = np.where(deg > 0, deg ** -0.5, 0.0)
    return np.eye(num_nodes) - inv[:, None] * a * inv[None, :]


def lap_pe_stats(num_nodes, edges, max_freqs, norm):
    """posenc_stats.py get_lap_decomp_stats: the max_freqs smallest eigenpairs (the trivial one
    included), eigenvalues clamped at 0, unit eigenvectors; padded with NaN when the graph has
    fewer nodes. Ours: canonical basis of repeated eigenvalues and the deterministic sign
    (graph_transformer_ref). Returns eigvecs [N, F] and eigvals [F] (float64, NaN padded)."""
    values, vectors = np.linalg.eigh(laplacian(num_nodes, edges, norm))
    order = np.argsort(values, kind="stable")
    values, vectors = values[order], canonical_eigenspace_basis(values[order], vectors[:, order])
    take = min(max_freqs, num_nodes)
    vecs = np.full((num_nodes, max_freqs), np.nan)
    vals = np.full(max_freqs, np.nan)
    vecs[:, :take] = lap_pe_sign_convention(vectors[:, :take])
    vals[:take] = np.clip(values[:take], 0.0, None)
    return vecs, vals


def rwse_stats(num_nodes, edges, directed, steps):
    """posenc_stats.py get_rw_landing_probs: diag((D^-1 A)^k), k = 1..steps, with A the dense
    adjacency of the edge_index (undirected edges both ways, a self loop once, repeated edges
    add) and 1/0 := 0. [N, steps]."""
    a = np.zeros((num_nodes, num_nodes))
    for u, v in edges:
        a[u, v] += 1.0
        if not directed and u != v:
            a[v, u] += 1.0
    deg = a.sum(axis=1)
    p = np.where(deg > 0, 1.0 / np.where(deg > 0, deg, 1.0), 0.0)[:, None] * a
    out, pk = [], np.eye(num_nodes)
    for _ in range(steps):
        pk = pk @ p
        out.append(np.diag(pk).copy())
    return np.stack(out, axis=1)


def relu_mlp(widths, lead_relu=False):
    """Linear layers between `widths`, each followed by ReLU (nn.Sequential: indices count the
    ReLUs, so names are pe_encoder.1, .3, ... with a leading ReLU)."""
    layers = [nn.ReLU()] if lead_relu else []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers)


class LapPENodeEncoder(nn.Module):
    """laplace_pos_encoder.py with model DeepSet and expand_x False: linear_A (2 -> dim_pe with
    one layer, else 2 -> 2 dim_pe), pe_encoder (ReLU, [Linear, ReLU]...), masked sum over the
    eigenvectors, optional post_mlp; optional raw_norm BatchNorm1d(max_freqs) on [N, F, 2]."""

    def __init__(self, pe):
        super().__init__()
        dp, layers = pe["dim_pe"], pe.get("layers", 2)
        if pe.get("raw_norm", "none") == "batchnorm":
            self.raw_norm = nn.BatchNorm1d(pe["max_freqs"], eps=NORM_EPSILON)
        else:
            self.raw_norm = None
        if layers == 1:
            self.linear_A = nn.Linear(2, dp)
            self.pe_encoder = nn.Sequential(nn.ReLU())
        else:
            self.linear_A = nn.Linear(2, 2 * dp)
            self.pe_encoder = relu_mlp([2 * dp] * (layers - 1) + [dp], lead_relu=True)
        post = pe.get("post_layers", 0)
        self.post_mlp = None
        if post == 1:
            self.post_mlp = relu_mlp([dp, dp])
        elif post > 1:
            self.post_mlp = relu_mlp([dp] + [2 * dp] * (post - 1) + [dp])

    def forward(self, eigvecs, eigvals):
        n, f = eigvecs.shape
        pos = torch.stack([eigvecs, eigvals[None, :].expand(n, f)], dim=2)  # [N, F, 2]
        empty = torch.isnan(pos)
        pos = pos.masked_fill(empty, 0.0)
        if self.raw_norm is not None:
            pos = self.raw_norm(pos)
        pos = self.pe_encoder(self.linear_A(pos))                             # [N, F, dim_pe]
        pos = pos.masked_fill(empty[:, :, :1], 0.0).sum(1)
        if self.post_mlp is not None:
            pos = self.post_mlp(pos)
        return pos


class RWSENodeEncoder(nn.Module):
    """kernel_pos_encoder.py (RWSE) with expand_x False: optional raw_norm BatchNorm1d(steps),
    pe_encoder Linear(steps, dim_pe) ("linear") or an MLP with ReLU after every Linear ("mlp")."""

    def __init__(self, pe):
        super().__init__()
        k, dp = pe["steps"], pe["dim_pe"]
        self.raw_norm = (nn.BatchNorm1d(k, eps=NORM_EPSILON)
                         if pe.get("raw_norm", "batchnorm") == "batchnorm" else None)
        if pe.get("model", "linear") == "linear":
            self.pe_encoder = nn.Linear(k, dp)
        else:
            layers = pe.get("layers", 2)
            self.pe_encoder = relu_mlp([k, dp] if layers == 1 else [k] + [2 * dp] * (layers - 1) + [dp])

    def forward(self, rw):
        if self.raw_norm is not None:
            rw = self.raw_norm(rw)
        return self.pe_encoder(rw)


# OGB's molecule feature sizes (ogb/utils/features.py: the allowable lists, each with its "misc"
# entry): atomic number, chirality, degree, formal charge, hydrogens, radical electrons,
# hybridization, aromatic, in ring; bond type, stereo, conjugated.
OGB_ATOM_DIMS = [119, 5, 12, 12, 10, 6, 6, 2, 2]
OGB_BOND_DIMS = [5, 6, 2]


class DatasetNodeEncoder(nn.Module):
    """TypeDictNodeEncoder (Embedding of a category, `encoder`), LinearNodeEncoder (`encoder`)
    or OGB's AtomEncoder (GraphGym's "Atom": one Embedding per feature column in
    `atom_embedding_list`, summed)."""

    def __init__(self, spec, width):
        super().__init__()
        self.kind = spec["kind"]
        if self.kind == "ogb_atom":
            self.atom_embedding_list = nn.ModuleList([nn.Embedding(n, width) for n in OGB_ATOM_DIMS])
        else:
            self.encoder = (nn.Embedding(spec["num_embeddings"], width) if self.kind == "embedding"
                            else nn.Linear(spec["width"], width))

    def forward(self, x):
        if self.kind == "ogb_atom":
            return sum(emb(x[:, k]) for k, emb in enumerate(self.atom_embedding_list))
        return self.encoder(x)


class ConcatNodeEncoder(nn.Module):
    """composed_encoders.py Concat2/3NodeEncoder: encoder1 the dataset encoder of width
    d - (sum of the PE widths), then LapPE (encoder2) and RWSE (next), concatenated."""

    def __init__(self, cfg, d):
        super().__init__()
        pes = []
        if cfg.get("lap_pe"):
            pes.append(("lap", LapPENodeEncoder(cfg["lap_pe"]), cfg["lap_pe"]["dim_pe"]))
        if cfg.get("rwse"):
            pes.append(("rw", RWSENodeEncoder(cfg["rwse"]), cfg["rwse"]["dim_pe"]))
        self.encoder1 = DatasetNodeEncoder(cfg["node_input"], d - sum(p[2] for p in pes))
        self.kinds = [p[0] for p in pes]
        for i, (_, enc, _) in enumerate(pes):
            setattr(self, f"encoder{i + 2}", enc)

    def forward(self, x, eigvecs, eigvals, rw):
        parts = [self.encoder1(x)]
        for i, kind in enumerate(self.kinds):
            enc = getattr(self, f"encoder{i + 2}")
            parts.append(enc(eigvecs, eigvals) if kind == "lap" else enc(rw))
        return torch.cat(parts, dim=1)


class EdgeEncoder(nn.Module):
    """TypeDictEdgeEncoder (Embedding), LinearEdgeEncoder (Linear) or DummyEdgeEncoder
    (Embedding(1, d) of category 0): `encoder`."""

    def __init__(self, spec, d):
        super().__init__()
        self.kind = spec["kind"]
        if self.kind == "ogb_bond":  # OGB's BondEncoder (GraphGym's "Bond")
            self.bond_embedding_list = nn.ModuleList([nn.Embedding(n, d) for n in OGB_BOND_DIMS])
        elif self.kind == "embedding":
            self.encoder = nn.Embedding(spec["num_embeddings"], d)
        elif self.kind == "linear":
            self.encoder = nn.Linear(spec["width"], d)
        else:
            self.encoder = nn.Embedding(1, d)

    def forward(self, e, count):
        if self.kind == "ogb_bond":
            return sum(emb(e[:, k]) for k, emb in enumerate(self.bond_embedding_list))
        if self.kind == "dummy":
            return self.encoder(torch.zeros(count, dtype=torch.long))
        return self.encoder(e)


class FeatureEncoder(nn.Module):
    def __init__(self, cfg, d):
        super().__init__()
        if cfg.get("lap_pe") or cfg.get("rwse"):
            self.node_encoder = ConcatNodeEncoder(cfg, d)
        else:
            self.node_encoder = DatasetNodeEncoder(cfg["node_input"], d)
        if cfg.get("edge_input"):
            self.edge_encoder = EdgeEncoder(cfg["edge_input"], d)


# Layers ----------------------------------------------------------------------------------------

class GraphLayerNorm(nn.Module):
    """torch_geometric.nn.norm.LayerNorm, mode "graph", with a batch vector of one graph: x minus
    the mean over all (alive) nodes and channels, over sqrt(biased variance + eps), then affine."""

    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))

    def forward(self, x, alive):
        live = x[alive]
        mean = live.mean()
        var = ((live - mean) ** 2).mean()
        return (x - mean) / torch.sqrt(var + NORM_EPSILON) * self.weight + self.bias


class GINEConv(nn.Module):
    """PyG GINEConv(nn) with train_eps False: out_i = nn((1 + eps) x_i + sum_{j->i} relu(x_j +
    e_ji)). `eps` is a buffer in the state dict."""

    def __init__(self, d):
        super().__init__()
        self.nn = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, d))
        self.register_buffer("eps", torch.zeros(1))

    def forward(self, x, e, src, dst):
        msg = torch.relu(x[src] + e)
        agg = torch.zeros_like(x).index_add_(0, dst, msg)
        return self.nn((1 + self.eps) * x + agg)


class GatedGCNLayer(nn.Module):
    """gatedgcn_layer.py with residual True: e_ij = D x_i + E x_j + C e (i the destination),
    x_i' = A x_i + sum sigma(e_ij) B x_j / (sum sigma(e_ij) + 1e-6); both through their BatchNorm,
    ReLU, plus their input."""

    def __init__(self, d):
        super().__init__()
        for name in "ABCDE":
            setattr(self, name, nn.Linear(d, d))
        self.bn_node_x = nn.BatchNorm1d(d, eps=NORM_EPSILON)
        self.bn_edge_e = nn.BatchNorm1d(d, eps=NORM_EPSILON)

    def forward(self, x, e, src, dst):
        ax, bx, dx, ex = self.A(x), self.B(x), self.D(x), self.E(x)
        e_ij = dx[dst] + ex[src] + self.C(e)
        sigma = torch.sigmoid(e_ij)
        num = torch.zeros_like(x).index_add_(0, dst, sigma * bx[src])
        den = torch.zeros_like(x).index_add_(0, dst, sigma)
        x_new = ax + num / (den + GATED_EPSILON)
        x_new = torch.relu(self.bn_node_x(x_new))
        e_new = torch.relu(self.bn_edge_e(e_ij)) if e_ij.shape[0] > 0 else e_ij
        return x + x_new, e + e_new


def multihead_attention(mha, x, alive, head_mask=None):
    """torch MultiheadAttention (in_proj_weight packs q, k, v; out_proj) over the alive nodes
    as keys: softmax(q k^T / sqrt(d_k)) per head. Returns the output [N, d] and the weights
    [H, N, N] (rows the queries; zero rows for removed queries, zero columns for removed keys)."""
    n, d = x.shape
    heads = mha.num_heads
    dk = d // heads
    qkv = x @ mha.in_proj_weight.T + mha.in_proj_bias
    q, k, v = (qkv[:, i * d:(i + 1) * d].reshape(n, heads, dk).transpose(0, 1) for i in range(3))
    scores = q @ k.transpose(1, 2) / math.sqrt(dk)                           # [H, N, N]
    scores = scores.masked_fill(~alive[None, None, :], float("-inf"))
    weights = torch.softmax(scores, dim=-1) * alive[None, :, None].to(x.dtype)
    out = weights @ v                                                        # [H, N, dk]
    if head_mask is not None:
        keep = torch.tensor([0.0 if m else 1.0 for m in head_mask] + [1.0] * (heads - len(head_mask)),
                            dtype=x.dtype)
        out = out * keep[:, None, None]
    out = out.transpose(0, 1).reshape(n, d)
    return mha.out_proj(out), weights


class GPSLayer(nn.Module):
    def __init__(self, d, heads, local_gnn, global_attention, norm):
        super().__init__()
        self.local_gnn, self.global_attention, self.norm = local_gnn, global_attention, norm
        if local_gnn == "gine":
            self.local_model = GINEConv(d)
        elif local_gnn == "gatedgcn":
            self.local_model = GatedGCNLayer(d)
        if global_attention == "transformer":
            self.self_attn = nn.MultiheadAttention(d, heads, batch_first=True)
        make = (lambda: nn.BatchNorm1d(d, eps=NORM_EPSILON)) if norm == "batch" else (lambda: GraphLayerNorm(d))
        if local_gnn != "none":
            self.norm1_local = make()
        if global_attention != "none":
            self.norm1_attn = make()
        self.ff_linear1 = nn.Linear(d, 2 * d)
        self.ff_linear2 = nn.Linear(2 * d, d)
        self.norm2 = make()

    def _norm(self, module, x, alive):
        return module(x) if self.norm == "batch" else module(x, alive)

    def forward(self, h, e, src, dst, alive, head_mask=None):
        parts, weights, e_out = [], None, e
        if self.local_gnn == "gine":
            parts.append(self._norm(self.norm1_local, h + self.local_model(h, e, src, dst), alive))
        elif self.local_gnn == "gatedgcn":
            h_local, e_out = self.local_model(h, e, src, dst)
            parts.append(self._norm(self.norm1_local, h_local, alive))
        if self.global_attention == "transformer":
            attn, weights = multihead_attention(self.self_attn, h, alive, head_mask)
            parts.append(self._norm(self.norm1_attn, h + attn, alive))
        h = sum(parts)
        h = h + self.ff_linear2(torch.relu(self.ff_linear1(h)))
        return self._norm(self.norm2, h, alive), e_out, weights


class SanHead(nn.Module):
    """head/san_graph.py SANGraphHead: FC_layers d, d/2, ..., d/2^L, outputs with ReLU between.
    For a node task we run the same MLP on every node (our choice; names post_mp.FC_layers)."""

    def __init__(self, d, outputs, layers):
        super().__init__()
        self.FC_layers = nn.ModuleList(
            [nn.Linear(d // 2 ** l, d // 2 ** (l + 1)) for l in range(layers)]
            + [nn.Linear(d // 2 ** layers, outputs)])

    def forward(self, x):
        for layer in self.FC_layers[:-1]:
            x = torch.relu(layer(x))
        return self.FC_layers[-1](x)


class _GymLinear(nn.Module):
    """GraphGym's Linear wrapper: the torch Linear sits at `.model`."""

    def __init__(self, d_in, d_out):
        super().__init__()
        self.model = nn.Linear(d_in, d_out)

    def forward(self, x):
        return self.model(x)


class _GymHiddenLayer(nn.Module):
    """GraphGym's GeneralLayer('linear') as an MLP builds it: Linear (at .layer.model), ReLU, then
    each row scaled to unit L2 norm (LayerConfig's has_l2norm defaults on; F.normalize, eps 1e-12)."""

    def __init__(self, d):
        super().__init__()
        self.layer = _GymLinear(d, d)

    def forward(self, x):
        x = torch.relu(self.layer(x))
        return x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)


class _GymStack(nn.Module):
    """GraphGym's GeneralMultiLayer: children Layer_0, Layer_1, ... run in order."""

    def __init__(self, d, count):
        super().__init__()
        for i in range(count):
            self.add_module(f"Layer_{i}", _GymHiddenLayer(d))

    def forward(self, x):
        for layer in self.children():
            x = layer(x)
        return x


class _GymMlp(nn.Module):
    """GraphGym's MLP with num_layers Linears: [stack of num_layers - 1 hidden layers, last Linear]
    in `.model`, or the one Linear alone when num_layers is 1."""

    def __init__(self, d, outputs, num_layers):
        super().__init__()
        parts = [_GymStack(d, num_layers - 1)] if num_layers > 1 else []
        self.model = nn.Sequential(*parts, _GymLinear(d, outputs))

    def forward(self, x):
        return self.model(x)


class InductiveNodeHead(nn.Module):
    """head/inductive_node.py GNNInductiveNodeHead: GraphGym's MLP (layers_post_mp Linears) on
    every node's state; names post_mp.layer_post_mp.model.*."""

    def __init__(self, d, outputs, layers):
        super().__init__()
        self.layer_post_mp = _GymMlp(d, outputs, layers)

    def forward(self, x):
        return self.layer_post_mp(x)


class GPSModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg["hidden_dim"]
        self.encoder = FeatureEncoder(cfg, d)
        self.layers = nn.Sequential(*[
            GPSLayer(d, cfg["num_heads"], cfg["local_gnn"], cfg["global_attention"], cfg.get("norm", "batch"))
            for _ in range(cfg["num_layers"])])
        if cfg.get("head", "san_graph") == "inductive_node":
            self.post_mp = InductiveNodeHead(d, cfg["num_outputs"], cfg.get("head_layers", 2))
        else:
            self.post_mp = SanHead(d, cfg["num_outputs"], cfg.get("head_layers", 2))

    def embed(self, node_in, eigvecs, eigvals, rw):
        enc = self.encoder.node_encoder
        if isinstance(enc, ConcatNodeEncoder):
            return enc(node_in, eigvecs, eigvals, rw)
        return enc(node_in)

    def forward(self, node_in, edge_in, src, dst, eigvecs=None, eigvals=None, rw=None,
                head_mask=None, keep=None):
        """node_in: LongTensor [N] or float [N, w]; edge_in per message (LongTensor [M], float
        [M, w] or None); src, dst LongTensor [M]. Returns output, attention per layer [H, N, N]
        (zeros without attention), node states per layer [N, d]."""
        n = node_in.shape[0]
        h = self.embed(node_in, eigvecs, eigvals, rw)
        e = None
        if self.cfg.get("edge_input"):
            e = self.encoder.edge_encoder(edge_in, src.shape[0])
        alive = torch.ones(n, dtype=torch.bool)
        attention, states = [], []
        heads = self.cfg["num_heads"]
        for l, layer in enumerate(self.layers):
            if keep is not None and l < len(keep) and keep[l] is not None:
                kept = torch.zeros(n, dtype=torch.bool)
                kept[list(keep[l])] = True
                alive = alive & kept
            live = torch.nonzero(alive[src] & alive[dst]).flatten()
            mask = head_mask[l] if head_mask is not None and l < len(head_mask) else None
            e_live = e[live] if e is not None else None
            h, e_new, w = layer(h, e_live, src[live], dst[live], alive, mask)
            h = h * alive[:, None].to(h.dtype)
            if e is not None and e_new is not None:
                e = e.clone()
                e[live] = e_new
            attention.append(w if w is not None else torch.zeros(heads, n, n, dtype=h.dtype))
            states.append(h)
        if self.cfg.get("task", "graph") == "node":
            return self.post_mp(h) * alive[:, None].to(h.dtype), attention, states
        live_h = h[alive]
        ro = self.cfg.get("readout", "mean")
        pooled = (live_h.sum(0) if ro in ("add", "sum") else
                  live_h.max(0).values if ro == "max" else live_h.mean(0))
        return self.post_mp(pooled), attention, states


def messages(edges, directed):
    """(src, dst, edge index) per message: an undirected edge both ways, a self loop once."""
    src, dst, idx = [], [], []
    for k, (u, v) in enumerate(edges):
        src.append(u); dst.append(v); idx.append(k)
        if not directed and u != v:
            src.append(v); dst.append(u); idx.append(k)
    return src, dst, idx
