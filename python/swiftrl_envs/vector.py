"""SwiftRLVectorEnv: many SwiftRL environments stepped as one batch in Swift, behind Gymnasium's VectorEnv."""
import ctypes
import json

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from ._library import SwiftRLError, check, last_error, lib, take_json
from ._spaces import parse_info

_MODES = {AutoresetMode.NEXT_STEP: 0, AutoresetMode.SAME_STEP: 1, AutoresetMode.DISABLED: 2}



# The most sub-environments and stepping threads one vector environment takes (the native library's
# limits: 10^8 environments would otherwise be made one by one until memory ran out).
MAX_NUM_ENVS = 65536
MAX_NUM_THREADS = 256

class SwiftRLVectorEnv(VectorEnv):
    """`num_envs` copies of `env_id` stepped in Swift on up to `num_threads` threads (steps too cheap to
    gain from a second core, e.g. a few CartPoles, stay on the calling thread: chosen by measurement).

    The Swift side writes observations straight into this object's NumPy arrays, and rewards and
    flags into its arrays beside them: a step makes no Python objects per environment. With
    `copy=True` (Gymnasium's default) each step returns fresh arrays; with `copy=False` it returns the
    same arrays, overwritten by the next step (fastest, EnvPool-like). `send(actions)` starts a step and
    returns at once; `recv()` waits for it (EnvPool's asynchronous API). `return_infos=True` adds each
    environment's info (slower: one JSON decode per environment and step).
    """

    def __init__(self, env_id: str, num_envs: int, num_threads: int = 1, autoreset_mode=AutoresetMode.NEXT_STEP,
                 copy: bool = True, return_infos: bool = False, **options):
        if isinstance(autoreset_mode, str):
            autoreset_mode = AutoresetMode(autoreset_mode)
        if autoreset_mode not in _MODES:
            raise SwiftRLError(f"autoreset_mode must be one of {list(_MODES)}, got {autoreset_mode!r}")
        if not isinstance(num_envs, (int, np.integer)) or not 1 <= num_envs <= MAX_NUM_ENVS:
            raise SwiftRLError(f"num_envs must be an integer in 1..{MAX_NUM_ENVS}, got {num_envs!r}")
        if not isinstance(num_threads, (int, np.integer)) or not 1 <= num_threads <= MAX_NUM_THREADS:
            raise SwiftRLError(f"num_threads must be an integer in 1..{MAX_NUM_THREADS}, got {num_threads!r}")
        self.env_id = env_id
        self.num_envs = int(num_envs)
        self.copy = copy
        self.return_infos = return_infos
        self.autoreset_mode = autoreset_mode
        # The spaces come from one probe environment, so that the arrays can be made first.
        from .env import SwiftRLEnv
        probe = SwiftRLEnv(env_id, **options)
        self.single_observation_space = probe.observation_space
        self.single_action_space = probe.action_space
        description = probe.description
        probe.close()
        if description["observation_space"]["type"] in ("dict", "tuple"):
            raise SwiftRLError(f"{env_id} has {self.single_observation_space} observations: the vector environment takes spaces "
                               "without entries; use gymnasium.make_vec(..., vectorization_mode='sync') for it")
        space = self.single_observation_space
        dtype = np.uint8 if description["observation_space"].get("dtype") == "uint8" else np.float32
        storage_shape = (self.num_envs,) + (space.shape if space.shape else ())
        self._observations = np.zeros(storage_shape, dtype=dtype)
        self._final_observations = np.zeros(storage_shape, dtype=dtype)
        self._rewards = np.zeros(self.num_envs, dtype=np.float64)
        self._terminated = np.zeros(self.num_envs, dtype=np.uint8)
        self._truncated = np.zeros(self.num_envs, dtype=np.uint8)
        self._has_final = np.zeros(self.num_envs, dtype=np.uint8)
        self._discrete = description["action_space"]["type"] == "discrete"
        self._action_shape = (self.num_envs,) if self._discrete else (self.num_envs,) + self.single_action_space.shape
        self._actions = np.zeros(self._action_shape, dtype=np.int64 if self._discrete else np.float32)
        same_step = autoreset_mode == AutoresetMode.SAME_STEP
        pointer = lambda array: array.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
        self._handle = lib.swiftrl_vec_make(
            env_id.encode(), json.dumps(options).encode(), self.num_envs, int(num_threads), _MODES[autoreset_mode],
            pointer(self._observations), pointer(self._rewards), pointer(self._terminated), pointer(self._truncated),
            pointer(self._final_observations) if same_step else None, pointer(self._has_final) if same_step else None)
        if not self._handle:
            raise SwiftRLError(last_error())
        self._actions_pointer = pointer(self._actions)
        # Views made once: the flags as booleans over the bytes Swift writes.
        self._terminated_view = self._terminated.view(np.bool_)
        self._truncated_view = self._truncated.view(np.bool_)
        self._same_step = same_step
        self._action_dtype = self._actions.dtype
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.metadata = {"autoreset_mode": autoreset_mode, "render_modes": []}
        self.render_mode = None
        self.closed = False
        self._pending = False

    def reset(self, *, seed=None, options=None):
        self._require_open()
        if options:
            raise SwiftRLError("reset options are not supported by the vector environment: pass make options to make_vec")
        if seed is not None and not isinstance(seed, (int, np.integer)):
            # Gymnasium's list of seeds, one per environment (None: unseeded).
            seeds = list(seed)
            if len(seeds) != self.num_envs or not all(
                    s is None or (isinstance(s, (int, np.integer)) and 0 <= s < 2**63) for s in seeds):
                raise SwiftRLError(f"seed as a list needs {self.num_envs} integers in 0..2**63-1 (or None), got {seed!r}")
            for index, value in enumerate(seeds):
                check(lib.swiftrl_vec_reset_one(self._handle, index, int(value or 0), int(value is not None)))
            self._pending = False
            return self._observations_out(), self._infos(reset=True)
        if seed is not None and not 0 <= seed < 2**63 - self.num_envs:
            raise SwiftRLError(f"seed must be an integer in 0..2**63-1-num_envs (environment i gets seed + i), got {seed!r}")
        check(lib.swiftrl_vec_reset(self._handle, int(seed or 0), int(seed is not None)))
        self._pending = False
        return self._observations_out(), self._infos(reset=True)

    def reset_one(self, index: int, seed=None):
        """Resets environment `index` (for autoreset_mode DISABLED); its row of observations changes."""
        self._require_open()
        check(lib.swiftrl_vec_reset_one(self._handle, int(index), int(seed or 0), int(seed is not None)))
        return self._observations[index].copy()

    def step(self, actions):
        self._require_open()
        self._load_actions(actions)
        check(lib.swiftrl_vec_step(self._handle, self._actions_pointer))
        return self._results()

    def send(self, actions):
        """Starts a step with `actions` and returns at once; `recv()` gives its results."""
        self._require_open()
        self._load_actions(actions)
        check(lib.swiftrl_vec_send(self._handle, self._actions_pointer))
        self._pending = True

    def recv(self):
        """Waits for the step `send` started; returns (observations, rewards, terminations, truncations, infos)."""
        self._require_open()
        if not self._pending:
            raise SwiftRLError("recv() without send(actions): start a step with send first")
        self._pending = False
        check(lib.swiftrl_vec_recv(self._handle))
        return self._results()

    def close_extras(self, **kwargs):
        if getattr(self, "_handle", None):
            lib.swiftrl_vec_free(self._handle)
            self._handle = None

    def _load_actions(self, actions):
        # The common case first: an array of the right shape and dtype is copied into the arrays Swift reads.
        if actions.__class__ is np.ndarray and actions.dtype == self._action_dtype and actions.shape == self._action_shape:
            np.copyto(self._actions, actions)
            return
        values = np.asarray(actions)
        if values.shape != self._action_shape:
            raise SwiftRLError(f"{self.env_id} x {self.num_envs} takes actions of shape {self._action_shape}, got shape {values.shape}")
        if self._discrete and values.dtype.kind not in "iu":
            if not np.all(np.equal(np.mod(values, 1), 0)):
                raise SwiftRLError(f"{self.env_id} takes integer actions, got {values.dtype} values {values}")
        self._actions[...] = values

    def _observations_out(self):
        return self._observations.copy() if self.copy else self._observations

    def _results(self):
        infos = self._infos() if self.return_infos or self._same_step else {}
        if self.copy:
            return (self._observations.copy(), self._rewards.copy(), self._terminated_view.copy(), self._truncated_view.copy(),
                    infos)
        return self._observations, self._rewards, self._terminated_view, self._truncated_view, infos

    def _infos(self, reset=False):
        infos = {}
        if self.return_infos:
            for index in range(self.num_envs):
                info = parse_info(take_json(lib.swiftrl_vec_info_json(self._handle, index)))
                info.pop("final_obs", None)
                info.pop("final_info", None)
                infos = self._add_info(infos, info, index)
        if not reset and self.autoreset_mode == AutoresetMode.SAME_STEP and self._has_final.any():
            mask = self._has_final.view(np.bool_).copy()
            final = np.empty(self.num_envs, dtype=object)
            for index in np.flatnonzero(mask):
                final[index] = self._final_observations[index].copy()
            infos["final_obs"], infos["_final_obs"] = final, mask
        return infos

    def _require_open(self):
        if not getattr(self, "_handle", None):
            raise SwiftRLError(f"the {self.env_id} vector environment was used after close: make a new one")


def make_vec(env_id: str, num_envs: int = 1, num_threads: int = 1, autoreset_mode=AutoresetMode.NEXT_STEP, **kwargs):
    """SwiftRL's native vector environment for `env_id` (see SwiftRLVectorEnv); keyword arguments are
    `copy`, `return_infos` and the environment's make options."""
    if env_id.startswith("SwiftRL/"):
        env_id = env_id[len("SwiftRL/"):]
    return SwiftRLVectorEnv(env_id, num_envs, num_threads=num_threads, autoreset_mode=autoreset_mode, **kwargs)
