#!/usr/bin/env python3
"""Train the demo PPO policy on daily S&P 500 bars and ship it as models/ppo-sp500.

    apt-get install -y python3-torch python3-onnx     # Debian: torch 1.13, onnx 1.12
    /usr/bin/python3 scripts/train/train_ppo.py        # ~2 minutes on 2 cores (one torch thread)

Data: node_modules/vega-datasets/data/sp500-2000.csv (daily OHLCV, 2000-01-03..2020-04-17).
Train on 2000-2014, report out of sample on 2015 onwards. Seeded: the same machine and
library versions give the same weights.

The policy is an SB3-shaped actor-critic (separate 64-64 tanh MLPs for policy and value,
orthogonal init) trained with PPO (clipped objective, GAE). It is exported like an SB3
PPO policy: input "input" [batch, features], outputs "actions" (int64 argmax),
"values" [batch, 1] and "log_prob" [batch], opset 17.

Writes models/ppo-sp500/{policy.onnx, manifest.json, report.json, TRAINING.md} and the
test fixtures test/fixtures/policy/{featureParity.json, ppoSp500Reference.json}.
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features as F  # noqa: E402
import sim  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "node_modules", "vega-datasets", "data", "sp500-2000.csv")

FEATURES = [
    {"id": "logReturn", "params": {"lag": 1}},
    {"id": "logReturn", "params": {"lag": 5}},
    {"id": "logReturn", "params": {"lag": 20}},
    {"id": "volNormMomentum", "params": {"lookback": 60, "volWindow": 20}},
    {"id": "rsi", "params": {"period": 14}},
    {"id": "realizedVol", "params": {"window": 20}},
    {"id": "smaRatio", "params": {"window": 50}},
    {"id": "closeLocation", "params": {}},
    {"id": "volumeRatio", "params": {"window": 20}},
    {"id": "positionSide", "params": {}},
]
SIDE_SLOT = 9
LABELS = ["hold", "buy", "sell"]
TARGETS = [None, 1.0, 0.0]  # hold keeps the position; buy -> fully long; sell -> flat
CLIP = 5.0
TRAIN_FROM, TRAIN_TO, TEST_FROM = "2000-01-03", "2014-12-31", "2015-01-01"
RULE = sim.Rule(max_position_fraction=1.0, lot_size=1, rebalance_band=0.05, allow_short=False)
INITIAL_CASH = 100_000.0
SLIPPAGE_BPS = 2.0


# ---------------------------------------------------------------- data and observations

class Data:
    def __init__(self):
        self.bars = F.read_bars(DATA)
        dates = self.bars["date"]
        self.n = len(dates)
        self.lookback = F.history(FEATURES)
        self.first = self.lookback - 1
        self.train_end = max(i for i, d in enumerate(dates) if d <= TRAIN_TO)
        self.test_start = min(i for i, d in enumerate(dates) if d >= TEST_FROM)
        raw = np.array(F.market_matrix(self.bars, FEATURES), dtype=np.float64)
        self.raw = raw
        train = raw[self.first:self.train_end + 1]
        mean = train.mean(axis=0)
        std = train.std(axis=0)
        mean[SIDE_SLOT], std[SIDE_SLOT] = 0.0, 1.0
        # round-trip through JSON text so Python and TypeScript normalise with identical numbers
        self.mean = np.array(json.loads(json.dumps(mean.tolist())))
        self.std = np.array(json.loads(json.dumps(std.tolist())))
        norm = np.clip((raw - self.mean) / self.std, -CLIP, CLIP)
        norm[:, SIDE_SLOT] = 0.0
        self.norm = norm  # float64, side slot filled per observation
        self.open = np.array(self.bars["open"])
        self.close = np.array(self.bars["close"])

    def obs(self, t, side):
        """float32 observations for bar indices t (array) and sides (array)."""
        o = self.norm[t].copy()
        o[:, SIDE_SLOT] = np.clip((side - self.mean[SIDE_SLOT]) / self.std[SIDE_SLOT], -CLIP, CLIP)
        return o.astype(np.float32)


class VecEnv:
    """Episodes of `ep_len` decisions over random windows of the training period, vectorised.
    Same execution as sim.simulate: decide at close t, fill at open t+1 with slippage and
    commission, reward = 100 * log equity change."""

    def __init__(self, data, n_envs, ep_len, rng):
        self.d, self.n, self.ep_len, self.rng = data, n_envs, ep_len, rng
        self.t = np.zeros(n_envs, dtype=np.int64)
        self.cash = np.zeros(n_envs)
        self.qty = np.zeros(n_envs)
        self.equity = np.zeros(n_envs)
        self.steps = np.zeros(n_envs, dtype=np.int64)
        self.targets = np.array([np.nan if x is None else x for x in TARGETS])
        for i in range(n_envs):
            self._reset(i)

    def _reset(self, i):
        self.t[i] = self.rng.integers(self.d.first, self.d.train_end - self.ep_len)
        self.cash[i] = INITIAL_CASH
        self.qty[i] = 0.0
        self.equity[i] = INITIAL_CASH
        self.steps[i] = 0

    def observe(self):
        return self.d.obs(self.t, np.sign(self.qty))

    def step(self, actions):
        d = self.d
        target = self.targets[actions]
        price = d.close[self.t]
        hold = np.isnan(target)
        f = np.clip(np.nan_to_num(target), 0.0, 1.0)
        wanted = np.trunc((f * RULE.max_position_fraction * self.equity) / price / RULE.lot_size) * RULE.lot_size
        delta = np.where(hold, 0.0, wanted - self.qty)
        resize = (self.qty != 0) & (wanted != 0) & (np.sign(wanted) == np.sign(self.qty))
        delta = np.where(resize & (np.abs(delta) * price < RULE.rebalance_band * self.equity), 0.0, delta)
        self.t += 1
        opn = d.open[self.t]
        fill = np.where(delta > 0, opn * (1 + SLIPPAGE_BPS / 1e4), opn * (1 - SLIPPAGE_BPS / 1e4))
        shares = np.abs(delta)
        fee = np.where(shares > 0, np.minimum(np.maximum(shares * 0.005, 1.0), shares * fill * 0.01), 0.0)
        self.cash -= delta * fill + fee
        self.qty += delta
        new_equity = self.cash + self.qty * d.close[self.t]
        reward = 100.0 * np.log(new_equity / self.equity)
        self.equity = new_equity
        self.steps += 1
        done = (self.steps >= self.ep_len) | (self.t >= d.train_end)
        return reward, done

    def reset_done(self, done):
        for i in np.nonzero(done)[0]:
            self._reset(i)


# ---------------------------------------------------------------- policy

class ActorCritic(nn.Module):
    def __init__(self, obs_dim, n_actions, hidden=64):
        super().__init__()
        self.pi = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.vf = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.action_net = nn.Linear(hidden, n_actions)
        self.value_net = nn.Linear(hidden, 1)
        for m in list(self.pi) + list(self.vf):
            if isinstance(m, nn.Linear):
                nn.init.orthogonal_(m.weight, math.sqrt(2))
                nn.init.zeros_(m.bias)
        nn.init.orthogonal_(self.action_net.weight, 0.01)
        nn.init.zeros_(self.action_net.bias)
        nn.init.orthogonal_(self.value_net.weight, 1.0)
        nn.init.zeros_(self.value_net.bias)

    def forward(self, obs):
        return self.action_net(self.pi(obs)), self.value_net(self.vf(obs)).squeeze(-1)


class ExportPolicy(nn.Module):
    """What SB3's ActorCriticPolicy.forward(obs, deterministic=True) returns for a discrete
    action space: the argmax action, the value and the action's log-probability."""

    def __init__(self, ac):
        super().__init__()
        self.ac = ac

    def forward(self, obs):
        logits = self.ac.action_net(self.ac.pi(obs))
        actions = torch.argmax(logits, dim=1)
        values = self.ac.value_net(self.ac.vf(obs))
        log_prob = torch.log_softmax(logits, dim=1).gather(1, actions.unsqueeze(1)).squeeze(1)
        return actions, values, log_prob


def train(data, args):
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    env = VecEnv(data, args.envs, args.episode, rng)
    ac = ActorCritic(len(FEATURES), len(LABELS))
    opt = torch.optim.Adam(ac.parameters(), lr=args.lr, eps=1e-5)
    n_envs, n_steps = args.envs, args.steps
    obs_buf = torch.zeros(n_steps, n_envs, len(FEATURES))
    act_buf = torch.zeros(n_steps, n_envs, dtype=torch.long)
    logp_buf = torch.zeros(n_steps, n_envs)
    val_buf = torch.zeros(n_steps, n_envs)
    rew_buf = torch.zeros(n_steps, n_envs)
    done_buf = torch.zeros(n_steps, n_envs)
    obs = torch.from_numpy(env.observe())
    ep_returns, ep_acc = [], np.zeros(n_envs)
    log = []
    for update in range(args.updates):
        for step in range(n_steps):
            with torch.no_grad():
                logits, value = ac(obs)
                dist = torch.distributions.Categorical(logits=logits)
                action = dist.sample()
            obs_buf[step], act_buf[step], logp_buf[step], val_buf[step] = obs, action, dist.log_prob(action), value
            reward, done = env.step(action.numpy())
            ep_acc += reward
            if done.any():
                # episodes end by time limit: bootstrap from the value of the last observation
                with torch.no_grad():
                    _, v_last = ac(torch.from_numpy(env.observe()))
                reward = reward + args.gamma * v_last.numpy() * done
                ep_returns.extend(ep_acc[done].tolist())
                ep_acc[done] = 0.0
                env.reset_done(done)
            rew_buf[step] = torch.from_numpy(reward.astype(np.float32))
            done_buf[step] = torch.from_numpy(done.astype(np.float32))
            obs = torch.from_numpy(env.observe())
        with torch.no_grad():
            _, next_value = ac(obs)
        adv = torch.zeros(n_steps, n_envs)
        last = torch.zeros(n_envs)
        for step in reversed(range(n_steps)):
            nv = next_value if step == n_steps - 1 else val_buf[step + 1]
            nonterminal = 1.0 - done_buf[step]
            delta = rew_buf[step] + args.gamma * nv * nonterminal - val_buf[step]
            last = delta + args.gamma * args.lam * nonterminal * last
            adv[step] = last
        ret = adv + val_buf
        b_obs, b_act = obs_buf.reshape(-1, len(FEATURES)), act_buf.reshape(-1)
        b_logp, b_adv, b_ret = logp_buf.reshape(-1), adv.reshape(-1), ret.reshape(-1)
        total = n_steps * n_envs
        kls, clipfracs = [], []
        for _ in range(args.epochs):
            perm = torch.randperm(total)
            for start in range(0, total, args.minibatch):
                idx = perm[start:start + args.minibatch]
                logits, value = ac(b_obs[idx])
                dist = torch.distributions.Categorical(logits=logits)
                logp = dist.log_prob(b_act[idx])
                ratio = torch.exp(logp - b_logp[idx])
                a = b_adv[idx]
                a = (a - a.mean()) / (a.std() + 1e-8)
                pg = -torch.min(ratio * a, torch.clamp(ratio, 1 - args.clip, 1 + args.clip) * a).mean()
                vf = 0.5 * ((value - b_ret[idx]) ** 2).mean()
                ent = dist.entropy().mean()
                loss = pg + args.vf_coef * vf - args.ent_coef * ent
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(ac.parameters(), 0.5)
                opt.step()
                with torch.no_grad():
                    kls.append(((ratio - 1) - torch.log(ratio)).mean().item())
                    clipfracs.append(((ratio - 1).abs() > args.clip).float().mean().item())
        recent = ep_returns[-50:]
        entry = {
            "update": update + 1,
            "meanEpisodeReturn": float(np.mean(recent)) if recent else None,
            "approxKl": float(np.mean(kls)),
            "clipFraction": float(np.mean(clipfracs)),
        }
        log.append(entry)
        if (update + 1) % 10 == 0 or update == 0:
            print(f"update {update + 1:4d}  episode return (x100 log) {entry['meanEpisodeReturn'] or 0:8.3f}  kl {entry['approxKl']:.4f}  clip {entry['clipFraction']:.3f}", flush=True)
    return ac, log


# ---------------------------------------------------------------- evaluation (mirrors the TS backtester)

def decision_table(policy, data, i0, i_n):
    """Greedy action target for every decision bar and both reachable sides (flat, long), batched."""
    ts = np.arange(i0, i_n)
    rows = []
    for side in (0.0, 1.0):
        rows.append(data.obs(ts, np.full(len(ts), side)))
    with torch.no_grad():
        actions = [policy(torch.from_numpy(r))[0].numpy() for r in rows]
    return {(int(t), side): TARGETS[int(actions[s][k])] for s, side in enumerate((0, 1)) for k, t in enumerate(ts)}


def evaluate(policy, data, i0, i_n):
    table = decision_table(policy, data, i0, i_n)
    runs = {
        "policy": sim.simulate(data.bars, i0, i_n, lambda t, side: table[(t, side)], RULE, INITIAL_CASH, SLIPPAGE_BPS),
        "buyAndHold": sim.simulate(data.bars, i0, i_n, lambda t, side: 1.0, RULE, INITIAL_CASH, SLIPPAGE_BPS),
        "flat": sim.simulate(data.bars, i0, i_n, lambda t, side: 0.0, RULE, INITIAL_CASH, SLIPPAGE_BPS),
    }
    return {
        "from": data.bars["date"][i0],
        "to": data.bars["date"][i_n],
        "bars": i_n - i0 + 1,
        **{k: sim.metrics(v) for k, v in runs.items()},
    }, runs


# ---------------------------------------------------------------- export

def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def export(ac, path):
    policy = ExportPolicy(ac).eval()
    torch.onnx.export(
        policy,
        torch.zeros(1, len(FEATURES)),
        path,
        opset_version=17,
        input_names=["input"],
        output_names=["actions", "values", "log_prob"],
        dynamic_axes={"input": {0: "batch"}, "actions": {0: "batch"}, "values": {0: "batch"}, "log_prob": {0: "batch"}},
    )
    import onnx

    onnx.checker.check_model(onnx.load(path))
    return policy


def manifest(data, digest, args, seconds):
    feats = [{"id": f["id"], "params": f["params"], "definition": F.definition(f)} for f in FEATURES]
    return {
        "schemaVersion": 1,
        "name": "ppo-sp500",
        "description": "Demo PPO policy: long or flat the S&P 500 index on daily bars. A worked example of the pipeline, not investment advice.",
        "model": {"file": "policy.onnx", "sha256": digest},
        "input": {"name": "input", "shape": ["batch", len(FEATURES)], "dtype": "float32"},
        "features": feats,
        "normalization": {"type": "standard", "mean": data.mean.tolist(), "std": data.std.tolist(), "clip": CLIP},
        "bars": {
            "barSize": "1 day",
            "lookback": data.lookback,
            "fields": ["open", "high", "low", "close", "volume"],
            "priceColumn": "close",
            "source": "vega-datasets data/sp500-2000.csv: S&P 500 index daily open/high/low/close/volume (close equals adjclose in this file; no dividends)",
            "trainFrom": TRAIN_FROM,
            "trainTo": TRAIN_TO,
            "testFrom": TEST_FROM,
            "derived": [],
        },
        "action": {"type": "discrete", "output": "actions", "labels": LABELS, "targets": TARGETS, "logProbOutput": "log_prob"},
        "sizing": {"maxPositionFraction": RULE.max_position_fraction, "lotSize": RULE.lot_size, "rebalanceBand": RULE.rebalance_band, "allowShort": RULE.allow_short},
        "execution": {"fill": "nextOpen", "slippageBps": SLIPPAGE_BPS, "commission": "ibkr-fixed", "initialCash": INITIAL_CASH},
        "training": {
            "algorithm": "PPO (clipped objective, GAE), SB3-shaped MlpPolicy: pi [64, 64] tanh, vf [64, 64] tanh",
            "script": "scripts/train/train_ppo.py",
            "seed": args.seed,
            "timesteps": args.updates * args.steps * args.envs,
            "seconds": round(seconds, 1),
            "torch": torch.__version__,
            "report": "report.json",
        },
    }


def write_fixtures(data, policy):
    fixtures = os.path.join(ROOT, "test", "fixtures", "policy")
    os.makedirs(fixtures, exist_ok=True)
    market = [f for f in FEATURES if f["id"] in F.MARKET]
    slots = [i for i, f in enumerate(FEATURES) if f["id"] in F.MARKET]
    picks = list(range(0, 130)) + list(range(data.test_start - 5, data.test_start + 40)) + [data.n - 1]
    parity = {
        "source": "node_modules/vega-datasets/data/sp500-2000.csv",
        "writtenBy": "scripts/train/train_ppo.py (scripts/train/features.py)",
        "features": market,
        "rows": [{"index": t, "date": data.bars["date"][t], "values": [None if math.isnan(data.raw[t][s]) else data.raw[t][s] for s in slots]} for t in picks],
    }
    with open(os.path.join(fixtures, "featureParity.json"), "w") as f:
        json.dump(parity, f, indent=1)
        f.write("\n")
    ts = np.array([data.test_start + k for k in range(0, 400, 50)])
    obs = np.concatenate([data.obs(ts, np.zeros(len(ts))), data.obs(ts, np.ones(len(ts)))])
    with torch.no_grad():
        a, v, lp = policy(torch.from_numpy(obs))
    ref = {
        "model": "models/ppo-sp500",
        "writtenBy": "scripts/train/train_ppo.py: torch forward pass of the exported module",
        "rows": [{"index": int(t), "date": data.bars["date"][int(t)], "side": s} for s in (0, 1) for t in ts],
        "input": obs.astype(float).tolist(),
        "actions": a.tolist(),
        "values": v.squeeze(1).tolist(),
        "log_prob": lp.tolist(),
    }
    with open(os.path.join(fixtures, "ppoSp500Reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")


def label(f):
    params = ",".join(f"{k}={v}" for k, v in f["params"].items())
    return f"{f['id']}({params})" if params else f["id"]


def pct(x):
    return f"{x * 100:.2f}%"


def training_md(report):
    oos, ins = report["outOfSample"], report["inSample"]

    def table(block):
        rows = ["| | Total return | CAGR | Sharpe | Max drawdown | Trades | Exposure |", "|---|---:|---:|---:|---:|---:|---:|"]
        for key, name in (("policy", "PPO policy"), ("buyAndHold", "Buy and hold"), ("flat", "Flat (cash)")):
            m = block[key]
            rows.append(f"| {name} | {pct(m['totalReturn'])} | {pct(m['cagr'])} | {m['sharpe']:.2f} | {pct(m['maxDrawdown'])} | {m['trades']} | {pct(m['exposure'])} |")
        return "\n".join(rows)

    t = report["training"]
    return f"""# ppo-sp500: how it was trained and how well it does

A **demo policy**. It exists to show that the pipeline is real (features, training,
ONNX export, manifest, backtest and live session all agree), not to make money.

## Data
`node_modules/vega-datasets/data/sp500-2000.csv`: the S&P 500 index, daily open, high,
low, close and volume, 2000-01-03 to 2020-04-17 (close equals adjusted close in this file,
so there are no dividends). Train {TRAIN_FROM} to {TRAIN_TO}; out of sample from {TEST_FROM}.

## Observation ({len(FEATURES)} features, see manifest.json for definitions)
{", ".join(label(f) for f in FEATURES)}.
Market features are standardised with the training-period mean and standard deviation and
clipped to +-{CLIP:g}; positionSide is 0 (flat) or 1 (long).

## Actions and execution
Discrete: hold (keep the position), buy (target 100% of equity long), sell (flat). Orders
are decided at the close and fill at the next open with {SLIPPAGE_BPS:g} bp slippage and IBKR
fixed commission (USD 0.005/share, min 1, max 1% of value); whole shares; positions are
resized only when the change exceeds {RULE.rebalance_band * 100:g}% of equity. Initial cash
{INITIAL_CASH:,.0f}. The index is treated as if it were tradable at its level.

## Training
PPO with a clipped objective (clip {t['clip']}), GAE (gamma {t['gamma']}, lambda {t['lambda']}),
{t['envs']} environments x {t['steps']} steps per update, {t['updates']} updates
({t['timesteps']:,} steps), {t['epochs']} epochs, minibatch {t['minibatch']}, Adam lr {t['lr']},
entropy coefficient {t['entCoef']}. Episodes are {t['episode']} trading days at random
points of the training period; reward is 100 x the log change of equity after costs.
Seed {t['seed']}; took {t['seconds']:.0f} s on this machine ({t['platform']}, torch {t['torch']}).

    /usr/bin/python3 scripts/train/train_ppo.py

## Out of sample ({oos['from']} to {oos['to']}, {oos['bars']} bars)
{table(oos)}

## In sample ({ins['from']} to {ins['to']}, {ins['bars']} bars)
{table(ins)}

Sharpe: annualised (x sqrt(252)) mean over standard deviation of daily returns, risk-free
rate 0. `npm run backtest` reproduces the out-of-sample row from the ONNX file through the
TypeScript pipeline (a test checks it).

## Caveats
One market, one path, one seed: these figures say nothing about future returns. The
in-sample row is far better than the out-of-sample one: the policy fits its training
years. The out-of-sample period was looked at while writing this script (features and
hyperparameters were not tuned on it, but nothing stops the next person from doing so).
Running the script twice on the same machine gives a byte-identical policy.onnx.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--updates", type=int, default=120)
    ap.add_argument("--envs", type=int, default=16)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--episode", type=int, default=252)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--minibatch", type=int, default=512)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--gamma", type=float, default=0.99)
    ap.add_argument("--lam", type=float, default=0.95)
    ap.add_argument("--clip", type=float, default=0.2)
    ap.add_argument("--ent-coef", dest="ent_coef", type=float, default=0.01)
    ap.add_argument("--vf-coef", dest="vf_coef", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "ppo-sp500"))
    ap.add_argument("--no-fixtures", dest="fixtures", action="store_false", help="do not rewrite test/fixtures/policy (e.g. for a reproducibility check into another --out)")
    args = ap.parse_args()
    if not os.path.exists(DATA):
        sys.exit(f"{DATA} not found: run npm install (vega-datasets is a devDependency)")
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    data = Data()
    started = time.time()
    ac, log = train(data, args)
    seconds = time.time() - started
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "policy.onnx")
    policy = export(ac, onnx_path)
    digest = sha256(onnx_path)

    oos, _ = evaluate(policy, data, data.test_start, data.n - 1)
    ins, _ = evaluate(policy, data, data.first, data.train_end)
    report = {
        "model": "ppo-sp500",
        "sha256": digest,
        "generated": datetime.date.today().isoformat(),
        "assumptions": {"initialCash": INITIAL_CASH, "fill": "next bar open", "commission": "ibkr-fixed", "slippageBps": SLIPPAGE_BPS, "periodsPerYear": 252},
        "outOfSample": oos,
        "inSample": ins,
        "training": {
            "seed": args.seed, "updates": args.updates, "envs": args.envs, "steps": args.steps, "episode": args.episode,
            "epochs": args.epochs, "minibatch": args.minibatch, "lr": args.lr, "gamma": args.gamma, "lambda": args.lam,
            "clip": args.clip, "entCoef": args.ent_coef, "vfCoef": args.vf_coef, "timesteps": args.updates * args.steps * args.envs,
            "seconds": round(seconds, 1), "torch": torch.__version__, "platform": f"{platform.machine()} {platform.system()}",
            "threads": args.threads, "log": log[-1],
        },
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest(data, digest, args, seconds), f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "TRAINING.md"), "w") as f:
        f.write(training_md(report))
    if args.fixtures:
        write_fixtures(data, policy)
    p, b = oos["policy"], oos["buyAndHold"]
    print(f"trained in {seconds:.0f} s; out of sample {oos['from']}..{oos['to']}: policy {pct(p['totalReturn'])} Sharpe {p['sharpe']:.2f} "
          f"maxDD {pct(p['maxDrawdown'])} trades {p['trades']} | buy-and-hold {pct(b['totalReturn'])} Sharpe {b['sharpe']:.2f} maxDD {pct(b['maxDrawdown'])}")


if __name__ == "__main__":
    main()
