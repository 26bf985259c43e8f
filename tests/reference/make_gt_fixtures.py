#!/usr/bin/python3
"""Writes tests/fixtures/graph_transformer/<name>/: small random Dwivedi–Bresson Graph
Transformers (graph_transformer_ref.py), each as config.json + model.safetensors and as a torch
checkpoint model.pt with graphdeeplearning/graphtransformer's state-dict names (plain, or nested
under "model" / "state_dict" as training scripts save them), a small graph, and the reference's
outputs in expected.safetensors:

  edges [E, 2], node_input [N] or [N, w], edge_input [E] or [E, w] (when the model reads one)
  lap_pe [N, k]        the eigenvectors the forward used, after our sign convention
  lap_pe_eigenvalues [N]
  output [outputs] (graph task) or [N, outputs] (node task)
  attention.{l} [H, N, N], node_states.{l} [N, d]
  output_head_masked   with head 1 of layer 0 masked
  output_kept          with node keep-sets (metadata "keep": JSON list per layer)
  message_source, message_target, message_hops [M]   the messages the reference ran and their
                       hop distances (−1: unreachable), in the engine's order, for the variants
                       with an "attention" mask or "spd_bias"

Metadata: "directed", "lap_pe_distinct" ("1" when the graph's eigenvalues are distinct, so its
eigenvectors are unique up to sign whatever the solver; repeated ones get the canonical basis).

Run: OMP_NUM_THREADS=2 /usr/bin/python3 tests/reference/make_gt_fixtures.py [OUT_DIR]
Seeded and deterministic. The reference runs in float64 from the float32 weights written.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import graph_transformer_ref as ref  # noqa: E402
import safetensors_io  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "..", "fixtures", "graph_transformer")

# A 5-ring with a 2-node branch and a pendant: asymmetric, so its Laplacian spectrum is simple.
RING_BRANCH = {"nodes": 7, "directed": False,
               "edges": [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (1, 5), (5, 6)]}
# Directed, with an isolated node (6): it receives no message, so its attention output is 0/ε.
DIRECTED = {"nodes": 7, "directed": True,
            "edges": [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (1, 4)]}
# A path with a chord and a pendant.
CHORDED = {"nodes": 6, "directed": False,
           "edges": [(0, 1), (1, 2), (2, 3), (3, 4), (1, 3), (4, 5)]}
# A tree of diameter 5, so that hop rings 1..4 all hold pairs.
TREE = {"nodes": 9, "directed": False,
        "edges": [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5), (5, 6), (2, 7), (0, 8)]}
# CHORDED and a separate edge: pairs across the two components are unreachable (SPD bucket D + 1).
TWO_COMPONENTS = {"nodes": 8, "directed": False,
                  "edges": CHORDED["edges"] + [(6, 7)]}

FIXTURES = [
    {"name": "sparse_edge_batch", "seed": 11, "graph": RING_BRANCH, "pt_nesting": None,
     "config": {"norm": "batch", "full_graph": False, "edge_features": True, "lap_pe_dim": 3,
                "readout": "mean", "task": "graph", "num_outputs": 1, "attention_bias": False,
                "readout_mlp_layers": 2,
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 0,
                               "num_embeddings": 6},
                "edge_input": {"kind": "embedding", "attribute": "bond", "column": 0,
                               "num_embeddings": 5, "offset": 1, "non_edge_index": 0}},
     "keep": [None, [0, 1, 2, 3, 5]]},
    {"name": "sparse_node_layer", "seed": 12, "graph": DIRECTED, "pt_nesting": "model",
     "config": {"norm": "layer", "full_graph": False, "edge_features": False, "lap_pe_dim": 2,
                "readout": "mean", "task": "node", "num_outputs": 3, "attention_bias": True,
                "readout_mlp_layers": 2,
                "node_input": {"kind": "linear", "attribute": "x", "width": 3}},
     "keep": [[0, 1, 2, 3, 4, 6], [0, 1, 2, 4, 6]]},
    {"name": "full_batch_max", "seed": 13, "graph": CHORDED, "pt_nesting": None,
     "config": {"norm": "batch", "full_graph": True, "edge_features": False, "lap_pe_dim": 2,
                "readout": "max", "task": "graph", "num_outputs": 2, "attention_bias": False,
                "readout_mlp_layers": 1,
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 1,
                               "num_embeddings": 4}},
     "keep": [[1, 2, 3, 4, 5], None]},
    {"name": "full_edge_layer_sum", "seed": 14, "graph": RING_BRANCH, "pt_nesting": "state_dict",
     "config": {"norm": "layer", "full_graph": True, "edge_features": True, "lap_pe_dim": 4,
                "readout": "sum", "task": "graph", "num_outputs": 1, "attention_bias": False,
                "readout_mlp_layers": 2,
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 0,
                               "num_embeddings": 6},
                "edge_input": {"kind": "embedding", "attribute": "bond", "column": 0,
                               "num_embeddings": 4, "offset": 1, "non_edge_index": 0}},
     "keep": [None, [0, 2, 4, 5, 6]]},
    {"name": "full_linear_edge_layer", "seed": 16, "graph": CHORDED, "pt_nesting": None,
     "config": {"norm": "layer", "full_graph": True, "edge_features": True, "lap_pe_dim": 2,
                "readout": "mean", "task": "graph", "num_outputs": 2, "attention_bias": False,
                "readout_mlp_layers": 2,
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 0,
                               "num_embeddings": 6},
                "edge_input": {"kind": "linear", "attribute": "w", "width": 2}},
     "keep": [[0, 1, 3, 4, 5], None]},
    {"name": "sparse_const_edge_batch", "seed": 15, "graph": CHORDED, "pt_nesting": None,
     "config": {"norm": "batch", "full_graph": False, "edge_features": True, "lap_pe_dim": 0,
                "readout": "sum", "task": "graph", "num_outputs": 1, "attention_bias": True,
                "readout_mlp_layers": 2,
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 0,
                               "num_embeddings": 6},
                "edge_input": {"kind": "constant"}},
     "keep": [None, None]},
    # Graph-masked variants (attention masks and SPD bias).
    {"name": "khop2_edge_layer", "seed": 21, "graph": RING_BRANCH, "pt_nesting": None,
     "config": {"norm": "layer", "full_graph": False, "edge_features": True, "lap_pe_dim": 3,
                "readout": "mean", "task": "graph", "num_outputs": 1, "attention_bias": False,
                "readout_mlp_layers": 2, "attention": {"mask": "k_hop", "k": 2},
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 0,
                               "num_embeddings": 6},
                "edge_input": {"kind": "embedding", "attribute": "bond", "column": 0,
                               "num_embeddings": 5, "offset": 1, "non_edge_index": 0}},
     "keep": [None, [0, 1, 2, 3, 5]]},
    {"name": "hop_groups_tree", "seed": 22, "graph": TREE, "pt_nesting": "model",
     "config": {"num_heads": 4, "norm": "batch", "full_graph": False, "edge_features": True,
                "lap_pe_dim": 2, "readout": "mean", "task": "node", "num_outputs": 2,
                "attention_bias": False, "readout_mlp_layers": 1,
                "attention": {"mask": "hop_groups", "hop_groups": [1, 2, 3, 4]},
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 0,
                               "num_embeddings": 6},
                "edge_input": {"kind": "embedding", "attribute": "bond", "column": 0,
                               "num_embeddings": 4, "offset": 1, "non_edge_index": 0}},
     "keep": [[0, 1, 2, 3, 4, 5, 6, 7], None]},
    {"name": "spd_full_batch", "seed": 23, "graph": TWO_COMPONENTS, "pt_nesting": "state_dict",
     "config": {"norm": "batch", "full_graph": True, "edge_features": False, "lap_pe_dim": 2,
                "readout": "sum", "task": "graph", "num_outputs": 1, "attention_bias": False,
                "readout_mlp_layers": 2, "spd_bias": {"max_distance": 2},
                "node_input": {"kind": "embedding", "attribute": "atom", "column": 1,
                               "num_embeddings": 4}},
     "keep": [None, [0, 1, 2, 3, 4, 6, 7]]},
    {"name": "spd_khop_directed", "seed": 24, "graph": DIRECTED, "pt_nesting": None,
     "config": {"norm": "layer", "full_graph": False, "edge_features": True, "lap_pe_dim": 2,
                "readout": "mean", "task": "node", "num_outputs": 1, "attention_bias": True,
                "readout_mlp_layers": 2, "attention": {"mask": "k_hop", "k": 2},
                "spd_bias": {"max_distance": 3},
                "node_input": {"kind": "linear", "attribute": "x", "width": 3},
                "edge_input": {"kind": "linear", "attribute": "w", "width": 2}},
     "keep": [[0, 1, 2, 3, 4, 5], None]},
]

BASE = {"model_type": "graph_transformer", "hidden_dim": 8, "num_heads": 2, "num_layers": 2,
        "residual": True}

# Q and K weights are this many times the 1/√fan_in scale of the other weights, so that q·k/√d
# spreads over several units: some scores pass the ±5 clamp, rows are peaked.
QK_GAIN = 3.0


def randomize(model, gen):
    for name, p in model.named_parameters():
        with torch.no_grad():
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float64)
            owner = model.get_submodule(name.rsplit(".", 1)[0])
            fan_in = p.shape[1] if p.dim() == 2 and not isinstance(owner, torch.nn.Embedding) else 1
            scale = fan_in ** -0.5
            if name.endswith(("Q.weight", "K.weight")):
                p.copy_(noise * scale * QK_GAIN)
            elif name.startswith("MLP_layer") and name.endswith("bias"):
                # Positive biases keep the readout's ReLUs open, so outputs depend on the input.
                p.copy_(0.5 + 0.5 * torch.rand(p.shape, generator=gen, dtype=torch.float64))
            elif p.dim() == 1 and ("norm" in name) and name.endswith("weight"):
                p.copy_(1.0 + 0.3 * noise)
            elif p.dim() == 1:
                p.copy_(0.2 * noise)
            else:
                p.copy_(noise * scale)
    for name, b in model.named_buffers():
        with torch.no_grad():
            if name.endswith("running_mean"):
                b.copy_(0.3 * torch.randn(b.shape, generator=gen, dtype=torch.float64))
            elif name.endswith("running_var"):
                b.copy_(0.5 + 1.5 * torch.rand(b.shape, generator=gen, dtype=torch.float64))
            elif name.endswith("num_batches_tracked"):
                b.fill_(100)
    # Round every float to f32, the precision the files hold, so the f64 reference and the f32
    # engine start from the same numbers.
    with torch.no_grad():
        for t in list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]:
            t.copy_(t.float().double())


def node_and_edge_inputs(cfg, graph, gen):
    n, edges = graph["nodes"], graph["edges"]
    ni = cfg["node_input"]
    if ni["kind"] == "embedding":
        # Two columns so that "column" is exercised; the model reads ni["column"].
        cols = torch.randint(0, ni["num_embeddings"], (n, 2), generator=gen)
        node_attr, node_in = cols, cols[:, ni["column"]]
    else:
        node_attr = torch.randn(n, ni["width"], generator=gen, dtype=torch.float64).float().double()
        node_in = node_attr
    edge_attr, edge_vals, non_edge = None, [0] * len(edges), 0
    if cfg["edge_features"] and cfg["edge_input"]["kind"] == "embedding":
        ei = cfg["edge_input"]
        off = ei.get("offset", 0)
        edge_attr = torch.randint(0, ei["num_embeddings"] - off, (len(edges),), generator=gen)
        edge_vals = [int(v) + off for v in edge_attr]
        non_edge = ei.get("non_edge_index", 0)
    elif cfg["edge_features"] and cfg["edge_input"]["kind"] == "linear":
        width = cfg["edge_input"]["width"]
        edge_attr = torch.randn(len(edges), width, generator=gen, dtype=torch.float64).float().double()
        edge_vals = list(edge_attr)
        non_edge = torch.zeros(width, dtype=torch.float64)  # full graph: pairs without an edge
    return node_attr, node_in, edge_attr, edge_vals, non_edge


def write_fixture(spec, out_root):
    cfg = {**BASE, **spec["config"]}
    graph = spec["graph"]
    gen = torch.Generator().manual_seed(spec["seed"])
    torch.manual_seed(spec["seed"])
    model = ref.GraphTransformer(cfg).double().eval()
    randomize(model, gen)
    node_attr, node_in, edge_attr, edge_vals, non_edge = node_and_edge_inputs(cfg, graph, gen)

    n = graph["nodes"]
    src, dst, vals, hops = ref.masked_messages(n, graph["edges"], graph["directed"], cfg,
                                               edge_vals, non_edge)
    src_t, dst_t, hops_t = torch.tensor(src), torch.tensor(dst), torch.tensor(hops)
    edge_in = None
    if cfg["edge_features"]:
        edge_in = torch.stack(vals) if cfg["edge_input"]["kind"] == "linear" else torch.tensor(vals)

    k = cfg["lap_pe_dim"]
    raw, eigenvalues = ref.laplacian_eigenvectors(n, graph["edges"], max(k, 1))
    lap = torch.tensor(ref.lap_pe_sign_convention(raw)[:, :k])
    distinct = bool(np.all(np.diff(eigenvalues) > 1e-3))

    with torch.no_grad():
        out, weights, states = model(node_in, edge_in, src_t, dst_t, lap, hops=hops_t)
        heads = cfg["num_heads"]
        masked, _, _ = model(node_in, edge_in, src_t, dst_t, lap,
                             head_mask=[[False, True] + [False] * (heads - 2)]
                             + [[False] * heads] * (cfg["num_layers"] - 1), hops=hops_t)
        kept, _, _ = model(node_in, edge_in, src_t, dst_t, lap, keep=spec["keep"], hops=hops_t)

    # Every fixture must see its interventions: a masked head and the keep-sets change the output.
    assert (masked - out).abs().max() > 1e-3, f"{spec['name']}: head mask changes nothing"
    if any(k2 is not None for k2 in spec["keep"]):
        assert (kept - out).abs().max() > 1e-3, f"{spec['name']}: keep-sets change nothing"
    expected = {"edges": torch.tensor(graph["edges"], dtype=torch.float32),
                "node_input": node_attr.float(),
                "lap_pe": lap.float(),
                "lap_pe_eigenvalues": torch.tensor(eigenvalues, dtype=torch.float32),
                "output": out.float(),
                "output_head_masked": masked.float(),
                "output_kept": kept.float()}
    if edge_attr is not None:
        expected["edge_input"] = edge_attr.float()
    if "attention" in cfg or "spd_bias" in cfg:
        expected["message_hops"] = torch.tensor(hops, dtype=torch.float32)
        expected["message_source"] = torch.tensor(src, dtype=torch.float32)
        expected["message_target"] = torch.tensor(dst, dtype=torch.float32)
    for l in range(cfg["num_layers"]):
        expected[f"attention.{l}"] = ref.dense_attention(weights[l], src, dst, n, heads).float()
        expected[f"node_states.{l}"] = states[l].float()

    folder = os.path.join(out_root, spec["name"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    state = {k2: (v.float() if v.is_floating_point() else v) for k2, v in model.state_dict().items()}
    safetensors_io.save(os.path.join(folder, "model.safetensors"),
                        {k2: v for k2, v in state.items() if v.is_floating_point()})
    nested = state if spec["pt_nesting"] is None else {spec["pt_nesting"]: state, "epoch": 3}
    torch.save(nested, os.path.join(folder, "model.pt"))
    safetensors_io.save(os.path.join(folder, "expected.safetensors"), expected,
                        {"directed": "1" if graph["directed"] else "0",
                         "lap_pe_distinct": "1" if distinct else "0",
                         "keep": json.dumps(spec["keep"])})
    print(f"{spec['name']}: output {out.flatten()[:4].tolist()} distinct eigenvalues {distinct}")


def main():
    out_root = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    for spec in FIXTURES:
        write_fixture(spec, out_root)


if __name__ == "__main__":
    main()
