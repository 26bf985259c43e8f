#!/usr/bin/python3
"""An independent PyTorch forward of the Dwivedi–Bresson Graph Transformer, in plain torch (no DGL).

Written from "A Generalization of Transformer Networks to Graphs" (Dwivedi & Bresson, AAAI-21
DLG workshop, arXiv:2012.09699, sec. 3 and eq. 1–12) and the layer as graphdeeplearning/
graphtransformer implements it (layers/graph_transformer_layer.py,
layers/graph_transformer_edge_layer.py, layers/mlp_readout_layer.py,
nets/molecules_graph_regression/graph_transformer_net.py, data/molecules.py). The state dict
uses that repository's parameter names, so a model built here saves a checkpoint that looks like
theirs. The C++ engine (core/model/GraphTransformer.cpp) is tested against this file's outputs.

Messages run from source j to destination i along each directed edge; node i attends over its
incoming messages:
  score_ij = exp(clamp(Q h_i · K h_j / √d_k, −5, 5))                      (no edge features)
  t_ij     = (Q h_i ⊙ K h_j / √d_k) ⊙ E e_ij,  score_ij = exp(clamp(Σ t_ij, −5, 5))  (edge features)
  h_i'     = Σ_j score_ij V h_j / (Σ_j score_ij [+ 1e-6 with edge features])  (per head)
  e_ij'    = t_ij (concatenated over heads)                                 (edge features)
then O, residual, norm, FFN d→2d→d with ReLU, residual, norm — for nodes and, with edge
features, the same with their own weights for edges. Eval mode: dropout is the identity and
BatchNorm uses its running statistics.

Graph encoding (our choice, mirrored by the C++): an undirected edge {u, v} becomes the two
messages u→v and v→u (both carrying the edge's category); a directed graph keeps its edges'
direction; the full graph has every ordered pair j ≠ i (networkx.complete_graph, as the repo's
make_full_graph), with an edge's category on pairs joined by an edge and `non_edge_index` on the
rest.

Graph-masked variants (config "attention" and "spd_bias"; see core/model/GraphTransformer.h):
hop distances by breadth-first search on the undirected view; the k_hop, hop_groups and full
masks run one message per ordered pair j ≠ i (no i → i) carrying an edge's input or the
non-edge input like the full graph. k_hop: pairs at distance 1..K. hop_groups [k_0, ..]: the
union of the rings at distance exactly k_g; heads split evenly into consecutive groups, head h
of group g scores only the pairs at distance k_g (s = 0 and t = 0 elsewhere) and normalises over
them. spd_bias (Graphormer): score += b[h][min(spd, D)] (b[h][D + 1] for another component)
before the clamp, b = layers.{l}.attention.spd_bias.weight, an Embedding [D + 2, heads].
"""
import collections
import math

import numpy as np
import torch
import torch.nn as nn

SCORE_CLAMP = 5.0          # graph_transformer_layer.py scaled_exp: clamp(-5, 5)
# MultiHeadAttentionLayer.forward divides wV by z + 1e-6 in graph_transformer_edge_layer.py and
# by z alone in graph_transformer_layer.py (no edge features). There a node without incoming
# messages gets 0/0 = NaN in the repo; we give it 0 (no message, no attention output).
ATTENTION_EPSILON = 1e-6
NORM_EPSILON = 1e-5        # torch.nn.LayerNorm / BatchNorm1d default eps
SIGN_TIE_TOLERANCE = 1e-6  # see lap_pe_sign_convention


def laplacian_eigenvectors(num_nodes, undirected_pairs, k):
    """The k eigenvectors after the first of L = I − D^-1/2 A D^-1/2, by ascending eigenvalue
    (data/molecules.py laplacian_positional_encoding: degrees clipped to 1, numpy eig, argsort).
    A is 0/1 on node pairs joined by at least one edge (self loops and multi-edges ignored).
    Graphs with fewer than k + 1 nodes get zero columns for the missing vectors. Repeated
    eigenvalues get canonical_eigenspace_basis. Returns the eigenvectors before any sign
    convention, as float64 [N, k], and the eigenvalues [N]."""
    a = np.zeros((num_nodes, num_nodes))
    for u, v in undirected_pairs:
        if u != v:
            a[u, v] = a[v, u] = 1.0
    deg = np.clip(a.sum(axis=1), 1, None)
    n = np.diag(deg ** -0.5)
    lap = np.eye(num_nodes) - n @ a @ n
    values, vectors = np.linalg.eigh(lap)
    order = np.argsort(values, kind="stable")
    values, vectors = values[order], canonical_eigenspace_basis(values[order], vectors[:, order])
    out = np.zeros((num_nodes, k))
    take = min(k, num_nodes - 1)
    if take > 0:
        out[:, :take] = vectors[:, 1:take + 1]
    return out, values


DEGENERATE_TOLERANCE = 1e-6   # eigenvalues closer than this (chained) form one eigenspace
BASIS_RESIDUAL_MIN = 1e-4     # a projected unit vector shorter than this adds no direction


def canonical_eigenspace_basis(values, vectors):
    """Our basis of an eigenspace of dimension m > 1, whose eigenvectors a solver may return in
    any rotation: the projector P = V Vᵀ onto it is unique, so P e_0, P e_1, … (node order) are
    orthonormalized by Gram–Schmidt, skipping those with a residual below BASIS_RESIDUAL_MIN,
    until m vectors are found. Eigenvalues are ascending; 1-dimensional spaces stay as given."""
    out = vectors.copy()
    n = len(values)
    start = 0
    while start < n:
        end = start + 1
        while end < n and values[end] - values[end - 1] < DEGENERATE_TOLERANCE:
            end += 1
        if end - start > 1:
            v = vectors[:, start:end]
            p = v @ v.T
            basis = []
            for i in range(n):
                r = p[:, i].copy()
                for u in basis:
                    r -= (u @ r) * u
                norm = np.linalg.norm(r)
                if norm > BASIS_RESIDUAL_MIN:
                    basis.append(r / norm)
                    if len(basis) == end - start:
                        break
            out[:, start:end] = np.stack(basis, axis=1)
        start = end
    return out


def lap_pe_sign_convention(vectors):
    """Our inference sign (the repo flips signs at random while training): each column's entry
    of largest magnitude is positive; among entries within SIGN_TIE_TOLERANCE of that magnitude,
    the lowest node index decides. Zero columns stay zero."""
    out = vectors.copy()
    for c in range(out.shape[1]):
        col = out[:, c]
        mags = np.abs(col)
        top = mags.max() if len(mags) else 0.0
        if top == 0.0:
            continue
        pick = int(np.nonzero(mags >= top - SIGN_TIE_TOLERANCE)[0][0])
        if col[pick] < 0:
            out[:, c] = -col
    return out


class MlpReadout(nn.Module):
    """layers/mlp_readout_layer.py MLPReadout: widths d, d/2, …, d/2^L then the output, ReLU
    after every layer but the last. Parameters FC_layers.{k}.weight/bias."""

    def __init__(self, dim, outputs, hidden_layers):
        super().__init__()
        layers = [nn.Linear(dim // 2 ** l, dim // 2 ** (l + 1)) for l in range(hidden_layers)]
        layers.append(nn.Linear(dim // 2 ** hidden_layers, outputs))
        self.FC_layers = nn.ModuleList(layers)

    def forward(self, x):
        for layer in self.FC_layers[:-1]:
            x = torch.relu(layer(x))
        return self.FC_layers[-1](x)


class Attention(nn.Module):
    """MultiHeadAttentionLayer: Q, K, V (and proj_e with edge features), [hidden, hidden]."""

    def __init__(self, hidden, heads, edge_features, bias, spd_buckets=0):
        super().__init__()
        self.heads, self.d = heads, hidden // heads
        if spd_buckets:
            self.spd_bias = nn.Embedding(spd_buckets, heads)
        self.Q = nn.Linear(hidden, hidden, bias=bias)
        self.K = nn.Linear(hidden, hidden, bias=bias)
        self.V = nn.Linear(hidden, hidden, bias=bias)
        self.edge_features = edge_features
        if edge_features:
            self.proj_e = nn.Linear(hidden, hidden, bias=bias)

    def forward(self, h, e, src, dst, head_mask=None, bucket=None, active=None):
        """bucket [M]: SPD bias bucket per message (with spd_bias); active [M, H]: whether head h
        attends over message m (hop groups; None: every head every message)."""
        n, hd = h.shape[0], self.heads
        q = self.Q(h).view(n, hd, self.d)
        k = self.K(h).view(n, hd, self.d)
        v = self.V(h).view(n, hd, self.d)
        prod = q[dst] * k[src] / math.sqrt(self.d)            # [M, H, d]
        e_out = None
        if self.edge_features:
            prod = prod * self.proj_e(e).view(-1, hd, self.d)
            e_out = prod if active is None else prod * active[..., None].to(prod.dtype)
        logit = prod.sum(-1)                                    # [M, H]
        if bucket is not None:
            logit = logit + self.spd_bias(bucket)
        score = torch.exp(logit.clamp(-SCORE_CLAMP, SCORE_CLAMP))  # [M, H]
        if active is not None:
            score = score * active.to(score.dtype)
        wv = torch.zeros(n, hd, self.d, dtype=h.dtype).index_add_(0, dst, v[src] * score[..., None])
        z = torch.zeros(n, hd, dtype=h.dtype).index_add_(0, dst, score)
        if self.edge_features:
            denom = z + ATTENTION_EPSILON
        else:
            denom = torch.where(z > 0, z, torch.ones_like(z))
        out = wv / denom[..., None]
        weights = score / denom[dst]                          # [M, H]: what i gives j
        if head_mask is not None:
            keep = torch.tensor([0.0 if m else 1.0 for m in head_mask], dtype=h.dtype)
            out = out * keep[None, :, None]
            if e_out is not None:
                e_out = e_out * keep[None, :, None]
        return out.reshape(n, -1), (e_out.reshape(e_out.shape[0], -1) if e_out is not None else None), weights


def make_norm(kind, dim):
    return nn.BatchNorm1d(dim, eps=NORM_EPSILON) if kind == "batch" else nn.LayerNorm(dim, eps=NORM_EPSILON)


class Layer(nn.Module):
    """GraphTransformerLayer. Without edge features the names are O, layer_norm1/batch_norm1,
    FFN_layer1/2, layer_norm2/batch_norm2; with them O_h/O_e, *_norm1_h/_e, FFN_h_layer1/2,
    FFN_e_layer1/2, *_norm2_h/_e (graph_transformer_edge_layer.py)."""

    def __init__(self, hidden, heads, norm, edge_features, bias, residual=True, spd_buckets=0):
        super().__init__()
        self.edge_features, self.residual, self.norm_kind = edge_features, residual, norm
        self.attention = Attention(hidden, heads, edge_features, bias, spd_buckets)
        nk = "batch_norm" if norm == "batch" else "layer_norm"
        self.nk = nk
        if edge_features:
            for s in ("h", "e"):
                setattr(self, f"O_{s}", nn.Linear(hidden, hidden))
                setattr(self, f"{nk}1_{s}", make_norm(norm, hidden))
                setattr(self, f"FFN_{s}_layer1", nn.Linear(hidden, 2 * hidden))
                setattr(self, f"FFN_{s}_layer2", nn.Linear(2 * hidden, hidden))
                setattr(self, f"{nk}2_{s}", make_norm(norm, hidden))
        else:
            self.O = nn.Linear(hidden, hidden)
            setattr(self, f"{nk}1", make_norm(norm, hidden))
            self.FFN_layer1 = nn.Linear(hidden, 2 * hidden)
            self.FFN_layer2 = nn.Linear(2 * hidden, hidden)
            setattr(self, f"{nk}2", make_norm(norm, hidden))

    def _names(self, stream):
        """O, norm1, FFN1, FFN2, norm2 attribute names of stream "" (no edge features), "h", "e"."""
        if stream == "":
            return "O", f"{self.nk}1", "FFN_layer1", "FFN_layer2", f"{self.nk}2"
        s = stream
        return f"O_{s}", f"{self.nk}1_{s}", f"FFN_{s}_layer1", f"FFN_{s}_layer2", f"{self.nk}2_{s}"

    def _stream(self, x, attn, stream):
        """O, residual, norm1, FFN with ReLU, residual, norm2 (the repo's order)."""
        o, n1, f1, f2, n2 = (getattr(self, n) for n in self._names(stream))
        x1 = o(attn)
        x1 = n1(x + x1 if self.residual else x1)
        f = f2(torch.relu(f1(x1)))
        return n2(x1 + f if self.residual else f)

    def forward(self, h, e, src, dst, head_mask=None, bucket=None, active=None):
        h_attn, e_attn, weights = self.attention(h, e, src, dst, head_mask, bucket, active)
        if self.edge_features:
            return self._stream(h, h_attn, "h"), self._stream(e, e_attn, "e"), weights
        return self._stream(h, h_attn, ""), None, weights


class GraphTransformer(nn.Module):
    """GraphTransformerNet: embedding_h (Embedding or Linear), embedding_lap_pos_enc,
    embedding_e (Embedding, Linear of the continuous features, or Linear(1, d) of ones when the
    edge layer runs without edge features), layers.{i}, MLP_layer."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg["hidden_dim"]
        ni = cfg["node_input"]
        self.embedding_h = (nn.Embedding(ni["num_embeddings"], d) if ni["kind"] == "embedding"
                            else nn.Linear(ni["width"], d))
        if cfg["lap_pe_dim"] > 0:
            self.embedding_lap_pos_enc = nn.Linear(cfg["lap_pe_dim"], d)
        if cfg["edge_features"]:
            ei = cfg["edge_input"]
            if ei["kind"] == "embedding":
                self.embedding_e = nn.Embedding(ei["num_embeddings"], d)
            elif ei["kind"] == "linear":
                self.embedding_e = nn.Linear(ei["width"], d)
            else:
                self.embedding_e = nn.Linear(1, d)
        spd = cfg.get("spd_bias")
        self.spd_max = spd["max_distance"] if spd else 0
        self.layers = nn.ModuleList(
            Layer(d, cfg["num_heads"], cfg["norm"], cfg["edge_features"], cfg["attention_bias"],
                  cfg.get("residual", True), self.spd_max + 2 if spd else 0)
            for _ in range(cfg["num_layers"]))
        self.MLP_layer = MlpReadout(d, cfg["num_outputs"], cfg["readout_mlp_layers"])

    def head_rings(self):
        """The hop ring of each head with hop_groups (consecutive, even split), else None."""
        groups = self.cfg.get("attention", {}).get("hop_groups")
        if not groups:
            return None
        per = self.cfg["num_heads"] // len(groups)
        return [groups[h // per] for h in range(self.cfg["num_heads"])]

    def forward(self, node_in, edge_in, src, dst, lap_pe, head_mask=None, keep=None, hops=None):
        """node_in: LongTensor [N] or float [N, w]; edge_in: per message, LongTensor [M] or float
        [M, w] (ignored without edge features); lap_pe [N, k]; head_mask[l][h] True zeroes head
        h of layer l (node and edge attention outputs, before O); keep[l] (a node list or None):
        the nodes that remain from layer l on. A removed node sends and receives no message,
        its state is zero from then on, and readouts (node outputs) skip (zero) it.
        Returns output, attention weights per layer [M, H] (zero on dropped messages), node
        states per layer [N, d]."""
        n = node_in.shape[0]
        h = self.embedding_h(node_in)
        if self.cfg["lap_pe_dim"] > 0:
            h = h + self.embedding_lap_pos_enc(lap_pe)
        e = None
        if self.cfg["edge_features"]:
            if self.cfg["edge_input"]["kind"] == "constant":
                e = self.embedding_e(torch.ones(src.shape[0], 1, dtype=h.dtype))
            else:
                e = self.embedding_e(edge_in)
        # hops [M]: hop distance per message (-1: another component), for hop groups and SPD.
        bucket_all = active_all = None
        if self.spd_max:
            bucket_all = torch.where(hops < 0, torch.full_like(hops, self.spd_max + 1),
                                     hops.clamp(max=self.spd_max))
        rings = self.head_rings()
        if rings is not None:
            active_all = hops[:, None] == torch.tensor(rings)[None, :]
        alive = torch.ones(n, dtype=torch.bool)
        weights, states = [], []
        for l, layer in enumerate(self.layers):
            if keep is not None and keep[l] is not None:
                kept = torch.zeros(n, dtype=torch.bool)
                kept[list(keep[l])] = True
                alive = alive & kept
            live = alive[src] & alive[dst]
            idx = torch.nonzero(live).flatten()
            mask = head_mask[l] if head_mask is not None else None
            h_new, e_new, w = layer(h, e[idx] if e is not None else None, src[idx], dst[idx], mask,
                                    bucket_all[idx] if bucket_all is not None else None,
                                    active_all[idx] if active_all is not None else None)
            h = h_new * alive[:, None].to(h.dtype)
            if e is not None:
                e = e.clone()
                e[idx] = e_new
            full_w = torch.zeros(src.shape[0], w.shape[1], dtype=w.dtype)
            full_w[idx] = w
            weights.append(full_w)
            states.append(h)
        if self.cfg["task"] == "node":
            return self.MLP_layer(h) * alive[:, None].to(h.dtype), weights, states
        ro = self.cfg["readout"]
        live_h = h[alive]
        hg = live_h.sum(0) if ro == "sum" else live_h.max(0).values if ro == "max" else live_h.mean(0)
        return self.MLP_layer(hg), weights, states


def messages(num_nodes, edges, directed, full_graph, edge_values, non_edge_value):
    """(src, dst, per-message edge value) as in the module docstring. `edge_values[e]` is edge
    e's category (int) or feature list."""
    if not full_graph:
        src, dst, val = [], [], []
        for (u, v), x in zip(edges, edge_values):
            src.append(u); dst.append(v); val.append(x)
            if not directed and u != v:
                src.append(v); dst.append(u); val.append(x)
        return src, dst, val
    first = {}
    for (u, v), x in zip(edges, edge_values):
        first.setdefault((u, v), x)
        if not directed:
            first.setdefault((v, u), x)
    src, dst, val = [], [], []
    for i in range(num_nodes):          # destination-major, then source: DGL's complete graph
        for j in range(num_nodes):      # order does not matter to the result
            if i != j:
                src.append(j); dst.append(i); val.append(first.get((j, i), non_edge_value))
    return src, dst, val


def hop_distances(num_nodes, edges):
    """All-pairs hop distances of the undirected view by breadth-first search from every node;
    -1 for unreachable. A list of lists, [source][target]."""
    adj = [[] for _ in range(num_nodes)]
    for u, v in edges:
        if u != v:
            adj[u].append(v)
            adj[v].append(u)
    out = []
    for s in range(num_nodes):
        dist = [-1] * num_nodes
        dist[s] = 0
        queue = collections.deque([s])
        while queue:
            x = queue.popleft()
            for y in adj[x]:
                if dist[y] < 0:
                    dist[y] = dist[x] + 1
                    queue.append(y)
        out.append(dist)
    return out


def attention_mask(cfg):
    """(mask name, K or hop groups) of a config: "attention" if given, else full_graph."""
    att = cfg.get("attention")
    if att:
        return att["mask"], att.get("k", att.get("hop_groups"))
    return ("full_graph" if cfg.get("full_graph") else "neighbours"), None


def masked_messages(num_nodes, edges, directed, cfg, edge_values, non_edge_value):
    """(src, dst, per-message edge value, hops) for any mask (module docstring). hops is the
    hop distance of each message (0 for a self loop, -1 for another component)."""
    mask, arg = attention_mask(cfg)
    dist = hop_distances(num_nodes, edges)
    if mask == "neighbours":
        src, dst, val = messages(num_nodes, edges, directed, False, edge_values, non_edge_value)
        return src, dst, val, [dist[j][i] for j, i in zip(src, dst)]
    first = {}
    for (u, v), x in zip(edges, edge_values):
        first.setdefault((u, v), x)
        if not directed:
            first.setdefault((v, u), x)
    src, dst, val, hops = [], [], [], []
    for i in range(num_nodes):
        for j in range(num_nodes):
            d = dist[j][i]
            if i == j:
                continue
            if mask == "k_hop" and not 1 <= d <= arg:
                continue
            if mask == "hop_groups" and d not in arg:
                continue
            src.append(j); dst.append(i); val.append(first.get((j, i), non_edge_value)); hops.append(d)
    return src, dst, val, hops


def dense_attention(weights, src, dst, num_nodes, heads):
    """[H, N, N] with [h, i, j] the weight destination i gives source j (summed over parallel
    messages), zero where no message runs."""
    out = torch.zeros(heads, num_nodes, num_nodes, dtype=weights.dtype)
    for m in range(len(src)):
        out[:, dst[m], src[m]] += weights[m]
    return out
