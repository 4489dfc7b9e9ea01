"""Python-side steps/s of SwiftRL's vector environment beside EnvPool's and Gymnasium's vector envs, and
beside the native Swift figure (`swiftrl envs bench`), all in one run on this machine.

Usage: python tools/bench_python.py [--ids CartPole-v1,...] [--sizes 1,8,16,32,64] [--seconds 1.5] [--threads 2]
Run by tools/bench-python, which makes the virtual environment (.bench-venv) with the peers.
"""
import argparse
import json
import platform
import subprocess
import time
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parent.parent
# EnvPool's ids for the same tasks.
ENVPOOL_IDS = {"CartPole-v1": "CartPole-v1", "LunarLander-v3": "LunarLander-v3", "BipedalWalker-v3": "BipedalWalker-v3",
               "CarRacing-v3": "CarRacing-v3", "Pendulum-v1": "Pendulum-v1"}


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def random_actions(space, count, batch):
    generator = np.random.default_rng(0)
    if hasattr(space, "n"):
        return [generator.integers(space.start, space.start + space.n, batch) for _ in range(count)]
    return [generator.uniform(space.low, space.high, (batch,) + space.shape).astype(np.float32) for _ in range(count)]


def timed(step, actions, seconds):
    """Steps until `seconds` pass (at least 20 batches); returns batches per second."""
    step(actions[0])
    batches, start = 0, time.perf_counter()
    while True:
        for index in range(20):
            step(actions[(batches + index) % len(actions)])
        batches += 20
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return batches / elapsed


def swiftrl_python(env_id, size, threads, seconds, copy):
    import swiftrl_envs
    envs = swiftrl_envs.make_vec(env_id, num_envs=size, num_threads=threads, copy=copy)
    envs.reset(seed=0)
    rate = timed(envs.step, random_actions(envs.single_action_space, 100, size), seconds) * size
    envs.close()
    return rate


def envpool_rate(env_id, size, threads, seconds):
    try:
        import envpool
    except ImportError:
        return None
    name = ENVPOOL_IDS.get(env_id)
    if name is None:
        return None
    try:
        envs = envpool.make(name, env_type="gymnasium", num_envs=size, batch_size=size, num_threads=min(threads, size), seed=0)
    except Exception as error:  # an id this EnvPool build lacks
        print(f"  envpool {name}: {error}")
        return None
    envs.reset()
    rate = timed(envs.step, random_actions(envs.action_space, 100, size), seconds) * size
    envs.close()
    return rate


def gymnasium_rate(env_id, size, seconds, mode):
    import gymnasium as gym
    try:
        envs = gym.make_vec(env_id, num_envs=size, vectorization_mode=mode)
    except Exception as error:
        print(f"  gymnasium {env_id} {mode}: {error}")
        return None
    envs.reset(seed=0)
    rate = timed(envs.step, random_actions(envs.single_action_space, 100, size), seconds) * size
    envs.close()
    return rate


def native_rate(env_id, size, threads, seconds):
    program = REPOSITORY / ".build" / "release" / "swiftrl"
    output = subprocess.run([str(program), "envs", "bench", env_id, "--num-envs", str(size), "--threads", str(threads if size > 1 else 1),
                             "--seconds", str(seconds), "--json"], capture_output=True, text=True, check=True).stdout
    return json.loads(output.splitlines()[-1])["steps_per_second"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", default="CartPole-v1,LunarLander-v3,BipedalWalker-v3,CarRacing-v3")
    parser.add_argument("--sizes", default="1,8,16,32,64")
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--gymnasium-async", action="store_true", help="also Gymnasium's AsyncVectorEnv (one process per env)")
    arguments = parser.parse_args()
    print(f"CPU: {cpu_model()}, {len(__import__('os').sched_getaffinity(0))} CPUs; threads {arguments.threads}; steps/s of the "
          "whole batch, random actions, Python side")
    header = f"{'env':<18}{'K':>4}{'swiftrl':>12}{'copy=True':>12}{'envpool':>12}{'gym sync':>12}{'native':>12}{'/envpool':>10}{'/native':>9}"
    print(header)
    for env_id in arguments.ids.split(","):
        for size in [int(value) for value in arguments.sizes.split(",")]:
            ours = swiftrl_python(env_id, size, arguments.threads, arguments.seconds, copy=False)
            ours_copied = swiftrl_python(env_id, size, arguments.threads, arguments.seconds, copy=True)
            peer = envpool_rate(env_id, size, arguments.threads, arguments.seconds)
            sync = gymnasium_rate(env_id, size, arguments.seconds, "sync") if size <= 16 or env_id == "CartPole-v1" else None
            native = native_rate(env_id, size, arguments.threads, arguments.seconds)
            def cell(value):
                return f"{value:>12,.0f}" if value else f"{'-':>12}"
            ratio = f"{ours / peer:>10.2f}" if peer else f"{'-':>10}"
            print(f"{env_id:<18}{size:>4}{cell(ours)}{cell(ours_copied)}{cell(peer)}{cell(sync)}{cell(native)}{ratio}{ours / native:>9.2f}",
                  flush=True)
            if arguments.gymnasium_async and size <= 16:
                print(f"{'':<18}{'':>4} gymnasium async: {gymnasium_rate(env_id, size, arguments.seconds, 'async') or 0:,.0f}")


if __name__ == "__main__":
    main()
