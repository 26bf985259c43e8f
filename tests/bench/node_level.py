#!/usr/bin/python3
"""Side-by-side speed of GTScope's CPU engine and the plain-PyTorch references on node-level
graph transformers, on the same random models and graphs:

  (a) Dwivedi–Bresson Graph Transformer, neighbour attention, LayerNorm, hidden 64, 8 heads,
      4 layers, LapPE 8, node task, on a random graph of 2,000 nodes and 10,000 edges;
  (b) the same model with full-graph attention (every ordered node pair) on 500 nodes and
      2,500 edges;
  (c) GraphGPS, GatedGCN + Transformer, BatchNorm, hidden 64, 4 heads, 4 layers, LapPE
      (DeepSet, dim_pe 8, max_freqs 8), inductive_node head with 3 Linears, on 1,000 nodes and
      5,000 edges.

GTScope is timed by `gtscope-cli run MODEL GRAPH --json`, whose "milliseconds" is the time of one
run in the process, from the graph to the output: messages, positional encodings, layers and
head (not reading the files). Each timed run is its own process and the median of the reported
milliseconds is taken. The PyTorch side starts from the same point, the graph's edge list and
node attributes in memory, and its timed region holds what the engine's does: the reference's
message lists, its LapPE (dense eigendecomposition, our sign convention and canonical basis of
repeated eigenvalues) and the forward in float32. The forward alone is reported as a second
column. Its engine counterpart, "GTScope no-PE model", times the same architecture without LapPE
(other random weights): the engine's run less the eigendecomposition, as gtscope-cli cannot be
handed precomputed encodings. Both sides run one warm-up, then `--repeat` timed runs, taking
turns (GTScope, GTScope no-PE, PyTorch) so that a busy moment of a shared machine falls on all
of them. The warm-up outputs are compared (max |GTScope − PyTorch|, float32 on both sides); the
script fails when they differ by more than 1e-3.

Weights are drawn as the fixture scripts draw them (make_gt_fixtures / make_gps_fixtures
randomize), except that BatchNorm running statistics are calibrated on the benchmark graph
(calibrate_batch_norms says why).

Usage: /usr/bin/python3 tests/bench/node_level.py --cli build/release/app/gtscope-cli
       [--threads 2] [--repeat 5] [--workdir build/bench-node-level] [--only a,b,c]
       [--nodes N] [--json out.json] [--omp-wait-policy passive|active|default]
See tests/bench/README.md for the protocol and measured results.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

# Average degree 10 (edges = 5 × nodes) in every case. Node inputs as the SBM node-classification
# datasets feed these models: the Graph Transformer embeds a node category (its CLUSTER/PATTERN
# nets use nn.Embedding), GraphGPS reads continuous features through LinearNode with DummyEdge
# (its CLUSTER/PATTERN configs). Six classes in both.
GT_BASE = {"model_type": "graph_transformer", "hidden_dim": 64, "num_heads": 8, "num_layers": 4,
           "residual": True, "norm": "layer", "edge_features": False, "lap_pe_dim": 8,
           "readout": "mean", "task": "node", "num_outputs": 6, "objective": "classification",
           "attention_bias": False, "readout_mlp_layers": 2,
           "node_input": {"kind": "embedding", "attribute": "type", "column": 0,
                          "num_embeddings": 6}}
GPS_BASE = {"model_type": "graphgps", "hidden_dim": 64, "num_heads": 4, "num_layers": 4,
            "local_gnn": "gatedgcn", "global_attention": "transformer", "norm": "batch",
            "task": "node", "head": "inductive_node", "head_layers": 3, "num_outputs": 6,
            "objective": "classification",
            "node_input": {"kind": "linear", "attribute": "x", "width": 3},
            "edge_input": {"kind": "dummy"},
            "lap_pe": {"dim_pe": 8, "max_freqs": 8, "layers": 2, "laplacian_norm": "none"}}

CASES = {
    "a": {"title": "Graph Transformer, neighbour attention", "family": "gt", "seed": 7101,
          "model": "hidden 64, 8 heads, 4 layers, LayerNorm, LapPE 8, node task (6 classes)",
          "nodes": 2000, "config": {**GT_BASE, "full_graph": False}},
    "b": {"title": "Graph Transformer, full-graph attention", "family": "gt", "seed": 7102,
          "model": "hidden 64, 8 heads, 4 layers, LayerNorm, LapPE 8, node task (6 classes)",
          "nodes": 500, "config": {**GT_BASE, "full_graph": True}},
    "c": {"title": "GraphGPS, GatedGCN + Transformer", "family": "gps", "seed": 7103,
          "model": "hidden 64, 4 heads, 4 layers, BatchNorm, LapPE DeepSet (dim_pe 8, "
                   "max_freqs 8), inductive_node head (3 Linears, 6 classes)",
          "nodes": 1000, "config": GPS_BASE},
}
EDGES_PER_NODE = 5
MAX_ABS_DIFF = 1e-3


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True, help="path of gtscope-cli")
    ap.add_argument("--threads", type=int, default=2,
                    help="torch threads (OMP_NUM_THREADS, torch.set_num_threads). gtscope-cli "
                         "run takes no --threads for node-level models: its TBB loops use every "
                         "CPU the process may run on, so with fewer threads than CPUs it runs "
                         "under taskset on CPUs 0..threads-1")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per side after the warm-up")
    ap.add_argument("--workdir", default=os.path.join(REPO, "build", "bench-node-level"))
    ap.add_argument("--only", help="comma-separated cases (default a,b,c)")
    ap.add_argument("--nodes", type=int,
                    help="run every case on this many nodes (5 edges per node) instead of its "
                         "own size: for smoke tests")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--omp-wait-policy", choices=["passive", "active", "default"], default="passive",
                    help="OMP_WAIT_POLICY for torch (default passive: spinning OpenMP threads "
                         "lose their time slices when the cores are shared)")
    return ap.parse_args(argv)


ARGS = parse_args(sys.argv[1:])
# OpenBLAS (OpenMP build) and torch's OpenMP pool read these when they load.
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
if ARGS.omp_wait_policy != "default":
    os.environ["OMP_WAIT_POLICY"] = ARGS.omp_wait_policy.upper()

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "tests", "reference"))
import graph_transformer_ref as gt_ref  # noqa: E402
import graphgps_ref as gps_ref  # noqa: E402
import make_gps_fixtures  # noqa: E402
import make_gt_fixtures  # noqa: E402
import safetensors_io  # noqa: E402


# -- inputs -----------------------------------------------------------------------------------
def random_graph(nodes, edges, seed):
    """A connected random simple graph: a path through the nodes in a random order (so that
    the Laplacian's zero eigenvalue is simple and LapPE is unique up to sign), then distinct
    random pairs until `edges` edges; no self loops, no repeated edges."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(nodes)
    pairs = [(int(order[i]), int(order[i + 1])) for i in range(nodes - 1)]
    seen = {frozenset(p) for p in pairs}
    while len(pairs) < edges:
        u, v = (int(x) for x in rng.integers(0, nodes, 2))
        if u != v and frozenset((u, v)) not in seen:
            seen.add(frozenset((u, v)))
            pairs.append((u, v))
    return {"nodes": nodes, "edges": pairs}


def node_inputs(cfg, nodes, seed):
    """The node attribute the config reads, as GraphML columns and as the reference's input."""
    gen = torch.Generator().manual_seed(seed)
    ni = cfg["node_input"]
    if ni["kind"] == "embedding":
        cats = torch.randint(0, ni["num_embeddings"], (nodes,), generator=gen)
        return {ni["attribute"]: ("int", cats.tolist())}, cats
    # Rounded to float32 so that the file, the engine and the reference hold the same numbers.
    x = torch.randn(nodes, ni["width"], generator=gen, dtype=torch.float64).float()
    return {ni["attribute"]: ("double", x.double().tolist())}, x


def without_pe(cfg):
    """The same model without its positional encoding (LapPE off)."""
    out = {k: v for k, v in cfg.items() if k != "lap_pe"}
    if "lap_pe_dim" in out:
        out["lap_pe_dim"] = 0
    return out


def calibrate_batch_norms(model, run):
    """Sets every BatchNorm1d's running mean and variance to the statistics of its own input
    during `run(model)`, as training leaves them. The fixture scripts draw them at random, which
    suits their small models; at hidden 64 and 4 layers the eval BatchNorms then no longer
    normalize, GraphGPS's node states grow about 3x per layer, the attention logits with them,
    and the float32 reference alone drifts 5e-4 from the float64 one (case (c)). Each hook runs
    before its module, so the norms downstream see calibrated inputs. The variance is floored
    at 1e-2 so that a nearly constant channel is not blown up."""
    def before(module, inputs):
        x = inputs[0]
        dims = [i for i in range(x.dim()) if i != 1]
        module.running_mean.copy_(x.mean(dims))
        module.running_var.copy_(x.var(dims).clamp_min(1e-2))
    hooks = [m.register_forward_pre_hook(before) for m in model.modules()
             if isinstance(m, torch.nn.BatchNorm1d)]
    if not hooks:
        return 0
    with torch.no_grad():
        run(model)
        for b in model.buffers():
            if b.is_floating_point():
                b.copy_(b.float().double())
    for h in hooks:
        h.remove()
    return len(hooks)


def write_model(folder, family, cfg, seed, graph, node_in):
    """Writes folder/{config.json, model.safetensors}: random weights the way the fixture
    scripts draw them (make_gt_fixtures / make_gps_fixtures randomize, rounded to float32), with
    BatchNorm statistics calibrated on the benchmark graph in float64. Returns the float32
    reference model. Seeded: reruns write the same files."""
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    if family == "gt":
        model = gt_ref.GraphTransformer(cfg).double().eval()
        make_gt_fixtures.randomize(model, gen)
    else:
        model = gps_ref.GPSModel(cfg).double().eval()
        make_gps_fixtures.randomize(model, gen)
    inputs, forward = SIDES[family]
    x = inputs(cfg, graph, torch.float64)
    node64 = node_in if not node_in.is_floating_point() else node_in.double()
    calibrate_batch_norms(model, lambda m: forward(m, node64, x))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    safetensors_io.save(os.path.join(folder, "model.safetensors"),
                        {k: v.float() for k, v in model.state_dict().items() if v.is_floating_point()})
    return model.float()


def write_case(key, spec, nodes, workdir):
    """<workdir>/<key>/: model/ (the benchmarked model), model-no-pe/ (the same architecture
    without LapPE, other random weights) and graph.graphml (the attributes the configs read)."""
    cfg = spec["config"]
    folder = os.path.join(workdir, key)
    graph = random_graph(nodes, EDGES_PER_NODE * nodes, spec["seed"])
    node_attrs, node_in = node_inputs(cfg, nodes, spec["seed"])
    model = write_model(os.path.join(folder, "model"), spec["family"], cfg, spec["seed"], graph,
                        node_in)
    write_model(os.path.join(folder, "model-no-pe"), spec["family"], without_pe(cfg), spec["seed"],
                graph, node_in)
    graph_path = os.path.join(folder, "graph.graphml")
    with open(graph_path, "w") as f:
        f.write(make_gps_fixtures.graphml(graph, node_attrs, {}))
    return model, graph, node_in, folder, graph_path


# -- the two sides ----------------------------------------------------------------------------
def gtscope_run(cli, model_dir, graph_path):
    """One `gtscope-cli run --json` process: (reported milliseconds, output [N, outputs])."""
    cmd = [cli, "run", model_dir, graph_path, "--json"]
    if ARGS.threads < (os.cpu_count() or 1):
        cmd = ["taskset", "-c", f"0-{ARGS.threads - 1}"] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    j = json.loads(p.stdout)
    return j["milliseconds"], np.asarray(j["output"], dtype=np.float64)


def gt_inputs(cfg, graph, dtype=torch.float32):
    """The Graph Transformer reference's inputs from the graph: messages (both directions of
    each edge, or every ordered pair for the full graph) and LapPE (L = I − D^-1/2 A D^-1/2,
    eigenvectors 1..k with our sign)."""
    n, edges = graph["nodes"], graph["edges"]
    # No edge features: the per-message edge values are unused placeholders.
    src, dst, _ = gt_ref.messages(n, edges, False, cfg["full_graph"], [0] * len(edges), 0)
    k = cfg["lap_pe_dim"]
    lap = None
    if k > 0:
        raw, _ = gt_ref.laplacian_eigenvectors(n, edges, k)
        lap = torch.tensor(gt_ref.lap_pe_sign_convention(raw)[:, :k], dtype=dtype)
    return {"src": torch.tensor(src), "dst": torch.tensor(dst), "lap": lap}


def gt_forward(model, node_in, x):
    """The reference forward on gt_inputs' result: the output [N, outputs]."""
    return model(node_in, None, x["src"], x["dst"], x["lap"])[0]


def gps_inputs(cfg, graph, dtype=torch.float32):
    """The GraphGPS reference's inputs from the graph: messages and LapPE stats (eigh of D − A,
    the max_freqs smallest pairs, our sign and canonical basis)."""
    n, edges = graph["nodes"], graph["edges"]
    src, dst, _ = gps_ref.messages(edges, directed=False)
    eigvecs = eigvals = None
    pe = cfg.get("lap_pe")
    if pe:
        vecs, vals = gps_ref.lap_pe_stats(n, edges, pe["max_freqs"], pe["laplacian_norm"])
        eigvecs, eigvals = torch.tensor(vecs, dtype=dtype), torch.tensor(vals, dtype=dtype)
    return {"src": torch.tensor(src), "dst": torch.tensor(dst), "eigvecs": eigvecs,
            "eigvals": eigvals}


def gps_forward(model, node_in, x):
    """The reference forward on gps_inputs' result: the output [N, outputs]."""
    return model(node_in, None, x["src"], x["dst"], x["eigvecs"], x["eigvals"], None)[0]


SIDES = {"gt": (gt_inputs, gt_forward), "gps": (gps_inputs, gps_forward)}


def torch_run(family, model, cfg, graph, node_in):
    """One reference run from the graph, timed as a whole and for the forward alone. Returns
    (output, total s, forward s, messages)."""
    inputs, forward = SIDES[family]
    t0 = time.perf_counter()
    x = inputs(cfg, graph)
    t1 = time.perf_counter()
    with torch.no_grad():
        out = forward(model, node_in, x)
    t2 = time.perf_counter()
    return out, t2 - t0, t2 - t1, len(x["src"])


# -- a case -----------------------------------------------------------------------------------
def stats(values):
    return {"samples": values, "median": statistics.median(values), "min": min(values),
            "max": max(values)}


def run_case(key, cli, workdir):
    spec = CASES[key]
    cfg = spec["config"]
    nodes = ARGS.nodes or spec["nodes"]
    model, graph, node_in, folder, graph_path = write_case(key, spec, nodes, workdir)
    model_dir, no_pe_dir = os.path.join(folder, "model"), os.path.join(folder, "model-no-pe")
    print(f"({key}) {spec['title']}: {nodes} nodes, {len(graph['edges'])} edges ...", flush=True)

    # Warm-up on every side; the outputs of the benchmarked model are the agreement check.
    _, gts_out = gtscope_run(cli, model_dir, graph_path)
    gtscope_run(cli, no_pe_dir, graph_path)
    ref_out, _, _, messages = torch_run(spec["family"], model, cfg, graph, node_in)
    ref_out = ref_out.double().numpy()
    if gts_out.shape != ref_out.shape:
        sys.exit(f"({key}) output shapes differ: GTScope {gts_out.shape}, PyTorch {ref_out.shape}")
    diff = float(np.abs(gts_out - ref_out).max())
    agree = float((gts_out.argmax(1) == ref_out.argmax(1)).mean())
    print(f"    max |GTScope - PyTorch| {diff:.3g} (outputs up to {np.abs(ref_out).max():.3g}); "
          f"same predicted class on {100 * agree:.1f}% of nodes", flush=True)
    if not diff <= MAX_ABS_DIFF:
        sys.exit(f"({key}) GTScope and the PyTorch reference differ by {diff:.3g} > {MAX_ABS_DIFF}")

    gts_ms, no_pe_ms, torch_ms, forward_ms = [], [], [], []
    for _ in range(ARGS.repeat):
        gts_ms.append(gtscope_run(cli, model_dir, graph_path)[0])
        no_pe_ms.append(gtscope_run(cli, no_pe_dir, graph_path)[0])
        _, total, forward, _ = torch_run(spec["family"], model, cfg, graph, node_in)
        torch_ms.append(1e3 * total)
        forward_ms.append(1e3 * forward)
    g, t, fw = stats(gts_ms), stats(torch_ms), stats(forward_ms)
    return {"key": key, "title": spec["title"], "nodes": nodes, "edges": len(graph["edges"]),
            "messages": messages, "config": cfg, "repeat": ARGS.repeat,
            "gtscope_ms": g, "gtscope_no_pe_ms": stats(no_pe_ms), "torch_ms": t,
            "torch_forward_ms": fw,
            "ratio_torch_over_gtscope": t["median"] / g["median"],
            "ratio_torch_forward_over_gtscope_no_pe": fw["median"] / statistics.median(no_pe_ms),
            "max_abs_diff": diff, "max_abs_output": float(np.abs(ref_out).max()),
            "same_class_fraction": agree}


# -- reporting --------------------------------------------------------------------------------
def print_table(results):
    print("\nmilliseconds per run, median of the timed runs [fastest, slowest]; ratio = PyTorch / "
          "GTScope (above 1: GTScope faster)")
    head = (f"{'case':4s} {'nodes':>5s} {'edges':>6s} {'messages':>8s} {'GTScope':>22s} "
            f"{'PyTorch with PE':>22s} {'ratio':>5s} {'GTScope no-PE model':>22s} "
            f"{'PyTorch forward':>22s} {'ratio':>5s} {'max diff':>8s}")
    print(head)
    print("-" * len(head))

    def cell(s):
        return f"{s['median']:.1f} [{s['min']:.1f}, {s['max']:.1f}]"
    for r in results:
        print(f"{r['key']:4s} {r['nodes']:5d} {r['edges']:6d} {r['messages']:8d} "
              f"{cell(r['gtscope_ms']):>22s} {cell(r['torch_ms']):>22s} "
              f"{r['ratio_torch_over_gtscope']:5.2f} {cell(r['gtscope_no_pe_ms']):>22s} "
              f"{cell(r['torch_forward_ms']):>22s} {r['ratio_torch_forward_over_gtscope_no_pe']:5.2f} "
              f"{r['max_abs_diff']:8.2g}")
    print("\nGTScope: gtscope-cli run's milliseconds (messages, LapPE, layers, head); PyTorch with "
          "PE: the reference's messages, LapPE and forward. GTScope no-PE model: the same "
          "architecture without LapPE (the engine's run less the eigendecomposition); PyTorch "
          "forward: the reference's forward alone; ratio: of these two. max diff: max |GTScope - "
          "PyTorch| of the outputs (float32).")
    for r in results:
        print(f"  ({r['key']}) {r['title']}: {CASES[r['key']]['model']}; {r['repeat']} timed "
              f"run{'s' if r['repeat'] > 1 else ''}")


def loaded_libraries():
    """The BLAS / LAPACK / OpenMP libraries this process has mapped (after a matmul)."""
    (torch.ones(32, 32) @ torch.ones(32, 32)).sum()
    found = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if any(t in os.path.basename(path) for t in ("blas", "lapack", "gomp", "libomp", "mkl")):
                found.add(path)
    return sorted(found)


def main():
    cli = os.path.abspath(ARGS.cli)
    if not os.access(cli, os.X_OK):
        sys.exit(f"{cli}: not an executable (build gtscope-cli first)")
    keys = ARGS.only.split(",") if ARGS.only else list(CASES)
    for k in keys:
        if k not in CASES:
            sys.exit(f"--only: unknown case {k!r} (cases: {', '.join(CASES)})")
    if ARGS.repeat < 1:
        sys.exit("--repeat must be at least 1")
    workdir = os.path.abspath(ARGS.workdir)
    os.makedirs(workdir, exist_ok=True)
    torch.set_num_threads(ARGS.threads)
    torch.set_grad_enabled(False)

    libs = loaded_libraries()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               platform.processor())
    load = os.getloadavg()[0]
    print(f"machine: {cpu}, {os.cpu_count()} logical CPUs, load average {load:.2f}; torch threads "
          f"{torch.get_num_threads()} (OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}); gtscope-cli run: TBB "
          f"over {min(ARGS.threads, os.cpu_count() or 1)} CPUs")
    print(f"torch {torch.__version__}, numpy {np.__version__}, loaded: {', '.join(libs)}")

    started = time.time()
    results = [run_case(k, cli, workdir) for k in keys]
    print_table(results)
    print(f"\n{time.time() - started:.0f} s in all")
    if ARGS.json:
        os.makedirs(os.path.dirname(os.path.abspath(ARGS.json)), exist_ok=True)
        with open(ARGS.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": cpu,
                       "logical_cpus": os.cpu_count(), "load_average_at_start": load,
                       "threads": ARGS.threads, "torch": torch.__version__,
                       "numpy": np.__version__,
                       "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
                       "libraries": libs, "cli": cli, "results": results}, f, indent=1)
        print(f"wrote {ARGS.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
