#!/usr/bin/python3
"""Writes tests/fixtures/model/<fixture>/expected_keys.safetensors: the keys after RoPE of every
layer, per kv head ("keys.{l}": [kv_heads, S, head_dim], F32), of each fixture's first input
sequence, by the reference forward in float64 (graphgpt_ref.py, key_sink). The engine's
RunOptions::captureKeys is compared with them by tests/unit/model/test_key_capture.cpp.

Usage: OMP_NUM_THREADS=2 /usr/bin/python3 tests/reference/make_key_fixtures.py
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import graphgpt_ref  # noqa: E402
import safetensors_io  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "fixtures", "model")


def main():
    torch.set_grad_enabled(False)
    for name in sorted(os.listdir(FIXTURES)):
        folder = os.path.join(FIXTURES, name)
        if not os.path.exists(os.path.join(folder, "expected.safetensors")):
            continue
        model = graphgpt_ref.load_model(folder, torch.float64)
        with open(os.path.join(folder, "inputs.json")) as f:
            sequence = json.load(f)["sequences"][0]["ids"]
        ids = graphgpt_ref.padded_ids(sequence)
        model.key_sink = []
        model.forward(ids[None], torch.tensor([ids.shape[0]]), capture=False)
        out = {f"keys.{l}": k[0].to(torch.float32).contiguous() for l, k in enumerate(model.key_sink)}
        safetensors_io.save(os.path.join(folder, "expected_keys.safetensors"), out)
        print(name, len(out), "layers", tuple(out["keys.0"].shape))


if __name__ == "__main__":
    main()
