"""Stable-Baselines3 VecEnv over SwiftRL's native vector environment (optional: needs stable-baselines3).

    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecMonitor
    from swiftrl_envs.sb3 import SwiftRLSB3VecEnv

    envs = VecMonitor(SwiftRLSB3VecEnv("LunarLander-v3", num_envs=16, num_threads=2))
    PPO("MlpPolicy", envs).learn(1_000_000)

Steps are started with `send` in `step_async` and collected with `recv` in `step_wait` (SB3's own
asynchronous split); episodes reset in the same step, with the final observation in
info["terminal_observation"] and time-limit ends marked by info["TimeLimit.truncated"], as SB3 expects.
"""
import numpy as np
from gymnasium.vector import AutoresetMode
from stable_baselines3.common.vec_env.base_vec_env import VecEnv

from .vector import SwiftRLVectorEnv


class SwiftRLSB3VecEnv(VecEnv):
    """`num_envs` copies of `env_id`, stepped in Swift on `num_threads` threads, as an SB3 VecEnv."""

    def __init__(self, env_id: str, num_envs: int, num_threads: int = 1, **options):
        if env_id.startswith("SwiftRL/"):
            env_id = env_id[len("SwiftRL/"):]
        self.vector = SwiftRLVectorEnv(env_id, num_envs, num_threads=num_threads, autoreset_mode=AutoresetMode.SAME_STEP,
                                       copy=True, **options)
        super().__init__(num_envs, self.vector.single_observation_space, self.vector.single_action_space)
        self._next_seed = None

    def reset(self):
        observations, _ = self.vector.reset(seed=self._next_seed)
        self._next_seed = None
        return observations

    def step_async(self, actions):
        self.vector.send(np.asarray(actions).reshape(self.vector._action_shape))

    def step_wait(self):
        observations, rewards, terminated, truncated, infos = self.vector.recv()
        dones = terminated | truncated
        episode_infos = [{} for _ in range(self.num_envs)]
        if dones.any():
            for index in np.flatnonzero(dones):
                episode_infos[index]["terminal_observation"] = infos["final_obs"][index]
                episode_infos[index]["TimeLimit.truncated"] = bool(truncated[index] and not terminated[index])
        return observations, rewards.astype(np.float32), dones, episode_infos

    def seed(self, seed=None):
        self._next_seed = seed
        return [None if seed is None else seed + index for index in range(self.num_envs)]

    def close(self):
        self.vector.close()

    def get_attr(self, attr_name, indices=None):
        return [getattr(self.vector, attr_name, None) for _ in self._get_indices(indices)]

    def set_attr(self, attr_name, value, indices=None):
        raise AttributeError(f"SwiftRL environments have no settable attribute {attr_name} from SB3")

    def env_method(self, method_name, *method_args, indices=None, **method_kwargs):
        raise AttributeError(f"SwiftRL vector environments do not forward {method_name}() to their sub-environments")

    def env_is_wrapped(self, wrapper_class, indices=None):
        return [False for _ in self._get_indices(indices)]

    def _get_indices(self, indices):
        if indices is None:
            return range(self.num_envs)
        return [indices] if isinstance(indices, int) else indices
