#!/usr/bin/env python3
"""Writes Tests/AgentsTests/Fixtures/acer_objective.json: ACER's Retrace targets, truncated
importance-sampling loss, bias correction, entropy, Q loss and the trust-region-projected gradient
at the policy output, computed with PyTorch autograd following OpenAI baselines' acer.py formulas
(tf.gradients of the objective with respect to f, k = -f_avg / (f + eps), the adj projection).

Usage: .peers-venv/bin/python tools/make_acer_fixtures.py   (needs torch: python3 -m venv .peers-venv &&
       .peers-venv/bin/pip install torch numpy; or the shared peers' setup.sh, which installs the same)
"""
import json
import pathlib

import torch

torch.manual_seed(7)
T, B, A = 4, 3, 3          # steps, trajectories, actions (time-major rows t * B + b)
gamma, c, ent_coef, delta, q_coef, eps = 0.9, 1.5, 0.05, 0.05, 0.5, 1e-6

logits = torch.randn((T + 1) * B, A, dtype=torch.float64)
q = torch.randn((T + 1) * B, A, dtype=torch.float64)
avg_logits = logits[: T * B] + 0.3 * torch.randn(T * B, A, dtype=torch.float64)
mu = torch.softmax(2.0 * torch.randn(T * B, A, dtype=torch.float64), dim=1)  # peaked: rho spans both sides of c
actions = torch.randint(0, A, (T * B,))
rewards = torch.randn(T * B, dtype=torch.float64)
dones = torch.zeros(T * B, dtype=torch.float64)
dones[1 * B + 0] = 1.0
dones[2 * B + 2] = 1.0

f_all = torch.softmax(logits, dim=1)
v_all = (f_all * q).sum(1)                              # V over all T + 1 steps
f, q_t = f_all[: T * B], q[: T * B]
f_avg = torch.softmax(avg_logits, dim=1)
rows = torch.arange(T * B)
f_i, q_i = f[rows, actions], q_t[rows, actions]
rho = f / (mu + eps)
rho_i = rho[rows, actions]

# Retrace, as baselines' q_retrace (time-major here).
qret = v_all[T * B:].clone()
targets = [None] * T
for t in reversed(range(T)):
    sl = slice(t * B, (t + 1) * B)
    qret = rewards[sl] + gamma * qret * (1.0 - dones[sl])
    targets[t] = qret
    qret = torch.clamp(rho_i[sl], max=1.0) * (qret - q_i[sl]) + v_all[sl]
qret = torch.cat(targets)
v = v_all[: T * B]

# The objective as a function of f only (everything else constant), differentiated at f.
f_leaf = f.detach().clone().requires_grad_(True)
adv = (qret - v).detach()
loss_f = -(torch.log(f_leaf[rows, actions] + eps) * (adv * torch.clamp(rho_i, max=c)).detach()).mean()
adv_bc = (q_t - v[:, None]).detach()
loss_bc = -(torch.log(f_leaf + eps) * (adv_bc * torch.relu(1.0 - c / (rho + eps)) * f).detach()).sum(1).mean()
entropy = (-(f_leaf * torch.log(f_leaf + 1e-6)).sum(1)).mean()
loss_policy = loss_f + loss_bc
N = T * B
(g,) = torch.autograd.grad(-(loss_policy - ent_coef * entropy) * N, f_leaf)
k = -f_avg / (f + eps)
k_dot_g = (k * g).sum(1)
adj = torch.clamp((k_dot_g - delta) / ((k * k).sum(1) + eps), min=0.0)
g_projected = g - adj[:, None] * k
seed = -g_projected / N
seed_no_trust_region = -g / N
loss_q = 0.5 * ((qret - q_i) ** 2).mean()


def flat(x):
    return [float(v) for v in x.reshape(-1)]


fixture = {
    "steps": T, "batch": B, "actions_count": A, "gamma": gamma, "c": c, "ent_coef": ent_coef, "delta": delta, "q_coef": q_coef,
    "logits": flat(logits), "q": flat(q), "average_logits": flat(avg_logits), "mu": flat(mu),
    "actions": [int(a) for a in actions], "rewards": flat(rewards), "dones": flat(dones),
    "probabilities": flat(f_all), "values": flat(v_all), "average_probabilities": flat(f_avg),
    "qret": flat(qret), "loss_f": float(loss_f.detach()), "loss_bc": float(loss_bc.detach()), "entropy": float(entropy.detach()), "loss_q": float(loss_q),
    "adjustment": flat(adj), "seed": flat(seed), "seed_no_trust_region": flat(seed_no_trust_region),
    "rho_above_c": int((rho > c).sum()), "adjusted_rows": int((adj > 0).sum()),
}
path = pathlib.Path(__file__).resolve().parent.parent / "Tests/AgentsTests/Fixtures/acer_objective.json"
path.parent.mkdir(parents=True, exist_ok=True)
path.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"wrote {path}: {fixture['rho_above_c']} entries with rho > c, {fixture['adjusted_rows']} rows adjusted by the trust region")
