#!/usr/bin/env python3
"""Writes Tests/PixelControlTests/Fixtures/dm_control_trajectories.json: trajectories of dm_control's
cartpole swingup, reacher easy and pendulum swingup (MuJoCo), which PixelControl's scenes must follow.

For each task and two seeds: the start state after dm_control's reset (qpos, qvel, and the target of
reacher), then 100 control steps under four action sequences (zero, constant, uniform random, and a
simple controller), each step's qpos and qvel and reward; and the return of the controller over a whole
1000-step episode. Run with dm_control and mujoco from PyPI (not a dependency of the package):

    python3 -m venv .dmc-venv && .dmc-venv/bin/pip install dm_control
    .dmc-venv/bin/python tools/make_dm_control_fixtures.py
"""
import json
import math
import os

import numpy as np
from dm_control import suite

STEPS = 100
OUTPUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "PixelControlTests", "Fixtures", "dm_control_trajectories.json")


def cartpole_controller(observation):
    """Energy pumping far from upright, a PD balance near it; observation [x, cos, sin, xdot, thetadot]."""
    x, cosine, sine, x_velocity, angular_velocity = observation
    if cosine > 0.85:
        return float(np.clip(10 * sine + 2 * angular_velocity + 1.0 * x + 1.5 * x_velocity, -1, 1))
    energy = 0.5 * 0.0344 * angular_velocity**2 + 0.1 * 9.81 * 0.5 * (cosine - 1)
    return float(np.clip(50 * energy * angular_velocity * cosine - 0.4 * x - 0.3 * x_velocity, -1, 1))


def pendulum_controller(observation):
    """Energy pumping, then PD near upright; observation [cos, sin, thetadot]."""
    cosine, sine, angular_velocity = observation
    if cosine > 0.95:
        return float(np.clip(-12 * sine - 2 * angular_velocity, -1, 1))
    energy = 0.5 * 0.251 * angular_velocity**2 + 9.81 * 0.5 * (cosine - 1)
    return float(np.clip(-energy * angular_velocity, -1, 1) if abs(energy * angular_velocity) > 1e-9 else 1.0)


def reacher_controller(observation):
    """Jacobian-transpose PD towards the target; observation [shoulder, wrist, dx, dy, shoulder velocity, wrist velocity]."""
    shoulder, wrist, dx, dy, v1, v2 = observation
    l1, l2 = 0.12, 0.12
    j11 = -l1 * math.sin(shoulder) - l2 * math.sin(shoulder + wrist)
    j12 = -l2 * math.sin(shoulder + wrist)
    j21 = l1 * math.cos(shoulder) + l2 * math.cos(shoulder + wrist)
    j22 = l2 * math.cos(shoulder + wrist)
    torque1 = 40 * (j11 * dx + j21 * dy) - 0.3 * v1
    torque2 = 40 * (j12 * dx + j22 * dy) - 0.3 * v2
    return [float(np.clip(torque1, -1, 1)), float(np.clip(torque2, -1, 1))]


def observation_vector(domain, time_step):
    o = time_step.observation
    if domain == "cartpole":
        return [o["position"][0], o["position"][1], o["position"][2], o["velocity"][0], o["velocity"][1]]
    if domain == "pendulum":
        return [o["orientation"][0], o["orientation"][1], o["velocity"][0]]
    return [o["position"][0], o["position"][1], o["to_target"][0], o["to_target"][1], o["velocity"][0], o["velocity"][1]]


CONTROLLERS = {"cartpole": cartpole_controller, "pendulum": pendulum_controller, "reacher": reacher_controller}
TASKS = [("cartpole", "swingup"), ("reacher", "easy"), ("pendulum", "swingup")]


def run(domain, task, seed, policy_name, steps):
    env = suite.load(domain, task, task_kwargs={"random": seed})
    time_step = env.reset()
    physics = env.physics
    start = {"qpos": physics.data.qpos.tolist(), "qvel": physics.data.qvel.tolist()}
    if domain == "reacher":
        start["target"] = physics.named.model.geom_pos["target", :2].tolist()
    dimension = env.action_spec().shape[0]
    generator = np.random.default_rng(1000 + seed)
    rows, total = [], 0.0
    for step in range(steps):
        if policy_name == "zero":
            action = [0.0] * dimension
        elif policy_name == "constant":
            action = [1.0] * dimension
        elif policy_name == "random":
            action = generator.uniform(-1, 1, dimension).tolist()
        else:
            action = CONTROLLERS[domain](observation_vector(domain, time_step))
            action = action if isinstance(action, list) else [action]
        time_step = env.step(np.array(action))
        total += time_step.reward
        rows.append({"action": action, "qpos": physics.data.qpos.tolist(), "qvel": physics.data.qvel.tolist(), "reward": time_step.reward})
    return start, rows, total


def rounded(value):
    """Floats to 12 significant digits (far below the tests' tolerances), to keep the fixture small."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    return value


def main():
    import dm_control
    import mujoco
    fixtures = {"dm_control": dm_control.__version__ if hasattr(dm_control, "__version__") else "1.0.x", "mujoco": mujoco.__version__, "tasks": []}
    for domain, task in TASKS:
        for seed in (0, 1):
            entry = {"domain": domain, "task": task, "seed": seed, "sequences": {}}
            for policy_name in ("zero", "constant", "random", "controller"):
                start, rows, _ = run(domain, task, seed, policy_name, STEPS)
                entry["start"] = start
                entry["sequences"][policy_name] = rows
            _, _, episode_return = run(domain, task, seed, "controller", 1000)
            entry["controller_return"] = episode_return
            print(f"{domain} {task} seed {seed}: controller return over 1000 steps {episode_return:.1f}")
            fixtures["tasks"].append(entry)
    with open(OUTPUT, "w") as handle:
        json.dump(rounded(fixtures), handle, separators=(",", ":"))
    print(f"wrote {OUTPUT} ({os.path.getsize(OUTPUT) // 1024} KiB)")


main()
