"""Writes Tests/ClassicControlTests/Fixtures/classic_control.json: reference trajectories of Gymnasium's
classic-control environments from given start states and action sequences, which the Swift tests replay.

Usage: .peers-venv/bin/python tools/make_classic_control_fixtures.py   (needs gymnasium: python3 -m venv .peers-venv &&
       .peers-venv/bin/pip install gymnasium numpy; or the shared peers' setup.sh, which installs the same)
Only the small JSON output is committed."""
import json
import math
import pathlib
import gymnasium as gym
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/ClassicControlTests/Fixtures/classic_control.json"


def run_case(env_id, seed, steps, policy, start_state=None):
    env = gym.make(env_id).unwrapped
    env.reset(seed=seed)
    if start_state is not None:
        env.state = np.array(start_state, dtype=np.float64)
    start = [float(x) for x in np.asarray(env.state, dtype=np.float64)]
    rng = np.random.default_rng(seed)
    obs = np.asarray(env.state)
    actions, observations, rewards, terminated = [], [], [], []
    for t in range(steps):
        action = policy(rng, obs, env)
        obs, reward, term, trunc, _ = env.step(action)
        actions.append(action.tolist() if isinstance(action, np.ndarray) else int(action))
        observations.append([float(f"{x:.9g}") for x in obs])  # float32 values, shortest form
        rewards.append(float(reward))
        terminated.append(bool(term))
        if term:
            break
    return {"id": env_id, "seed": seed, "start_state": start, "actions": actions,
            "observations": observations, "rewards": rewards, "terminated": terminated}


def random_discrete(n):
    return lambda rng, obs, env: int(rng.integers(n))


def random_box(low, high):
    return lambda rng, obs, env: rng.uniform(low, high, size=(1,)).astype(np.float32)


def pump_discrete(rng, obs, env):  # push in the direction of motion: reaches the goal
    return 2 if env.state[1] >= 0 else 0


def pump_continuous(rng, obs, env):
    return np.array([1.0 if env.state[1] >= 0 else -1.0], dtype=np.float32)


cases = []
for seed in (0, 1, 2):
    cases.append(run_case("CartPole-v1", seed, 200, random_discrete(2)))
cases.append(run_case("CartPole-v1", 3, 200, lambda rng, obs, env: 1, start_state=[2.3, 0.5, 0.1, 0.2]))
cases.append(run_case("CartPole-v1", 4, 300, lambda rng, obs, env: int(env.state[2] + 0.3 * env.state[3] + 0.01 * env.state[0] > 0)))
for seed in (0, 1):
    cases.append(run_case("Pendulum-v1", seed, 200, random_box(-2.0, 2.0)))
cases.append(run_case("Pendulum-v1", 3, 200, lambda rng, obs, env: np.array([2.0], dtype=np.float32),
                      start_state=[math.pi - 0.01, 7.9]))
for seed in (0, 1):
    cases.append(run_case("Acrobot-v1", seed, 150, random_discrete(3)))
cases.append(run_case("Acrobot-v1", 2, 300, lambda rng, obs, env: 2 if env.state[2] >= 0 else 0))
for seed in (0, 1):
    cases.append(run_case("MountainCar-v0", seed, 200, random_discrete(3)))
cases.append(run_case("MountainCar-v0", 2, 200, pump_discrete))
cases.append(run_case("MountainCar-v0", 3, 60, lambda rng, obs, env: 0, start_state=[-1.15, -0.05]))
for seed in (0, 1):
    cases.append(run_case("MountainCarContinuous-v0", seed, 200, random_box(-1.0, 1.0)))
cases.append(run_case("MountainCarContinuous-v0", 2, 400, pump_continuous))

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"generator": "tools/make_classic_control_fixtures.py", "gymnasium": gym.__version__,
                           "cases": cases}, separators=(",", ":")))
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")
for case in cases:
    print(f"  {case['id']} seed {case['seed']}: {len(case['actions'])} steps, terminated {any(case['terminated'])}")
