#!/usr/bin/env python3
"""RLlib PPO on SwiftRL environments: each env runner steps one SwiftRL vector environment.

RLlib's env runners (one Ray actor each, spread over the cluster's nodes) normally build their vector
environments from Gymnasium environments in Python; here each builds `swiftrl_envs.make_vec`, which steps its
sub-environments in Swift and writes observations straight into the NumPy batch RLlib reads
(`gym_env_vectorize_mode=VECTOR_ENTRY_POINT`). The learner is RLlib's own PPO.

    pip install "./python[ray]" "ray[rllib]" torch
    ray start --head --num-cpus 1 && ray start --address 127.0.0.1:6379 --num-cpus 1   # two nodes
    python examples/ray/rllib_ppo.py --address auto --env LunarLander-v3 --target 200
    python examples/ray/rllib_ppo.py --address auto --compare-sampling   # env-runner throughput, both kinds

`--gymnasium` runs the same configuration on RLlib's own Gymnasium environment (gymnasium[box2d]) instead.
"""
import argparse
import sys
import time

import gymnasium as gym
import ray
from ray import tune
from ray.rllib.algorithms.ppo import PPOConfig


def make_swiftrl(context):
    """RLlib's env creator: a SwiftRL vector environment of `num_envs` (one environment without it)."""
    import swiftrl_envs  # imported in the env runner's process

    if "num_envs" in context:
        return swiftrl_envs.make_vec(context["id"], context["num_envs"], num_threads=context.get("threads", 1))
    return gym.make(f"SwiftRL/{context['id']}")


def ppo_config(env_id: str, gymnasium: bool, runners: int, envs_per_runner: int) -> PPOConfig:
    """PPO as RLlib's tuned LunarLander example sets it (batch 4000 per iteration, 2x64 network)."""
    config = PPOConfig()
    if gymnasium:
        config = config.environment(env_id).env_runners(gym_env_vectorize_mode=gym.VectorizeMode.SYNC)
    else:
        tune.register_env("swiftrl", make_swiftrl)
        config = config.environment("swiftrl", env_config={"id": env_id}).env_runners(
            gym_env_vectorize_mode=gym.VectorizeMode.VECTOR_ENTRY_POINT)
    return (config
            .env_runners(num_env_runners=runners, num_envs_per_env_runner=envs_per_runner, num_cpus_per_env_runner=0.5)
            .learners(num_learners=0)
            .training(lr=3e-4, gamma=0.99, lambda_=0.95, train_batch_size_per_learner=4000, minibatch_size=128,
                      num_epochs=10, entropy_coeff=0.0, vf_loss_coeff=0.5, clip_param=0.2)
            .rl_module(model_config={"fcnet_hiddens": [64, 64], "fcnet_activation": "tanh"})
            .evaluation(evaluation_interval=None))


def episode_return(result: dict) -> float:
    return result.get("env_runners", {}).get("episode_return_mean", float("nan"))


def sampled_steps(result: dict) -> int:
    return int(result.get("env_runners", {}).get("num_env_steps_sampled_lifetime", 0))


def sample_timer(result: dict) -> float:
    """Seconds the env runners spent sampling in the last iteration (RLlib's `env_runners/sample` timer)."""
    return float(result.get("env_runners", {}).get("sample", float("nan")))


def train(arguments) -> int:
    algorithm = ppo_config(arguments.env, arguments.gymnasium, arguments.runners, arguments.envs_per_runner).build_algo()
    start, best = time.time(), float("-inf")
    for iteration in range(1, arguments.iterations + 1):
        result = algorithm.train()
        value = episode_return(result)
        best = max(best, value) if value == value else best
        print(f"iteration {iteration:3d}  steps {sampled_steps(result):8d}  return {value:8.1f}  "
              f"sampling {sample_timer(result):.2f} s  elapsed {time.time() - start:6.0f} s", flush=True)
        if arguments.target is not None and value >= arguments.target:
            print(f"reached {value:.1f} >= {arguments.target} after {sampled_steps(result)} environment steps")
            algorithm.stop()
            return 0
    algorithm.stop()
    print(f"best mean return {best:.1f}")
    return 0 if arguments.target is None else 1


def compare_sampling(arguments) -> int:
    """Env-runner sampling throughput with SwiftRL environments and with RLlib's Gymnasium ones, same run."""
    figures = {}
    for gymnasium in (False, True):
        name = "Gymnasium (Python)" if gymnasium else "SwiftRL (native vector env)"
        algorithm = ppo_config(arguments.env, gymnasium, arguments.runners, arguments.envs_per_runner).build_algo()
        runners = algorithm.env_runner_group
        runners.foreach_env_runner(lambda runner: runner.sample(num_timesteps=1000), local_env_runner=False)  # warm up
        begin, steps = time.time(), 0
        while time.time() - begin < arguments.seconds:
            batches = runners.foreach_env_runner(
                lambda runner: sum(len(episode) for episode in runner.sample(num_timesteps=4000)), local_env_runner=False)
            steps += sum(batches)
        figures[name] = steps / (time.time() - begin)
        algorithm.stop()
    for name, rate in figures.items():
        print(f"{arguments.env} with {arguments.runners} env runners x {arguments.envs_per_runner} envs, {name}: {rate:,.0f} steps/s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", default=None, help="Ray cluster address ('auto' joins `ray start`'s cluster)")
    parser.add_argument("--env", default="LunarLander-v3", help="a SwiftRL id (RLlib's Gymnasium id with --gymnasium)")
    parser.add_argument("--gymnasium", action="store_true", help="RLlib's own Gymnasium environment instead")
    parser.add_argument("--runners", type=int, default=2, help="env runners (Ray actors, spread over the nodes)")
    parser.add_argument("--envs-per-runner", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--target", type=float, default=None, help="stop once the mean episode return reaches it")
    parser.add_argument("--compare-sampling", action="store_true", help="measure env-runner sampling, both kinds")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of sampling per kind (--compare-sampling)")
    arguments = parser.parse_args()
    ray.init(address=arguments.address)
    return compare_sampling(arguments) if arguments.compare_sampling else train(arguments)


if __name__ == "__main__":
    sys.exit(main())
