"""Writes Tests/GridWorldsTests/Fixtures/minigrid_empty.json: Minigrid 3.2's egocentric 7x7x3 images and
rewards for fixed action sequences in MiniGrid-Empty-8x8-v0 and MiniGrid-Empty-5x5-v0 (fixed layouts,
so SwiftRL's EmptyRoom must reproduce them exactly).

Usage: .peers-venv/bin/python tools/make_grid_fixtures.py   (needs minigrid)"""
import json
import pathlib
import gymnasium as gym
import minigrid  # noqa: F401

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/GridWorldsTests/Fixtures/minigrid_empty.json"
cases = []
for env_id, actions in [("MiniGrid-Empty-8x8-v0", [2, 2, 1, 2, 2, 0, 2, 1, 1, 2, 0, 2, 2, 2, 1, 2, 2, 2, 2]),
                        ("MiniGrid-Empty-5x5-v0", [1, 2, 0, 2, 1, 2, 0, 0, 0, 2, 1, 1, 2, 2, 0, 2, 2])]:
    env = gym.make(env_id)
    obs, _ = env.reset(seed=0)
    images, rewards, terminated = [obs["image"].tolist()], [], []
    for action in actions:
        obs, reward, term, trunc, _ = env.step(action)
        images.append(obs["image"].tolist())
        rewards.append(float(reward))
        terminated.append(bool(term))
        if term or trunc:
            break
    cases.append({"id": env_id, "actions": actions[:len(rewards)], "images": images, "rewards": rewards, "terminated": terminated})
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"generator": "tools/make_grid_fixtures.py", "minigrid": minigrid.__version__, "cases": cases}, separators=(",", ":")))
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
for case in cases:
    print(case["id"], len(case["rewards"]), "steps, rewards", case["rewards"][-3:], "terminated", case["terminated"][-1])
