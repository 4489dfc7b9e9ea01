"""Environments a package registers in its own library (Examples/CustomEnvironment's
libcustom_envs_python.so) reach Gymnasium beside the bundled ones, and SB3 drives the vector env."""
import os
import subprocess
import sys

import pytest

from conftest import REPOSITORY

EXAMPLE_LIBRARY = REPOSITORY / "Examples" / "CustomEnvironment" / ".build" / "release" / "libcustom_envs_python.so"

SCRIPT = """
import gymnasium as gym, numpy as np, swiftrl_envs
from gymnasium.utils.env_checker import check_env
assert "Corridor-v0" in swiftrl_envs.ids() and "CartPole-v1" in swiftrl_envs.ids()
env = gym.make("SwiftRL/Corridor-v0")
check_env(env.unwrapped)
observation, _ = env.reset(seed=0)
for _ in range(9):
    observation, reward, terminated, truncated, _ = env.step(1)
assert terminated and reward == 1.0 and observation[0] == 9.0
envs = swiftrl_envs.make_vec("PointReach-v0", num_envs=4, num_threads=2)
observations, _ = envs.reset(seed=1)
assert observations.shape == (4, 4)
print("ok")
"""


def test_a_packages_own_environments_are_gymnasium_environments():
    if not EXAMPLE_LIBRARY.is_file():
        pytest.skip(f"{EXAMPLE_LIBRARY} is not built (swift build -c release --package-path Examples/CustomEnvironment)")
    environment = dict(os.environ, SWIFTRL_ENVS_LIBRARY=str(EXAMPLE_LIBRARY))
    completed = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=environment, check=False)
    assert completed.returncode == 0 and completed.stdout.strip() == "ok", completed.stderr


def test_a_missing_library_named_by_the_variable_is_an_import_error():
    environment = dict(os.environ, SWIFTRL_ENVS_LIBRARY="/nonexistent/libswiftrl_envs.so")
    completed = subprocess.run([sys.executable, "-c", "import swiftrl_envs"], capture_output=True, text=True, env=environment,
                               check=False)
    assert completed.returncode != 0 and "does not exist" in completed.stderr


def test_stable_baselines3_learns_through_the_vector_env():
    pytest.importorskip("stable_baselines3", reason="stable-baselines3 is optional (pip install ./python[sb3])")
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecMonitor
    from swiftrl_envs.sb3 import SwiftRLSB3VecEnv
    envs = VecMonitor(SwiftRLSB3VecEnv("CartPole-v1", num_envs=4))
    model = PPO("MlpPolicy", envs, n_steps=64, batch_size=64, seed=0, device="cpu")
    model.learn(total_timesteps=512)
    envs.close()
