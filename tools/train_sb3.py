"""Stable-Baselines3 PPO on SwiftRL environments through the native vector environment, then an
evaluation on the Gymnasium environment (SwiftRL/<id>). SB3 is not a dependency of SwiftRL: this runs
in the benchmark environment (tools/bench-python makes .bench-venv; add stable-baselines3 to it).

Usage: python tools/train_sb3.py CartPole-v1 | LunarLander-v3 [--steps N] [--seed S]
Hyperparameters: RL Baselines3 Zoo's tuned PPO settings for these tasks.
"""
import argparse
import platform
import time

import gymnasium as gym
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import VecMonitor

import swiftrl_envs  # noqa: F401  (registers SwiftRL/<id>)
from swiftrl_envs.sb3 import SwiftRLSB3VecEnv

# RL Baselines3 Zoo (hyperparams/ppo.yml): CartPole-v1 and LunarLander-v2.
SETTINGS = {
    "CartPole-v1": dict(num_envs=8, steps=100_000, ppo=dict(n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20,
                                                             ent_coef=0.0, learning_rate=lambda p: 1e-3 * p, clip_range=lambda p: 0.2 * p)),
    "LunarLander-v3": dict(num_envs=16, steps=1_000_000, ppo=dict(n_steps=1024, batch_size=64, gae_lambda=0.98, gamma=0.999,
                                                                  n_epochs=4, ent_coef=0.01)),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("env_id", choices=sorted(SETTINGS))
    parser.add_argument("--steps", type=int)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    settings = SETTINGS[arguments.env_id]
    torch.set_num_threads(1)
    envs = VecMonitor(SwiftRLSB3VecEnv(arguments.env_id, num_envs=settings["num_envs"], num_threads=1))
    envs.seed(arguments.seed)
    model = PPO("MlpPolicy", envs, seed=arguments.seed, verbose=0, device="cpu", **settings["ppo"])
    steps = arguments.steps or settings["steps"]
    start = time.perf_counter()
    model.learn(total_timesteps=steps)
    seconds = time.perf_counter() - start
    evaluation = gym.make(f"SwiftRL/{arguments.env_id}")
    mean, std = evaluate_policy(model, evaluation, n_eval_episodes=20, deterministic=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"SB3 PPO on SwiftRL/{arguments.env_id}: {steps} steps in {seconds:.0f} s ({steps / seconds:,.0f} steps/s, {cpu}); "
          f"evaluation over 20 episodes (deterministic): {mean:.1f} +- {std:.1f}")


if __name__ == "__main__":
    main()
