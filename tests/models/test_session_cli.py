#!/usr/bin/python3
"""`gtscope-cli session create|info|check` read back by Python's own sqlite3: the session holds
the graph, the model path with a SHA-256 fingerprint (64 hex digits), the seed and tokenization options the window re-tokenizes with, the token
strings, and the cached attention, which equals what `gtscope-cli run --capture attention
--out` writes for the same seed (within 1e-5). A damaged file fails `session check` and `session
info` with the file named.

Usage: test_session_cli.py GTSCOPE_CLI
"""
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODEL = os.path.join(ROOT, "resources", "models", "molecule-tpsa")
GRAPH = os.path.join(ROOT, "resources", "graphs", "caffeine.smi")
CLI = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def cli(*args):
    out = run(*args)
    if out.returncode != 0:
        sys.exit(f"gtscope-cli {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]], dtype="<f4").reshape(t["shape"])
            for name, t in header.items() if name != "__metadata__"}


def session_tables(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        settings = {k: json.loads(v) for k, v in db.execute("SELECT key, json FROM settings")}
        model = db.execute("SELECT path, sha256 FROM model").fetchone()
        graphs = db.execute("SELECT name, source_path, format, text FROM graphs").fetchall()
        tensors = {}
        for name, dtype, shape, blob in db.execute("SELECT name, dtype, shape_json, data FROM tensors"):
            tensors[name] = (dtype, json.loads(shape), blob)
        return settings, model, graphs, tensors
    finally:
        db.close()


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "caffeine.gtscope")
    cli("session", "create", MODEL, GRAPH, "-o", path, "--seed", "3")
    settings, model, graphs, tensors = session_tables(path)

    check(model[0] == os.path.abspath(MODEL), f"model path {model[0]}")
    check(len(model[1]) == 64 and all(c in "0123456789abcdef" for c in model[1]), f"sha256 {model[1]!r}")
    check(len(graphs) == 1 and graphs[0][2] == "json", f"graphs {[(g[0], g[2]) for g in graphs]}")
    stored_graph = json.loads(graphs[0][3])
    check(len(stored_graph["nodes"]) == 14, f"caffeine has 14 atoms, the stored graph {len(stored_graph['nodes'])}")

    # What the window re-tokenizes with.
    check(settings.get("seed") == {"seed": 3}, f"seed setting {settings.get('seed')}")
    check(isinstance(settings.get("tokenizeOptions"), dict) and settings["tokenizeOptions"],
          f"tokenizeOptions {settings.get('tokenizeOptions')}")
    tokens = settings.get("tokens")
    check(isinstance(tokens, list) and tokens and all(isinstance(p, list) for p in tokens), "tokens setting")

    # The cached attention equals a fresh run's for the same seed, bit for bit.
    ref = os.path.join(tmp, "run.safetensors")
    cli("run", MODEL, GRAPH, "--seed", "3", "--capture", "attention", "--out", ref)
    fresh = read_safetensors(ref)
    layers = sorted(int(n.split(".")[1][5:]) for n in tensors if n.startswith("run0.layer") and n.endswith(".attention"))
    check(len(layers) == 4, f"cached attention layers {layers}")
    for layer in layers:
        dtype, shape, blob = tensors[f"run0.layer{layer}.attention"]
        cached = np.frombuffer(blob, dtype="<f4").reshape(shape)
        want = fresh.get(f"attn.{layer}")  # run --out's name for layer L's [heads, S, S]
        check(want is not None, f"layer {layer}: run --out names {sorted(fresh)}")
        if want is not None:
            # Within 1e-5: two runs of the engine may sum in another order across threads
            # (differences of a few ulps were seen).
            check(cached.shape == want.shape and np.allclose(cached, want, rtol=0, atol=1e-5),
                  f"layer {layer}: cached attention differs from run --out's: {np.abs(cached - want).max() if cached.shape == want.shape else (cached.shape, want.shape)}")
        check(cached.shape[1] == len(tokens), f"layer {layer}: {cached.shape} for {len(tokens)} positions")

    # Another seed walks another path: the stored tokens are the seed's.
    other = os.path.join(tmp, "seed0.gtscope")
    cli("session", "create", MODEL, GRAPH, "-o", other)
    check(session_tables(other)[0]["tokens"] != tokens, "seeds 0 and 3 gave the same tokens")

    check(run("session", "check", path).returncode == 0, "session check on a healthy file")
    info = json.loads(cli("session", "info", path, "--json"))
    check(info["settings"]["seed"] == {"seed": 3}, f"info --json settings {info['settings'].get('seed')}")

    # A damaged copy: check and info fail, naming the file; the original is untouched.
    torn = os.path.join(tmp, "torn.gtscope")
    shutil.copy(path, torn)
    with open(torn, "r+b") as f:
        f.write(b"\0" * 100)
    for cmd in (["session", "check", torn], ["session", "info", torn]):
        out = run(*cmd)
        check(out.returncode != 0, f"{' '.join(cmd[:2])} on a torn file exited 0")
        check("torn.gtscope" in out.stderr + out.stdout, f"{' '.join(cmd[:2])}: no file name in {out.stderr!r}")
    check(run("session", "check", path).returncode == 0, "the original still checks")

    # A flag the command does not take is a usage error that writes nothing.
    bad = os.path.join(tmp, "bad.gtscope")
    out = run("session", "create", MODEL, GRAPH, "-o", bad, "--start", "3")
    check(out.returncode != 0 and not os.path.exists(bad), "session create --start was accepted")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("session cli: ok")
