"""The native vector environment: Gymnasium's VectorEnv API, the three autoreset modes, threads,
send/recv, zero-copy arrays, and bad input."""
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

import swiftrl_envs
from swiftrl_envs import SwiftRLError


def single_trajectories(env_id, num_envs, seed, actions):
    """What independent Gymnasium environments give for the same seeds and actions (next-step autoreset)."""
    envs = [gym.make(f"SwiftRL/{env_id}") for _ in range(num_envs)]
    observations = [env.reset(seed=seed + index)[0] for index, env in enumerate(envs)]
    needs_reset = [False] * num_envs
    steps = []
    for batch in actions:
        rows = []
        for index, env in enumerate(envs):
            if needs_reset[index]:
                observation, _ = env.reset()
                rows.append((observation, 0.0, False, False))
                needs_reset[index] = False
                continue
            observation, reward, terminated, truncated, _ = env.step(batch[index])
            needs_reset[index] = terminated or truncated
            rows.append((observation, reward, terminated, truncated))
        steps.append(rows)
    return observations, steps


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("env_id", ["CartPole-v1", "LunarLander-v3", "Pendulum-v1"])
def test_the_vector_env_equals_independent_environments(env_id, threads):
    envs = swiftrl_envs.make_vec(env_id, num_envs=5, num_threads=threads)
    assert isinstance(envs, gym.vector.VectorEnv) and envs.num_envs == 5
    generator = np.random.default_rng(0)
    actions = [envs.action_space.sample() if False else
               (generator.integers(0, envs.single_action_space.n, 5) if isinstance(envs.single_action_space, gym.spaces.Discrete)
                else generator.uniform(-1, 1, (5,) + envs.single_action_space.shape).astype(np.float32)) for _ in range(120)]
    starts, expected = single_trajectories(env_id, 5, 3, actions)
    observations, _ = envs.reset(seed=3)
    assert np.array_equal(observations, np.stack(starts))
    for batch, rows in zip(actions, expected):
        observations, rewards, terminated, truncated, _ = envs.step(batch)
        assert np.array_equal(observations, np.stack([row[0] for row in rows]))
        assert rewards.tolist() == [row[1] for row in rows]
        assert terminated.tolist() == [row[2] for row in rows] and truncated.tolist() == [row[3] for row in rows]
    envs.close()


def test_same_step_autoreset_returns_the_final_observation_in_infos():
    envs = swiftrl_envs.make_vec("CartPole-v1", num_envs=3, autoreset_mode=AutoresetMode.SAME_STEP)
    assert envs.metadata["autoreset_mode"] == AutoresetMode.SAME_STEP
    envs.reset(seed=0)
    seen_final = False
    for _ in range(200):
        observations, _, terminated, truncated, infos = envs.step(np.zeros(3, dtype=np.int64))  # always left: falls fast
        done = terminated | truncated
        if done.any():
            seen_final = True
            assert infos["_final_obs"].tolist() == done.tolist()
            for index in np.flatnonzero(done):
                final = infos["final_obs"][index]
                assert abs(final[2]) > 0.2 or abs(final[0]) > 2.4  # the pole fell or the cart left
                assert abs(observations[index][2]) < 0.05  # the row already holds the new episode's start
    assert seen_final


def test_disabled_autoreset_leaves_ended_environments_to_the_caller():
    envs = swiftrl_envs.make_vec("CartPole-v1", num_envs=2, autoreset_mode=AutoresetMode.DISABLED)
    envs.reset(seed=0)
    for _ in range(100):
        _, _, terminated, truncated, _ = envs.step(np.zeros(2, dtype=np.int64))
        if (terminated | truncated).any():
            break
    index = int(np.flatnonzero(terminated | truncated)[0])
    with pytest.raises(SwiftRLError, match="reset"):
        envs.step(np.zeros(2, dtype=np.int64))
    start = envs.reset_one(index, seed=5)
    assert abs(start[2]) < 0.05


def test_send_and_recv_give_what_step_gives():
    stepped = swiftrl_envs.make_vec("LunarLander-v3", num_envs=4, num_threads=2)
    sent = swiftrl_envs.make_vec("LunarLander-v3", num_envs=4, num_threads=2)
    stepped.reset(seed=1)
    sent.reset(seed=1)
    generator = np.random.default_rng(1)
    for _ in range(50):
        actions = generator.integers(0, 4, 4)
        expected = stepped.step(actions)
        sent.send(actions)
        actions[:] = 0  # the actions were copied by send
        received = sent.recv()
        for ours, theirs in zip(received[:4], expected[:4]):
            assert np.array_equal(ours, theirs)
    with pytest.raises(SwiftRLError, match="send"):
        sent.recv()


def test_copy_false_returns_the_arrays_swift_writes_into():
    envs = swiftrl_envs.make_vec("CartPole-v1", num_envs=4, copy=False)
    first, _ = envs.reset(seed=0)
    second, *_ = envs.step(np.ones(4, dtype=np.int64))
    assert first is second and second.flags["C_CONTIGUOUS"]
    copied = swiftrl_envs.make_vec("CartPole-v1", num_envs=4)
    a, _ = copied.reset(seed=0)
    b, *_ = copied.step(np.ones(4, dtype=np.int64))
    assert a is not b


def test_pixel_observations_batch_as_uint8():
    envs = swiftrl_envs.make_vec("CartpoleSwingup-pixels-v0", num_envs=2)
    observations, _ = envs.reset(seed=0)
    assert observations.shape == (2, 9, 84, 84) and observations.dtype == np.uint8
    envs.step(np.zeros((2, 1), dtype=np.float32))


def test_bad_input_is_a_python_exception():
    envs = swiftrl_envs.make_vec("CartPole-v1", num_envs=3)
    envs.reset(seed=0)
    with pytest.raises(SwiftRLError, match=r"shape \(3,\)"):
        envs.step(np.zeros(2, dtype=np.int64))
    with pytest.raises(SwiftRLError, match="Discrete|outside|invalid"):
        envs.step(np.array([0, 1, 7]))
    with pytest.raises(SwiftRLError, match="integer"):
        envs.step(np.array([0.5, 1, 0]))
    with pytest.raises(SwiftRLError, match="num_envs"):
        swiftrl_envs.make_vec("CartPole-v1", num_envs=0)
    with pytest.raises(SwiftRLError, match=r"num_envs must be an integer in 1\.\.65536"):
        swiftrl_envs.make_vec("CartPole-v1", num_envs=10**8)
    with pytest.raises(SwiftRLError, match="num_threads"):
        swiftrl_envs.make_vec("CartPole-v1", num_envs=2, num_threads=10**6)
    with pytest.raises(SwiftRLError, match="Dict|entries"):
        swiftrl_envs.make_vec("FourRooms-Goal-v0", num_envs=2)
    with pytest.raises(SwiftRLError, match="registered ids"):
        swiftrl_envs.make_vec("Nope-v0", num_envs=2)
    envs.close()
    with pytest.raises(SwiftRLError, match="after close"):
        envs.step(np.zeros(3, dtype=np.int64))


def test_gymnasium_make_vec_uses_the_native_vector_env():
    envs = gym.make_vec("SwiftRL/CartPole-v1", num_envs=3, vectorization_mode="vector_entry_point")
    assert isinstance(envs, swiftrl_envs.SwiftRLVectorEnv)
    envs.close()


def test_a_list_of_seeds_seeds_each_environment_as_gymnasium_does():
    envs = swiftrl_envs.make_vec("CartPole-v1", num_envs=3)
    listed, _ = envs.reset(seed=[7, 8, 9])
    consecutive, _ = envs.reset(seed=7)  # environment i gets 7 + i
    np.testing.assert_array_equal(listed, consecutive)
    other, _ = envs.reset(seed=[9, 8, 7])
    np.testing.assert_array_equal(other[0], consecutive[2])
    np.testing.assert_array_equal(other[2], consecutive[0])
    envs.reset(seed=[1, None, 3])
    for bad in ([1, 2], [1, 2, -3], [1, 2, 2**70], 2**70):
        with pytest.raises(SwiftRLError, match="seed"):
            envs.reset(seed=bad)
    envs.close()

