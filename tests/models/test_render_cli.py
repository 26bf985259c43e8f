#!/usr/bin/python3
"""`gtscope-cli render`: every view as SVG, PDF and PNG, headless, on the shipped molecule-tpsa
model and caffeine, checked against independent computations.

- SVG parses (xml.etree) and holds the view's elements: one node group per atom and one edge
  group per bond (counted by RDKit from the SMILES); S × S matrix cells whose values are the
  mean over heads of the last layer's attention that `gtscope-cli run -o` writes (3 significant
  digits), the largest in matplotlib's top viridis colour #fde725; a head per layer × head of
  config.json whose metric is the normalized entropy (1/S) Σ_i H(A_i) / log S (Clark et al.
  2019, §3) recomputed here with numpy; a token column per position with the attention each
  position receives (mean over queries, divided by its maximum); a survivors row per layer,
  from all S positions down to S − round(0.3 S) at --keep 0.7; and the saliency figure's
  strongest node, the argmax of attention rollout (Abnar & Zuidema 2020, §3) recomputed here
  from the same attention through the positions' nodes (`saliency --json`).
- PDF renders with pdftoppm (poppler, an independent renderer) at the SVG's size, and the
  largest matrix cell comes out #fde725.
- PNG has round(size · dpi / 72) pixels a side at the default 150 dpi and at --dpi 96, and its
  largest matrix cell is #fde725 (decoded here with zlib).
- `--view A,B,C --columns 2` lays the views out as panels of one figure.
- `--session FILE` made by `gtscope-cli session create` renders byte-identical SVGs; a session
  with the app's saved view and layout draws that layer/head/query and those node positions.
- Bad input (format, DPI, a file that is not a session) exits 2 and writes nothing.

Usage: test_render_cli.py GTSCOPE_CLI
"""
import json
import math
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

import numpy as np
from rdkit import Chem

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODEL = os.path.join(ROOT, "resources", "models", "molecule-tpsa")
GRAPH = os.path.join(ROOT, "resources", "graphs", "caffeine.smi")
CLI = sys.argv[1]
VIEWS = ["graph-attention", "attention-matrix", "head-grid", "sequence", "pruning", "saliency"]
SVG_NS = "{http://www.w3.org/2000/svg}"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def cli(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(t["shape"]).astype(np.float64)
    return out


def decode_png(path):
    """8-bit RGB/RGBA PNG (RFC 2083) as an [h, w, channels] uint8 array."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (path, depth, ctype)
            channels = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    img = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        out = np.zeros(stride, dtype=np.int32)
        for x in range(stride):
            a = out[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 0:
                p = 0
            elif ftype == 1:
                p = a
            elif ftype == 2:
                p = b
            elif ftype == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out[x] = (line[x] + p) & 0xFF
        img[y] = out
        prev = out
    return img.reshape(height, width, channels).astype(np.uint8)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return struct.unpack(">II", head[16:24])


def svg_size(root):
    return float(root.get("width")), float(root.get("height"))


def groups(root, klass):
    return [g for g in root.iter(SVG_NS + "g") if g.get("class") == klass]


def hex_rgb(text):
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))


def close_colour(pixel, rgb, tolerance):
    return all(abs(int(p) - c) <= tolerance for p, c in zip(pixel[:3], rgb))


def sig3_close(text, value):
    return abs(float(text) - value) <= 5e-3 * abs(value) + 1e-9


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = lambda name: os.path.join(tmp, name)
        # Independent inputs: the run's attention, RDKit's molecule.
        r = cli("run", MODEL, GRAPH, "-o", out("run.safetensors"))
        if r.returncode != 0:
            sys.exit(f"run failed: {r.stderr}")
        tensors = read_safetensors(out("run.safetensors"))
        layers = sorted(int(k.split(".")[1]) for k in tensors if k.startswith("attn."))
        attention = [tensors[f"attn.{l}"] for l in layers]  # [H, S, S] each
        S = attention[0].shape[-1]
        config = json.load(open(os.path.join(MODEL, "config.json")))
        L, H = config["num_hidden_layers"], config["num_attention_heads"]
        check(len(attention) == L, f"run -o has {len(attention)} layers, config {L}")
        # Positions with their kind, node and tokens as the model tokenizes (saliency --json).
        r = cli("saliency", MODEL, GRAPH, "--json", "--top", "0")
        positions = json.loads(r.stdout)["positions"]
        check(len(positions) == S, f"{len(positions)} positions, attention over {S}")
        mol = Chem.MolFromSmiles(open(GRAPH).read().split()[0])
        atoms, bonds = mol.GetNumAtoms(), mol.GetNumBonds()

        roots = {}
        for view in VIEWS:
            for ext in ("svg", "pdf", "png"):
                r = cli("render", MODEL, GRAPH, "--view", view, "-o", out(f"{view}.{ext}"))
                check(r.returncode == 0, f"{view}.{ext}: exit {r.returncode}: {r.stderr}")
            roots[view] = ET.parse(out(f"{view}.svg")).getroot()

        # Graph views: one group per atom and per bond.
        for view in ("graph-attention", "saliency"):
            check(len(groups(roots[view], "node")) == atoms, f"{view}: {len(groups(roots[view], 'node'))} nodes, {atoms} atoms")
            check(len(groups(roots[view], "edge")) == bonds, f"{view}: {len(groups(roots[view], 'edge'))} edges, {bonds} bonds")

        # Attention matrix: the last layer's mean over heads, cell by cell.
        mean = attention[-1].mean(axis=0)
        cells = groups(roots["attention-matrix"], "cell")
        check(len(cells) == S * S, f"attention-matrix: {len(cells)} cells for S = {S}")
        for g in cells:
            i, j = int(g.get("data-row")), int(g.get("data-col"))
            check(sig3_close(g.get("data-value"), mean[i, j]),
                  f"matrix cell ({i}, {j}) = {g.get('data-value')}, run -o gives {mean[i, j]:.5f}")
        top = np.unravel_index(np.argmax(mean), mean.shape)
        top_cell = [g for g in cells if (int(g.get("data-row")), int(g.get("data-col"))) == top][0]
        rect = top_cell.find(SVG_NS + "rect")
        check(rect.get("fill") == "#fde725", f"largest cell is {rect.get('fill')}, not viridis' top #fde725")
        cx = float(rect.get("x")) + 0.25 * float(rect.get("width"))
        cy = float(rect.get("y")) + 0.25 * float(rect.get("height"))

        # Head grid: normalized entropy of every head.
        heads = groups(roots["head-grid"], "head")
        check(len(heads) == L * H, f"head-grid: {len(heads)} heads, expected {L} x {H}")
        for g in heads:
            l, h = int(g.get("data-layer")), int(g.get("data-head"))
            A = attention[l][h]
            ent = -np.where(A > 0, A * np.log(np.where(A > 0, A, 1)), 0).sum(axis=1) / math.log(S)
            check(sig3_close(g.get("data-metric"), ent.mean()),
                  f"head L{l} H{h}: metric {g.get('data-metric')}, entropy {ent.mean():.5f}")

        # Sequence: a column per position, a cell per token, attention received / max.
        seq = roots["sequence"]
        check(len(groups(seq, "position")) == S, f"sequence: {len(groups(seq, 'position'))} columns, S = {S}")
        token_count = sum(len(p["tokens"]) for p in positions)
        check(len(groups(seq, "token")) == token_count, f"sequence: {len(groups(seq, 'token'))} tokens, {token_count}")
        received = mean.mean(axis=0)
        received /= received.max()
        for g in groups(seq, "received"):
            p = int(g.get("data-position"))
            check(sig3_close(g.get("data-value"), received[p]), f"received[{p}] = {g.get('data-value')}, {received[p]:.5f}")

        # Pruning at keep 0.7: S positions down to S − round(0.3 S), never growing.
        kept = [int(g.get("data-kept")) for g in groups(roots["pruning"], "layer")]
        check(len(kept) == L, f"pruning: {len(kept)} rows for {L} layers")
        check(kept[0] == S and kept[-1] == S - round(0.3 * S) and kept == sorted(kept, reverse=True),
              f"pruning survivors {kept} for S = {S}")
        check(len(groups(roots["pruning"], "pruned")) == sum(S - k for k in kept), "pruned cells do not add up")

        # Saliency: rollout J = Â_L … Â_1 with Â = ½(mean_h A + I); the pooled last row; node
        # values summed over the node's positions (Node positions of tokenize --json).
        J = np.eye(S)
        for A in attention:
            J = (0.5 * (A.mean(axis=0) + np.eye(S))) @ J
        sal = J[-1]
        node_sal = {}
        for p, entry in enumerate(positions):
            node = entry.get("node")
            if node is not None and entry.get("kind") == "node":
                node_sal[node] = node_sal.get(node, 0.0) + sal[p]
        if node_sal:
            best = max(node_sal, key=node_sal.get)
            ranked = sorted(groups(roots["saliency"], "node"),
                            key=lambda g: -float(g.get("data-attention") or 0))
            check(ranked[0].get("data-node") == str(best),
                  f"saliency figure's strongest node {ranked[0].get('data-node')}, rollout's {best}")
        else:
            failures.append("saliency --json gave no node positions")

        # PDF through poppler and PNG at the DPI: sizes and the largest cell's colour.
        for view in VIEWS:
            w, h = svg_size(roots[view])
            r = subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", out(f"{view}.pdf"), out(f"{view}-pdf")],
                               capture_output=True, text=True)
            check(r.returncode == 0, f"pdftoppm {view}: {r.stderr}")
            pw, ph = png_size(out(f"{view}-pdf.png"))
            check(abs(pw - w) <= 1 and abs(ph - h) <= 1, f"{view}.pdf renders {pw} x {ph}, the figure is {w} x {h}")
            iw, ih = png_size(out(f"{view}.png"))
            # The SVG states sizes to 1/100 pt: a pixel either way at a half.
            check(abs(iw - w * 150 / 72) <= 0.51 and abs(ih - h * 150 / 72) <= 0.51,
                  f"{view}.png is {iw} x {ih} at 150 dpi for {w} x {h} pt")
        r = cli("render", MODEL, GRAPH, "--view", "head-grid", "--dpi", "96", "-o", out("grid96.png"))
        w, h = svg_size(roots["head-grid"])
        gw, gh = png_size(out("grid96.png"))
        check(abs(gw - w * 96 / 72) <= 0.51 and abs(gh - h * 96 / 72) <= 0.51, f"--dpi 96 gives {gw} x {gh}")
        pdf_img = decode_png(out("attention-matrix-pdf.png"))
        check(close_colour(pdf_img[int(cy), int(cx)], (0xfd, 0xe7, 0x25), 3),
              f"PDF's largest cell renders {pdf_img[int(cy), int(cx)]}")
        png_img = decode_png(out("attention-matrix.png"))
        px = png_img[int(cy * 150 / 72), int(cx * 150 / 72)]
        check(close_colour(px, (0xfd, 0xe7, 0x25), 2), f"PNG's largest cell is {px}")

        # Several views as panels of one figure, two per row.
        combo = ["graph-attention", "attention-matrix", "head-grid"]
        for ext in ("svg", "pdf", "png"):
            r = cli("render", MODEL, GRAPH, "--view", ",".join(combo), "--columns", "2", "-o", out(f"combo.{ext}"))
            check(r.returncode == 0, f"combo.{ext}: {r.stderr}")
        combo_root = ET.parse(out("combo.svg")).getroot()
        panels = groups(combo_root, "panel")
        check([p.get("data-view") for p in panels] == combo, f"panels {[p.get('data-view') for p in panels]}")
        check(len(groups(panels[1], "cell")) == S * S and len(groups(panels[2], "head")) == L * H,
              "combined figure lacks matrix cells or heads")
        (gw, gh), (mw, mh), (hw, hh) = (svg_size(roots[v]) for v in combo)
        cw, ch = svg_size(combo_root)
        check(abs(cw - (max(gw, hw) + 12 + mw)) < 0.02 and abs(ch - (max(gh, mh) + 12 + hh)) < 0.02,
              f"combined figure {cw} x {ch}")
        iw, ih = png_size(out("combo.png"))
        check(abs(iw - cw * 150 / 72) <= 0.51 and abs(ih - ch * 150 / 72) <= 0.51, f"combo.png {iw} x {ih}")

        # Dark theme: the app's dark base.
        r = cli("render", MODEL, GRAPH, "--view", "sequence", "--theme", "dark", "-o", out("dark.svg"))
        background = ET.parse(out("dark.svg")).getroot().find(SVG_NS + "rect")
        check(background.get("fill") == "#1e1e1e", f"dark background {background.get('fill')}")

        # A saved session renders the same figures with no model run.
        r = cli("session", "create", MODEL, GRAPH, "-o", out("s.gtscope"))
        check(r.returncode == 0, f"session create: {r.stderr}")
        for view in VIEWS:
            r = cli("render", "--session", out("s.gtscope"), "--view", view, "-o", out(f"s-{view}.svg"))
            check(r.returncode == 0, f"render --session {view}: {r.stderr}")
            same = r.returncode == 0 and open(out(f"s-{view}.svg"), "rb").read() == open(out(f"{view}.svg"), "rb").read()
            check(same, f"--session {view} differs from MODEL GRAPH")

        # A session as the app saves it: its view (layer 1, head 2, query 3) and its own layout
        # ("layout.xy" [nodes, 2], here a circle of radius 0.4) are what --session draws.
        shutil.copy(out("s.gtscope"), out("app.gtscope"))
        db = sqlite3.connect(out("app.gtscope"))
        db.execute("UPDATE view SET json = ?", (json.dumps({"layer": 1, "head": 2, "aggregation": "head", "query": 3}),))
        xy = np.array([[0.4 * math.cos(2 * math.pi * v / atoms), 0.4 * math.sin(2 * math.pi * v / atoms)]
                       for v in range(atoms)], dtype="<f4")
        db.execute("INSERT INTO tensors(name, dtype, shape_json, data) VALUES (?, ?, ?, ?)",
                   ("layout.xy", "F32", json.dumps([atoms, 2]), xy.tobytes()))
        db.commit()
        db.close()
        r = cli("render", "--session", out("app.gtscope"), "--view", "attention-matrix", "-o", out("app-matrix.svg"))
        check(r.returncode == 0, f"render --session app.gtscope: {r.stderr}")
        cli("render", MODEL, GRAPH, "--view", "attention-matrix", "--layer", "1", "--head", "2", "--query", "3",
            "-o", out("l1h2q3.svg"))
        check(r.returncode == 0 and open(out("app-matrix.svg"), "rb").read() == open(out("l1h2q3.svg"), "rb").read(),
              "--session does not draw the saved view's layer 1, head 2, query 3")
        r = cli("render", "--session", out("app.gtscope"), "--view", "graph-attention", "-o", out("app-graph.svg"))
        check(r.returncode == 0, f"render --session graph: {r.stderr}")
        # Node discs at the saved positions: figure size 480, margin 16, node radius
        # clamp(0.35 · 480 / sqrt(n), 1, 7), positions scaled by 480 − 4 · radius about the centre.
        radius = min(7.0, max(1.0, 0.35 * 480 / math.sqrt(atoms)))
        scale, centre = 480 - 4 * radius, 16 + 240
        for g in groups(ET.parse(out("app-graph.svg")).getroot(), "node"):
            v = int(g.get("data-node"))
            disc = g.findall(SVG_NS + "circle")[-1]
            want = (centre + xy[v, 0] * scale, centre + xy[v, 1] * scale)
            check(abs(float(disc.get("cx")) - want[0]) < 0.02 and abs(float(disc.get("cy")) - want[1]) < 0.02,
                  f"node {v} at ({disc.get('cx')}, {disc.get('cy')}), saved layout puts it at {want}")

        # Bad input: exit 2, a message naming it, nothing written.
        with open(out("garbage.gtscope"), "w") as f:
            f.write("not a session")
        shutil.copy(out("s.gtscope"), out("badview.gtscope"))
        db = sqlite3.connect(out("badview.gtscope"))
        db.execute("UPDATE view SET json = ?", (json.dumps({"layer": 1, "head": 9, "aggregation": "head"}),))
        db.commit()
        db.close()
        for args, name, says in [
            (["render", MODEL, GRAPH, "-o", out("x.gif")], "x.gif", "x.gif"),
            (["render", MODEL, GRAPH, "--dpi", "0", "-o", out("x.png")], "x.png", "--dpi"),
            (["render", MODEL, GRAPH, "--view", "nope", "-o", out("y.svg")], "y.svg", "--view"),
            (["render", "--session", out("garbage.gtscope"), "-o", out("z.svg")], "z.svg", "garbage.gtscope"),
            (["render", "--session", out("badview.gtscope"), "--view", "attention-matrix", "-o", out("v.svg")], "v.svg",
             "head 9"),
        ]:
            r = cli(*args)
            check(r.returncode == 2 and says in r.stderr and not os.path.exists(out(name)),
                  f"{' '.join(args[3:])}: exit {r.returncode}, stderr {r.stderr!r}")

    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"render: {len(VIEWS)} views x svg/pdf/png and --session checked")


main()
