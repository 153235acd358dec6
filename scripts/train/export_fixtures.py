#!/usr/bin/env python3
"""Write the small torch-exported models the unit tests load (CI has no torch).

    /usr/bin/python3 scripts/train/export_fixtures.py      # a few seconds

test/fixtures/policy/sb3Discrete/
    An SB3-shaped discrete PPO policy (obs 4 -> pi/vf 8-8 tanh -> 3 actions) exported exactly
    as the stable-baselines3 docs do it: th.onnx.export(policy, dummy, path, opset_version=17,
    input_names=["input"]). No output names (onnxruntime sees auto-generated ones) and a fixed
    batch of 1. The manifest is written by hand, as a user dropping in their own model would;
    action.output is 0 because the outputs have no names.
test/fixtures/policy/torchContinuous/
    A continuous-action policy (Gaussian mean, SB3 deterministic forward), named outputs and a
    dynamic batch axis.

Each folder gets reference.json: the weights, observations, and torch's outputs for them.
"""

import hashlib
import json
import math
import os

import torch
import torch.nn as nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "policy")


class Mlp(nn.Module):
    def __init__(self, obs_dim, n_out, hidden):
        super().__init__()
        self.pi = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.vf = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.action_net = nn.Linear(hidden, n_out)
        self.value_net = nn.Linear(hidden, 1)
        # larger than SB3's init so the actions actually vary across the test observations
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, 0.8)
                nn.init.normal_(m.bias, 0.0, 0.3)


class DiscretePolicy(nn.Module):
    """ActorCriticPolicy.forward(obs, deterministic=True) for a Discrete space."""

    def __init__(self, mlp):
        super().__init__()
        self.mlp = mlp

    def forward(self, obs):
        logits = self.mlp.action_net(self.mlp.pi(obs))
        actions = torch.argmax(logits, dim=1)
        values = self.mlp.value_net(self.mlp.vf(obs))
        log_prob = torch.log_softmax(logits, dim=1).gather(1, actions.unsqueeze(1)).squeeze(1)
        return actions, values, log_prob


class ContinuousPolicy(nn.Module):
    """ActorCriticPolicy.forward(obs, deterministic=True) for a Box space: the Gaussian mean
    (unclipped, as SB3 exports it), the value, and the log-probability of the mean."""

    def __init__(self, mlp, log_std):
        super().__init__()
        self.mlp = mlp
        self.log_std = nn.Parameter(torch.full((1,), log_std))

    def forward(self, obs):
        mean = self.mlp.action_net(self.mlp.pi(obs))
        values = self.mlp.value_net(self.mlp.vf(obs))
        log_prob = (-self.log_std - 0.5 * math.log(2 * math.pi)).sum() * torch.ones_like(mean[:, 0])
        return mean, values, log_prob


def weights(mlp):
    def lin(layer):
        return {"weight": layer.weight.detach().tolist(), "bias": layer.bias.detach().tolist()}

    return {"pi": [lin(mlp.pi[0]), lin(mlp.pi[2])], "vf": [lin(mlp.vf[0]), lin(mlp.vf[2])], "action": lin(mlp.action_net), "value": lin(mlp.value_net)}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write(folder, manifest, reference):
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


def sb3_discrete():
    torch.manual_seed(11)
    folder = os.path.join(OUT, "sb3Discrete")
    os.makedirs(folder, exist_ok=True)
    mlp = Mlp(4, 3, 8)
    onnx_policy = DiscretePolicy(mlp).eval()
    path = os.path.join(folder, "model.onnx")
    dummy_input = torch.randn(1, 4)
    # the stable-baselines3 documented call, unchanged
    torch.onnx.export(onnx_policy, dummy_input, path, opset_version=17, input_names=["input"])
    obs = torch.randn(12, 4) * 1.5
    with torch.no_grad():
        rows = [onnx_policy(obs[i:i + 1]) for i in range(obs.shape[0])]
    manifest = {
        "schemaVersion": 1,
        "name": "sb3-discrete-fixture",
        "description": "Test fixture: SB3-shaped discrete policy exported the documented way; manifest written by hand.",
        "model": {"file": "model.onnx", "sha256": sha256(path)},
        "input": {"name": "input", "shape": [1, 4]},
        "features": [
            {"id": "logReturn", "params": {"lag": 1}},
            {"id": "rsi", "params": {"period": 14}},
            {"id": "positionFraction"},
            {"id": "cashFraction"},
        ],
        "normalization": {"type": "standard", "mean": [0.0003, 52.0, 0.5, 0.5], "std": [0.012, 11.0, 0.5, 0.5], "clip": 10},
        "bars": {"barSize": "1 day", "lookback": 15, "fields": ["close"]},
        "action": {"type": "discrete", "output": 0, "labels": ["hold", "buy", "sell"], "targets": [None, 1, 0]},
        "sizing": {"maxPositionFraction": 0.5, "lotSize": 1, "rebalanceBand": 0.05, "allowShort": False},
    }
    reference = {
        "writtenBy": "scripts/train/export_fixtures.py",
        "architecture": "pi: Linear(4,8) tanh Linear(8,8) tanh -> action Linear(8,3); vf: same -> value Linear(8,1)",
        "weights": weights(mlp),
        "input": obs.tolist(),
        "actions": [int(r[0].item()) for r in rows],
        "values": [float(r[1].item()) for r in rows],
        "log_prob": [float(r[2].item()) for r in rows],
    }
    write(folder, manifest, reference)


def torch_continuous():
    torch.manual_seed(12)
    folder = os.path.join(OUT, "torchContinuous")
    os.makedirs(folder, exist_ok=True)
    mlp = Mlp(3, 1, 8)
    policy = ContinuousPolicy(mlp, -0.5).eval()
    path = os.path.join(folder, "policy.onnx")
    torch.onnx.export(
        policy,
        torch.zeros(1, 3),
        path,
        opset_version=17,
        input_names=["input"],
        output_names=["actions", "values", "log_prob"],
        dynamic_axes={"input": {0: "batch"}, "actions": {0: "batch"}, "values": {0: "batch"}, "log_prob": {0: "batch"}},
    )
    obs = torch.randn(16, 3) * 1.5
    with torch.no_grad():
        a, v, lp = policy(obs)
    manifest = {
        "schemaVersion": 1,
        "name": "torch-continuous-fixture",
        "description": "Test fixture: continuous target position, dynamic batch axis.",
        "model": {"file": "policy.onnx", "sha256": sha256(path)},
        "input": {"name": "input", "shape": ["batch", 3]},
        "features": [
            {"id": "logReturn", "params": {"lag": 1}},
            {"id": "volNormMomentum", "params": {"lookback": 10, "volWindow": 5}},
            {"id": "positionSide"},
        ],
        "normalization": {"type": "scale", "scale": [0.01, 1.0, 1.0], "clip": 5},
        "bars": {"barSize": "1 day", "lookback": 11, "fields": ["close"]},
        "action": {"type": "continuous", "output": "actions", "low": -1, "high": 1},
        "sizing": {"maxPositionFraction": 1, "lotSize": 1, "rebalanceBand": 0.1, "allowShort": True},
    }
    reference = {
        "writtenBy": "scripts/train/export_fixtures.py",
        "weights": weights(mlp),
        "logStd": -0.5,
        "input": obs.tolist(),
        "actions": a.squeeze(1).tolist(),
        "values": v.squeeze(1).tolist(),
        "log_prob": lp.tolist(),
    }
    write(folder, manifest, reference)


if __name__ == "__main__":
    torch.set_num_threads(1)
    sb3_discrete()
    torch_continuous()
    print(f"wrote fixtures under {os.path.relpath(OUT, ROOT)}")
