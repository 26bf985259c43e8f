#!/usr/bin/python3
"""Self-checks of the GraphGPS reference and its committed fixtures (tests/fixtures/graphgps);
exits non-zero on any failure.

1. make_gps_fixtures.py regenerates every committed file bit for bit (config.json, graph.graphml,
   model.safetensors, expected.safetensors); the generator itself asserts that our attention
   equals torch.nn.MultiheadAttention's (1e-10) and that masking every head equals replacing the
   attention output by out_proj(0).
2. Each fixture's model.pt (torch.save of the state dict) holds the same tensors as its
   model.safetensors, and loading it into graphgps_ref.GPSModel reproduces expected output.
3. rwse_stats against a loop over explicit random-walk probabilities on a small graph.
"""
import filecmp
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import graphgps_ref as ref  # noqa: E402
import make_gps_fixtures as maker  # noqa: E402
import safetensors_io  # noqa: E402

FIXTURES = os.path.normpath(os.path.join(HERE, "..", "fixtures", "graphgps"))
FILES = ("config.json", "graph.graphml", "model.safetensors", "expected.safetensors")
FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def check_regeneration():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(HERE, "make_gps_fixtures.py"), tmp],
                       check=True, capture_output=True)
        for spec in maker.FIXTURES:
            for name in FILES:
                a, b = os.path.join(tmp, spec["name"], name), os.path.join(FIXTURES, spec["name"], name)
                check(os.path.exists(b) and filecmp.cmp(a, b, shallow=False),
                      f"{spec['name']}/{name}: regeneration differs from the committed file")


def check_torch_checkpoints():
    for spec in maker.FIXTURES:
        folder = os.path.join(FIXTURES, spec["name"])
        st, _ = safetensors_io.load(os.path.join(folder, "model.safetensors"))
        pt = torch.load(os.path.join(folder, "model.pt"))
        floats = {k: v for k, v in pt.items() if v.is_floating_point()}
        check(set(floats) == set(st) and all(torch.equal(floats[k], st[k]) for k in st),
              f"{spec['name']}: model.pt and model.safetensors differ")
        cfg = json.load(open(os.path.join(folder, "config.json")))
        model = ref.GPSModel(cfg).double().eval()
        model.load_state_dict({k: (v.double() if v.is_floating_point() else v) for k, v in pt.items()})
        expected, _ = safetensors_io.load(os.path.join(folder, "expected.safetensors"))
        gen = torch.Generator().manual_seed(spec["seed"])
        torch.manual_seed(spec["seed"])
        maker.randomize(ref.GPSModel({**maker.BASE, **spec["config"]}).double(), gen)
        node_in, edge_vals, _, _ = maker.inputs({**maker.BASE, **spec["config"]}, spec["graph"], gen)
        src, dst, idx = ref.messages(spec["graph"]["edges"], directed=False)
        edge_in = edge_vals[torch.tensor(idx)] if edge_vals is not None else None
        vecs = expected["lap_eigvecs"].double() if "lap_eigvecs" in expected else None
        vals = expected["lap_eigvals"].double() if "lap_eigvals" in expected else None
        rw = expected["rwse"].double() if "rwse" in expected else None
        with torch.no_grad():
            out = model(node_in, edge_in, torch.tensor(src), torch.tensor(dst), vecs, vals, rw)[0]
        diff = float((out.float() - expected["output"]).abs().max())
        check(diff < 1e-5, f"{spec['name']}: model.pt reproduces output ({diff:.2e})")


def check_rwse():
    edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 3)]
    n, steps = 4, 4
    ours = ref.rwse_stats(n, edges, False, steps)
    nbrs = {v: [] for v in range(n)}
    for u, v in edges:
        nbrs[u].append(v)
        if u != v:
            nbrs[v].append(u)
    for start in range(n):
        dist = {start: 1.0}
        for k in range(steps):
            nxt = {}
            for v, p in dist.items():
                for w in nbrs[v]:
                    nxt[w] = nxt.get(w, 0.0) + p / len(nbrs[v])
            dist = nxt
            check(abs(dist.get(start, 0.0) - ours[start, k]) < 1e-12, f"rwse node {start} step {k + 1}")


def main():
    check_regeneration()
    check_torch_checkpoints()
    check_rwse()
    if FAILURES:
        raise SystemExit(f"{len(FAILURES)} GraphGPS reference check(s) failed")
    print(f"GraphGPS reference self-check passed ({len(maker.FIXTURES)} fixtures)")


if __name__ == "__main__":
    main()
