"""SwiftRL's native environments from Python.

    import gymnasium as gym
    import swiftrl_envs                      # registers SwiftRL/<id> for every environment of the library

    env = gym.make("SwiftRL/LunarLander-v3")
    envs = swiftrl_envs.make_vec("LunarLander-v3", num_envs=16, num_threads=2)   # batched in Swift

The environments run in libswiftrl_envs.so (built by `swift build -c release --product swiftrl_envs`).
"""
import gymnasium as gym

from ._library import SwiftRLError, library_path, registry
from .env import SwiftRLEnv
from .vector import SwiftRLVectorEnv, make_vec

__all__ = ["SwiftRLEnv", "SwiftRLVectorEnv", "SwiftRLError", "make_vec", "registry", "ids", "library_path", "register_environments"]
__version__ = "0.2.0"


def ids():
    """The ids of the library's environments (without the SwiftRL/ namespace)."""
    return [entry["id"] for entry in registry()]


def register_environments():
    """Registers SwiftRL/<id> with Gymnasium for every environment the library knows (done on import)."""
    for entry in registry():
        name = f"SwiftRL/{entry['id']}"
        if name in gym.registry:
            continue
        # The Swift environment applies its own time limit and order checks.
        gym.register(id=name, entry_point="swiftrl_envs.env:SwiftRLEnv", kwargs={"env_id": entry["id"]},
                     reward_threshold=entry["reward_threshold"], max_episode_steps=None, order_enforce=False,
                     vector_entry_point="swiftrl_envs.vector:make_vec")


register_environments()
