"""The Gymnasium environments: check_env on every id, bit-exact trajectories against the swiftrl CLI,
rendering, and errors that carry the Swift message."""
import json

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import swiftrl_envs
from swiftrl_envs import SwiftRLError

from conftest import run_swiftrl

ALL_IDS = swiftrl_envs.ids()


def test_every_library_id_is_registered_with_gymnasium():
    assert len(ALL_IDS) >= 40
    for env_id in ALL_IDS:
        assert f"SwiftRL/{env_id}" in gym.registry


@pytest.mark.parametrize("env_id", ALL_IDS)
def test_gymnasium_check_env_passes(env_id):
    env = gym.make(f"SwiftRL/{env_id}")
    try:
        check_env(env.unwrapped, skip_render_check=True)
    finally:
        env.close()


@pytest.mark.parametrize("env_id,steps", [("CartPole-v1", 60), ("Pendulum-v1", 40), ("Acrobot-v1", 40), ("LunarLander-v3", 80),
                                          ("LunarLanderContinuous-v3", 60), ("BipedalWalker-v3", 40), ("MountainCarContinuous-v0", 30),
                                          ("FourRooms-v0", 30), ("CartpoleSwingup-v0", 30)])
def test_seeded_trajectories_equal_the_cli_rollout_bit_for_bit(env_id, steps):
    env = gym.make(f"SwiftRL/{env_id}")
    generator = np.random.default_rng(7)
    space = env.action_space
    if isinstance(space, gym.spaces.Discrete):
        actions = [int(generator.integers(space.start, space.start + space.n)) for _ in range(steps)]
    else:
        actions = [np.round(generator.uniform(space.low, space.high), 3).astype(np.float32).tolist() for _ in range(steps)]
    expected = json.loads(run_swiftrl("envs", "rollout", env_id, "--seed", "11", "--steps", str(steps), "--actions", json.dumps(actions),
                                      "--json"))
    observation, _ = env.reset(seed=11)
    observations, rewards, terminated, truncated = [observation], [], [], []
    for action in actions:
        observation, reward, done, cut, _ = env.step(action)
        observations.append(observation)
        rewards.append(reward)
        terminated.append(done)
        truncated.append(cut)
        if done or cut:
            observation, _ = env.reset()  # the CLI lists this start under "resets"
    env.close()
    flat = [np.asarray(o, dtype=np.float32).reshape(-1) for o in observations]
    cli = [np.asarray(o, dtype=np.float32).reshape(-1) for o in expected["observations"]]
    assert len(flat) == len(cli)
    for index, (ours, theirs) in enumerate(zip(flat, cli)):
        assert np.array_equal(ours, theirs), f"observation {index} differs"
    assert rewards == expected["rewards"]
    assert terminated == expected["terminated"] and truncated == expected["truncated"]


def test_rendering_gives_rgb_frames_at_the_asked_size():
    env = gym.make("SwiftRL/CartPole-v1", render_mode="rgb_array", render_width=120, render_height=80)
    env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (80, 120, 3) and frame.dtype == np.uint8 and frame.std() > 0
    env.close()


def test_pixel_observations_are_uint8_images():
    env = gym.make("SwiftRL/CartpoleSwingup-pixels-v0")
    observation, _ = env.reset(seed=0)
    assert observation.shape == (9, 84, 84) and observation.dtype == np.uint8
    observation, *_ = env.step(env.action_space.sample())
    assert env.observation_space.contains(observation)
    env.close()


def test_dm_control_tasks_take_dmc2gym_options_as_make_keywords():
    env = gym.make("SwiftRL/CartpoleSwingup-v0", action_repeat=2)
    env.reset(seed=0)
    steps, truncated = 0, False
    while not truncated:
        _, _, terminated, truncated, _ = env.step(np.zeros(1, dtype=np.float32))
        steps += 1
        assert not terminated
    assert steps == 500  # dm_control's 1000 control steps at action repeat 2
    env.close()
    pixels = gym.make("SwiftRL/ReacherEasy-v0", from_pixels=True, height=64, width=64)
    assert pixels.observation_space.shape == (9, 64, 64)
    pixels.close()
    with pytest.raises(SwiftRLError, match="camera 0 only"):
        gym.make("SwiftRL/PendulumSwingup-pixels-v0", camera_id=1)


def test_goal_environments_have_dict_observations_and_success_infos():
    env = gym.make("SwiftRL/FourRooms-Goal-v0")
    observation, _ = env.reset(seed=0)
    assert set(observation) >= {"observation", "achieved_goal", "desired_goal"}
    assert env.observation_space.contains(observation)
    *_, info = env.step(0)
    assert "is_success" in info
    env.close()


def test_bad_input_raises_python_exceptions_with_the_swift_message():
    env = gym.make("SwiftRL/LunarLanderContinuous-v3")
    env.reset(seed=0)
    with pytest.raises(SwiftRLError, match="2"):
        env.step(np.zeros(3, dtype=np.float32))  # wrong length
    with pytest.raises(SwiftRLError, match="nan|NaN"):
        env.step(np.array([np.nan, 0.0], dtype=np.float32))
    with pytest.raises(ValueError):
        env.step("up")
    discrete = gym.make("SwiftRL/CartPole-v1")
    discrete.reset(seed=0)
    with pytest.raises(SwiftRLError, match="Discrete"):
        discrete.step(5)
    with pytest.raises(SwiftRLError):
        discrete.step([0, 1])
    with pytest.raises(SwiftRLError, match="did you mean 'CartPole-v1'"):
        swiftrl_envs.SwiftRLEnv("CartPoel-v1")
    with pytest.raises(SwiftRLError, match="unknown option"):
        swiftrl_envs.SwiftRLEnv("CartPole-v1", gravity_typo=3)
    with pytest.raises(SwiftRLError, match="negative|>= 0"):
        discrete.reset(seed=-1)
    discrete.close()
    with pytest.raises(SwiftRLError, match="after close"):
        discrete.unwrapped.step(0)


def test_a_missing_library_names_the_build_command(monkeypatch, tmp_path):
    from swiftrl_envs import _library
    monkeypatch.setattr(_library, "_candidates", lambda: iter([tmp_path / "libswiftrl_envs.so"]))
    with pytest.raises(ImportError, match="swift build -c release --product swiftrl_envs"):
        _library._load()


def test_integers_past_64_bits_are_refused_not_wrapped():
    env = gym.make("SwiftRL/CartPole-v1")
    env.reset(seed=0)
    with pytest.raises(SwiftRLError, match="outside the action space"):
        env.step(2**64)
    with pytest.raises(SwiftRLError, match="seed"):
        env.reset(seed=2**70)
    env.close()

