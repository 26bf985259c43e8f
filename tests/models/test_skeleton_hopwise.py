#!/usr/bin/python3
"""resources/models/skeleton-hopwise through the C++ engine: `gtscope-cli run` on every held-out
pose of heldout-poses.csv reproduces the model card's held-out depth MAE (within
MAE_TOLERANCE_MM: the card prints 2 decimals, and float32 builds differ by ~1e-6 m per joint),
the MAE beats the card's linear-regression baseline, the engine matches the PyTorch reference's
predictions recorded by the recipe (within PARITY_TOLERANCE_M), and the demo graph
resources/graphs/human36m-pose.gml (held-out pose 0) gives pose 0's predictions.

Usage: test_skeleton_hopwise.py GTSCOPE_CLI
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODEL = os.path.join(ROOT, "resources", "models", "skeleton-hopwise")
POSE_GML = os.path.join(ROOT, "resources", "graphs", "human36m-pose.gml")
SUMMARY = os.path.join(ROOT, "resources", "models", "recipes", "graph_transformer_skeleton-summary.json")
JOINTS = ["hip", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "spine", "thorax",
          "neck_nose", "head", "l_shoulder", "l_elbow", "l_wrist", "r_shoulder", "r_elbow", "r_wrist"]
PARENTS = [-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15]
MAE_TOLERANCE_MM = 0.01
PARITY_TOLERANCE_M = 1e-4

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def card_number(text, label):
    m = re.search(re.escape(label) + r": ([0-9.]+) mm", text)
    if not m:
        raise SystemExit(f"MODEL_CARD.md has no '{label}: ... mm'")
    return float(m.group(1))


def read_heldout():
    """Per pose, 17 (x, y, z) rows in joint order, as the CSV's text (the engine reads it)."""
    poses = {}
    with open(os.path.join(MODEL, "heldout-poses.csv")) as f:
        next(f)
        for line in f:
            p, joint, x, y, z = line.rstrip("\n").split(",")
            poses.setdefault(int(p), [None] * 17)[JOINTS.index(joint)] = (x, y, z)
    return [poses[p] for p in sorted(poses)]


def gml(poses):
    lines = []
    for pose in poses:
        lines.append("graph [")
        for j, (x, y, z) in enumerate(pose):
            lines.append(f'  node [ id {j} label "{JOINTS[j]}" xy {x} xy {y} z {z} ]')
        for j, p in enumerate(PARENTS):
            if p >= 0:
                lines.append(f"  edge [ source {p} target {j} ]")
        lines.append("]")
    return "\n".join(lines) + "\n"


def run(cli, graph):
    r = subprocess.run([cli, "run", MODEL, graph, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"gtscope-cli run {graph} failed: {r.stderr.strip()}")
    out = json.loads(r.stdout)
    check(out["task"] == "node" and out["nodes"] == 17, f"{graph}: not a 17-node run: {out}")
    return [row[0] for row in out["output"]]


def main():
    cli = sys.argv[1]
    with open(os.path.join(MODEL, "MODEL_CARD.md")) as f:
        card = f.read()
    with open(SUMMARY) as f:
        summary = json.load(f)
    poses = read_heldout()
    check(len(poses) == summary["heldout_poses"], "heldout-poses.csv and the summary disagree")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "heldout.gml")
        with open(path, "w") as f:
            f.write(gml(poses))
        preds = [run(cli, f"{path}#{i}") for i in range(len(poses))]

    errors = [abs(p - float(t[2])) for pred, pose in zip(preds, poses) for p, t in zip(pred, pose)]
    mae = 1000 * sum(errors) / len(errors)
    card_mae = card_number(card, "Held-out depth MAE")
    check(abs(mae - card_mae) <= MAE_TOLERANCE_MM,
          f"held-out depth MAE {mae:.4f} mm through gtscope-cli, the card says {card_mae}")
    linear = card_number(card, "Linear-regression MAE")
    check(mae < linear, f"held-out MAE {mae:.2f} mm does not beat the linear baseline {linear}")
    check(mae < card_number(card, "Mean-depth MAE"), "held-out MAE does not beat the mean depth")

    worst = 0.0
    for item in summary["parity"]:
        for a, b in zip(preds[item["pose"]], item["reference"]):
            worst = max(worst, abs(a - b))
    check(worst <= PARITY_TOLERANCE_M, f"engine vs reference: {worst:.2e} m apart")

    demo = run(cli, POSE_GML)
    check(max(abs(a - b) for a, b in zip(demo, preds[0])) < 1e-5,
          "human36m-pose.gml does not give held-out pose 0's predictions")

    # A rendered figure fills each joint by its predicted depth: data-value on its group.
    with tempfile.TemporaryDirectory() as tmp:
        svg = os.path.join(tmp, "pose.svg")
        r = subprocess.run([cli, "render", MODEL, POSE_GML, "--view", "graph-attention", "-o", svg],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"render failed: {r.stderr.strip()}")
        if r.returncode == 0:
            groups = [g for g in ET.parse(svg).iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
            drawn = {int(g.get("data-node")): g.get("data-value") for g in groups}
            check(len(drawn) == 17 and all(
                drawn[j] is not None and abs(float(drawn[j]) - demo[j]) <= 1e-3 * max(1.0, abs(demo[j]))
                for j in range(17)), f"render: data-value per joint is not its predicted depth: {drawn}")

    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"skeleton-hopwise: held-out depth MAE {mae:.3f} mm (card {card_mae}), "
          f"engine vs reference {worst:.1e} m")


if __name__ == "__main__":
    main()
