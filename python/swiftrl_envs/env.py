"""SwiftRLEnv: one SwiftRL environment as a gymnasium.Env."""
import ctypes
import json

import gymnasium as gym
import numpy as np

from ._library import SwiftRLError, check, lib, take_json
from ._spaces import ObservationLayout, parse_info, to_gymnasium


class SwiftRLEnv(gym.Env):
    """A SwiftRL environment (`env_id`, e.g. "LunarLander-v3") behind Gymnasium's API.

    The Swift side applies the id's time limit and call-order checks, so the registered Gymnasium ids
    carry no second TimeLimit. Keyword arguments are the environment's `make` options (for example
    `continuous=False` for CarRacing-v3, `render_width=84`). Seeding is Swift's: `reset(seed=s)` gives the
    trajectory `swiftrl envs rollout <id> --seed s` prints, bit for bit.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, env_id: str, render_mode=None, **options):
        self.env_id = env_id
        self._handle = lib.swiftrl_env_make(env_id.encode(), json.dumps(options).encode(),
                                            render_mode.encode() if render_mode else None)
        if not self._handle:
            from ._library import last_error
            raise SwiftRLError(last_error())
        description = take_json(lib.swiftrl_env_spaces_json(self._handle))
        self.description = description  # the library's own account of the spaces (make_vec sizes its arrays by it)
        self.observation_space = to_gymnasium(description["observation_space"])
        self.action_space = to_gymnasium(description["action_space"])
        self.render_mode = render_mode
        self.metadata = {"render_modes": description["render_modes"], "render_fps": description["render_fps"]}
        self.reward_range = (-float("inf"), float("inf"))
        self._layout = ObservationLayout(description["observation_space"])
        self._memory = np.zeros(self._layout.bytes, dtype=np.uint8)
        self._memory_pointer = self._memory.ctypes.data_as(ctypes.c_void_p)
        action = description["action_space"]
        self._discrete_action = action["type"] == "discrete"
        self._action_size = int(np.prod(action.get("shape", [1]))) if action["type"] == "box" else 1
        self._action = np.zeros(self._action_size, dtype=np.float32)
        self._action_pointer = self._action.ctypes.data_as(ctypes.c_void_p)
        self._reward = ctypes.c_double()
        self._terminated = ctypes.c_uint8()
        self._truncated = ctypes.c_uint8()
        self._info = ctypes.c_void_p()
        # The step's output slots, referenced once here rather than on every step.
        self._step_outputs = (ctypes.byref(self._reward), ctypes.byref(self._terminated), ctypes.byref(self._truncated),
                              ctypes.byref(self._info))

    def reset(self, *, seed=None, options=None):
        if seed is not None and (not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63):
            raise SwiftRLError(f"seed must be an integer >= 0 and below 2**63, got {seed!r}")
        super().reset(seed=seed)
        self._require_open()
        options_text = json.dumps(options).encode() if options else None
        check(lib.swiftrl_env_reset(self._handle, int(seed or 0), int(seed is not None), options_text, self._memory_pointer,
                                    ctypes.byref(self._info)))
        return self._layout.read(self._memory), parse_info(take_json(self._info.value))

    def step(self, action):
        self._require_open()
        if self._discrete_action:
            try:
                index, pointer, count = int(np.asarray(action).item()), None, 0
            except (TypeError, ValueError):
                raise SwiftRLError(f"{self.env_id} takes one integer action in {self.action_space}, got {action!r}") from None
            if not -2**63 <= index < 2**63:
                # Past 64 bits the index would wrap to another, valid action on its way to Swift.
                raise SwiftRLError(f"action {index} is outside the action space {self.action_space}")
        else:
            index = 0
            values = np.asarray(action, dtype=np.float32).reshape(-1)
            if values.size == self._action_size:
                self._action[:] = values
                pointer, count = self._action_pointer, self._action_size
            else:
                # A wrong length goes to the Swift side as it is, which names the problem with the exact space.
                values = np.ascontiguousarray(values)
                pointer, count = values.ctypes.data_as(ctypes.c_void_p), values.size
        status = lib.swiftrl_env_step(self._handle, index, pointer, count, self._memory_pointer, *self._step_outputs)
        check(status)
        return (self._layout.read(self._memory), self._reward.value, bool(self._terminated.value), bool(self._truncated.value),
                parse_info(take_json(self._info.value)))

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        self._require_open()
        pixels, width, height = ctypes.c_void_p(), ctypes.c_int32(), ctypes.c_int32()
        check(lib.swiftrl_env_render(self._handle, ctypes.byref(pixels), ctypes.byref(width), ctypes.byref(height)))
        size = width.value * height.value * 3
        return np.frombuffer(ctypes.string_at(pixels.value, size), dtype=np.uint8).reshape(height.value, width.value, 3)

    def close(self):
        if getattr(self, "_handle", None):
            lib.swiftrl_env_free(self._handle)
            self._handle = None

    def _require_open(self):
        if not self._handle:
            raise SwiftRLError(f"{self.env_id} was used after close: make a new environment")

    def __del__(self):
        self.close()
