#!/usr/bin/python3
"""Writes tests/fixtures/graphgps/<name>/: small random GraphGPS models (graphgps_ref.py), each
as config.json + model.safetensors and as a torch checkpoint model.pt (torch.save of the state
dict with rampasek/GraphGPS's names), the input graph as graph.graphml (the attributes the config
reads), and the reference's results in expected.safetensors:

  lap_eigvecs [N, F], lap_eigvals [F]   LapPE input after our sign convention, NaN padded
  rwse [N, K]                           RWSE input
  output [outputs] (graph task) or [N, outputs] (node task)
  attention.{l} [H, N, N] (zeros for a layer without attention), node_states.{l} [N, d]
  output_head_masked      head 1 of layer 0 masked
  output_kept             node keep-sets (metadata "keep": JSON list per layer)
  output_attention_zeroed (models with attention) every head of layer 0 masked, computed by
                          replacing that layer's attention output with out_proj(0) = its bias

Run: OMP_NUM_THREADS=2 /usr/bin/python3 tests/reference/make_gps_fixtures.py [OUT_DIR]
Seeded and deterministic. The reference runs in float64 from the float32 weights written.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import graphgps_ref as ref  # noqa: E402
import safetensors_io  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "..", "fixtures", "graphgps")

# Two rings joined by a path, with a pendant: asymmetric, 10 nodes.
TWO_RINGS = {"nodes": 10, "edges": [(0, 1), (1, 2), (2, 3), (3, 0), (3, 4), (4, 5), (5, 6),
                                    (6, 7), (7, 8), (8, 5), (8, 9)]}
# A path with a chord, a pendant and a self loop on node 2.
CHORDED = {"nodes": 7, "edges": [(0, 1), (1, 2), (2, 3), (3, 4), (1, 3), (4, 5), (5, 6), (2, 2)]}
# A 4-cycle: fewer nodes than eigenvectors asked for (NaN padding) and a repeated eigenvalue.
SQUARE = {"nodes": 4, "edges": [(0, 1), (1, 2), (2, 3), (3, 0)]}

EMB = {"kind": "embedding", "attribute": "type", "column": 0, "num_embeddings": 5}
EDGE_EMB = {"kind": "embedding", "attribute": "bond", "column": 0, "num_embeddings": 4}

FIXTURES = [
    {"name": "gine_transformer_lappe", "seed": 21, "graph": TWO_RINGS,
     "config": {"local_gnn": "gine", "global_attention": "transformer", "norm": "batch",
                "task": "graph", "readout": "mean", "num_outputs": 1,
                "node_input": EMB, "edge_input": EDGE_EMB,
                "lap_pe": {"dim_pe": 4, "max_freqs": 6, "layers": 2, "laplacian_norm": "none"}},
     "keep": [None, [0, 1, 2, 3, 4, 5, 7, 9]]},
    {"name": "gatedgcn_transformer_rwse", "seed": 22, "graph": TWO_RINGS,
     "config": {"local_gnn": "gatedgcn", "global_attention": "transformer", "norm": "batch",
                "task": "graph", "readout": "add", "num_outputs": 2,
                "node_input": EMB, "edge_input": EDGE_EMB,
                "rwse": {"dim_pe": 4, "steps": 6, "model": "linear", "raw_norm": "batchnorm"}},
     "keep": [[0, 1, 2, 3, 4, 5, 6, 8, 9], [0, 1, 2, 3, 5, 6, 8, 9]]},
    {"name": "transformer_node_task", "seed": 23, "graph": CHORDED,
     "config": {"local_gnn": "none", "global_attention": "transformer", "norm": "layer",
                "task": "node", "num_outputs": 3, "objective": "classification",
                "node_input": {"kind": "linear", "attribute": "x", "width": 3},
                "lap_pe": {"dim_pe": 2, "max_freqs": 4, "layers": 1, "post_layers": 1,
                           "raw_norm": "batchnorm", "laplacian_norm": "sym"}},
     "keep": [[0, 1, 2, 4, 5, 6], None]},
    {"name": "gine_only_rwse_mlp", "seed": 24, "graph": CHORDED,
     "config": {"local_gnn": "gine", "global_attention": "none", "norm": "batch",
                "task": "graph", "readout": "max", "num_outputs": 1,
                "node_input": EMB,
                "edge_input": {"kind": "linear", "attribute": "w", "width": 2},
                "rwse": {"dim_pe": 2, "steps": 5, "model": "mlp", "layers": 2, "raw_norm": "none"}},
     "keep": [None, [0, 1, 2, 3, 5, 6]]},
    {"name": "gatedgcn_layer_norm_both_pe", "seed": 25, "graph": TWO_RINGS,
     "config": {"local_gnn": "gatedgcn", "global_attention": "transformer", "norm": "layer",
                "task": "node", "num_outputs": 2, "head_layers": 1,
                "node_input": EMB, "edge_input": {"kind": "dummy"},
                "lap_pe": {"dim_pe": 2, "max_freqs": 5, "layers": 3, "laplacian_norm": "none"},
                "rwse": {"dim_pe": 2, "steps": 4, "model": "linear", "raw_norm": "batchnorm"}},
     "keep": [None, [1, 2, 3, 4, 5, 6, 7, 8]]},
    # The head GraphGPS's node-classification configs (CLUSTER, PATTERN) use: GatedGCN +
    # Transformer, DummyEdge, LinearNode + LapPE, inductive_node with layers_post_mp 3.
    {"name": "inductive_node_head", "seed": 27, "graph": TWO_RINGS,
     "config": {"local_gnn": "gatedgcn", "global_attention": "transformer", "norm": "batch",
                "task": "node", "head": "inductive_node", "head_layers": 3, "num_outputs": 4,
                "objective": "classification",
                "node_input": {"kind": "linear", "attribute": "x", "width": 3},
                "edge_input": {"kind": "dummy"},
                "lap_pe": {"dim_pe": 4, "max_freqs": 6, "layers": 2, "laplacian_norm": "none"}},
     "keep": [None, [0, 1, 2, 3, 4, 6, 7, 8]]},
    # GraphGPS's molecule configs (ogbg-molhiv/molpcba, PCQM4Mv2): OGB's Atom and Bond encoders.
    {"name": "ogb_atom_bond_rwse", "seed": 28, "graph": TWO_RINGS,
     "config": {"local_gnn": "gine", "global_attention": "transformer", "norm": "batch",
                "task": "graph", "readout": "mean", "num_outputs": 1,
                "node_input": {"kind": "ogb_atom"}, "edge_input": {"kind": "ogb_bond"},
                "rwse": {"dim_pe": 4, "steps": 6, "model": "linear", "raw_norm": "batchnorm"}},
     "keep": [None, [0, 1, 2, 3, 4, 5, 6, 8]]},
    {"name": "small_padded_lappe", "seed": 26, "graph": SQUARE,
     "config": {"local_gnn": "gine", "global_attention": "transformer", "norm": "batch",
                "task": "graph", "readout": "mean", "num_outputs": 1,
                "node_input": EMB, "edge_input": EDGE_EMB,
                "lap_pe": {"dim_pe": 4, "max_freqs": 8, "layers": 2, "laplacian_norm": "none"}},
     "keep": [[0, 1, 2], None]},
]

BASE = {"model_type": "graphgps", "hidden_dim": 16, "num_heads": 2, "num_layers": 2}
QK_GAIN = 2.0


def randomize(model, gen):
    for name, p in model.named_parameters():
        with torch.no_grad():
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float64)
            if name.endswith("in_proj_weight"):
                d = p.shape[1]
                p.copy_(noise * d ** -0.5)
                p[:2 * d] *= QK_GAIN  # peaked rows: q and k larger than v
            elif name.startswith("post_mp") and name.endswith("bias"):
                p.copy_(0.5 + 0.5 * torch.rand(p.shape, generator=gen, dtype=torch.float64))
            elif p.dim() == 1 and ("norm" in name or "bn_" in name) and name.endswith("weight"):
                p.copy_(1.0 + 0.3 * noise)
            elif p.dim() == 1:
                p.copy_(0.2 * noise)
            else:
                owner = model.get_submodule(name.rsplit(".", 1)[0])
                fan_in = p.shape[1] if not isinstance(owner, torch.nn.Embedding) else 1
                # OGB's encoders sum one table per feature column: 9 (atoms) or 3 (bonds)
                # tables of unit scale would give node states 3x larger, and layer 1's
                # float32 attention would drift 1e-5 from float64 in the reference alone.
                if ".atom_embedding_list." in name:
                    fan_in = len(ref.OGB_ATOM_DIMS)
                elif ".bond_embedding_list." in name:
                    fan_in = len(ref.OGB_BOND_DIMS)
                p.copy_(noise * fan_in ** -0.5)
    for name, b in model.named_buffers():
        with torch.no_grad():
            if name.endswith("running_mean"):
                b.copy_(0.3 * torch.randn(b.shape, generator=gen, dtype=torch.float64))
            elif name.endswith("running_var"):
                b.copy_(0.5 + 1.5 * torch.rand(b.shape, generator=gen, dtype=torch.float64))
            elif name.endswith("num_batches_tracked"):
                b.fill_(100)
            elif name.endswith(".eps"):
                b.fill_(0.25)
    with torch.no_grad():
        for t in list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]:
            t.copy_(t.float().double())


def graphml(graph, node_attrs, edge_attrs):
    """GraphML text: node_attrs / edge_attrs map a name to (kind "int"|"double", [values per
    element], each a scalar or a list -> keys name.0, name.1, ...)."""
    keys, lines = [], []

    def expand(attrs):
        out = []
        for name, (kind, values) in attrs.items():
            width = len(values[0]) if isinstance(values[0], (list, tuple)) else 0
            if width == 0:
                out.append((name, kind, [v for v in values]))
            else:
                for c in range(width):
                    out.append((f"{name}.{c}", kind, [v[c] for v in values]))
        return out
    nodes, edges = expand(node_attrs), expand(edge_attrs)
    for scope, cols in (("node", nodes), ("edge", edges)):
        for name, kind, _ in cols:
            keys.append(f'<key id="{scope}_{name}" for="{scope}" attr.name="{name}" attr.type="{kind}"/>')
    fmt = lambda kind, v: str(int(v)) if kind == "int" else repr(float(v))  # noqa: E731
    for i in range(graph["nodes"]):
        data = "".join(f'<data key="node_{n}">{fmt(k, vals[i])}</data>' for n, k, vals in nodes)
        lines.append(f'<node id="n{i}">{data}</node>')
    for e, (u, v) in enumerate(graph["edges"]):
        data = "".join(f'<data key="edge_{n}">{fmt(k, vals[e])}</data>' for n, k, vals in edges)
        lines.append(f'<edge source="n{u}" target="n{v}">{data}</edge>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n' + "\n".join(keys) +
            '\n<graph id="G" edgedefault="undirected">\n' + "\n".join(lines) + "\n</graph>\n</graphml>\n")


def inputs(cfg, graph, gen):
    n, edges = graph["nodes"], graph["edges"]
    ni = cfg["node_input"]
    node_attrs, edge_attrs = {}, {}
    if ni["kind"] == "ogb_atom":
        cats = torch.stack([torch.randint(0, n_k, (n,), generator=gen) for n_k in ref.OGB_ATOM_DIMS], dim=1)
        node_attrs[ni.get("attribute", "feat")] = ("int", cats.tolist())
        node_in = cats
    elif ni["kind"] == "embedding":
        cats = torch.randint(0, ni["num_embeddings"], (n,), generator=gen)
        node_attrs[ni["attribute"]] = ("int", cats.tolist())
        node_in = cats
    else:
        x = torch.randn(n, ni["width"], generator=gen, dtype=torch.float64).float().double()
        node_attrs[ni["attribute"]] = ("double", x.tolist())
        node_in = x
    edge_vals = None
    ei = cfg.get("edge_input")
    if ei and ei["kind"] == "ogb_bond":
        cats = torch.stack([torch.randint(0, n_k, (len(edges),), generator=gen) for n_k in ref.OGB_BOND_DIMS], dim=1)
        edge_attrs[ei.get("attribute", "feat")] = ("int", cats.tolist())
        edge_vals = cats
    elif ei and ei["kind"] == "embedding":
        cats = torch.randint(0, ei["num_embeddings"], (len(edges),), generator=gen)
        edge_attrs[ei["attribute"]] = ("int", cats.tolist())
        edge_vals = cats
    elif ei and ei["kind"] == "linear":
        w = torch.randn(len(edges), ei["width"], generator=gen, dtype=torch.float64).float().double()
        edge_attrs[ei["attribute"]] = ("double", w.tolist())
        edge_vals = w
    return node_in, edge_vals, node_attrs, edge_attrs


def zeroed_attention_output(model, args, layer_index):
    """The output with layer `layer_index`'s attention output replaced by out_proj(0)."""
    layer = model.layers[layer_index]
    original = ref.multihead_attention

    def patched(mha, x, alive, head_mask=None):
        out, w = original(mha, x, alive)
        if mha is layer.self_attn:
            out = mha.out_proj.bias.expand_as(out).clone()
        return out, w
    ref.multihead_attention = patched
    try:
        return model(*args)[0]
    finally:
        ref.multihead_attention = original


def write_fixture(spec, out_root):
    cfg = {**BASE, **spec["config"]}
    graph = spec["graph"]
    gen = torch.Generator().manual_seed(spec["seed"])
    torch.manual_seed(spec["seed"])
    model = ref.GPSModel(cfg).double().eval()
    randomize(model, gen)
    node_in, edge_vals, node_attrs, edge_attrs = inputs(cfg, graph, gen)
    n = graph["nodes"]
    src, dst, idx = ref.messages(graph["edges"], directed=False)
    src_t, dst_t = torch.tensor(src), torch.tensor(dst)
    edge_in = edge_vals[torch.tensor(idx)] if edge_vals is not None else None

    eigvecs = eigvals = rw = None
    expected = {}
    if cfg.get("lap_pe"):
        pe = cfg["lap_pe"]
        vecs, vals = ref.lap_pe_stats(n, graph["edges"], pe["max_freqs"], pe["laplacian_norm"])
        eigvecs, eigvals = torch.tensor(vecs), torch.tensor(vals)
        expected["lap_eigvecs"], expected["lap_eigvals"] = eigvecs.float(), eigvals.float()
    if cfg.get("rwse"):
        rw = torch.tensor(ref.rwse_stats(n, graph["edges"], False, cfg["rwse"]["steps"]))
        expected["rwse"] = rw.float()

    args = (node_in, edge_in, src_t, dst_t, eigvecs, eigvals, rw)
    heads, layers = cfg["num_heads"], cfg["num_layers"]
    with torch.no_grad():
        out, attention, states = model(*args)
        masked = model(*args, head_mask=[[False, True]])[0]
        kept = model(*args, keep=spec["keep"])[0]
        if cfg["global_attention"] == "transformer":
            # Our attention against torch's own MultiheadAttention on the layer-0 input.
            h0 = model.embed(node_in, eigvecs, eigvals, rw)
            mha = model.layers[0].self_attn
            ours, w = ref.multihead_attention(mha, h0, torch.ones(n, dtype=torch.bool))
            theirs, tw = mha(h0[None], h0[None], h0[None], need_weights=True, average_attn_weights=False)
            assert (ours - theirs[0]).abs().max() < 1e-10 and (w - tw[0]).abs().max() < 1e-10
            all_masked = model(*args, head_mask=[[True] * heads])[0]
            zeroed = zeroed_attention_output(model, args, 0)
            assert (all_masked - zeroed).abs().max() < 1e-10
            expected["output_attention_zeroed"] = zeroed.float()
            assert (masked - out).abs().max() > 1e-3, f"{spec['name']}: head mask changes nothing"
    assert (kept - out).abs().max() > 1e-3, f"{spec['name']}: keep-sets change nothing"

    expected.update({"output": out.float(), "output_head_masked": masked.float(),
                     "output_kept": kept.float()})
    for l in range(layers):
        expected[f"attention.{l}"] = attention[l].float()
        expected[f"node_states.{l}"] = states[l].float()

    folder = os.path.join(out_root, spec["name"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(folder, "graph.graphml"), "w") as f:
        f.write(graphml(graph, node_attrs, edge_attrs))
    state = {k: (v.float() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    safetensors_io.save(os.path.join(folder, "model.safetensors"),
                        {k: v for k, v in state.items() if v.is_floating_point()})
    torch.save(state, os.path.join(folder, "model.pt"))
    safetensors_io.save(os.path.join(folder, "expected.safetensors"), expected,
                        {"keep": json.dumps(spec["keep"])})
    print(f"{spec['name']}: output {out.flatten()[:4].tolist()}")


def main():
    out_root = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    for spec in FIXTURES:
        write_fixture(spec, out_root)


if __name__ == "__main__":
    main()
