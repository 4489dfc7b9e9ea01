"""Writes Tests/ClassicControlTests/Fixtures/gymnasium_frames.json: Gymnasium's rgb_array frames of the
classic-control environments in fixed states, averaged over 10x10 blocks (60x40 or 50x50 thumbnails),
which the Swift tests compare with SwiftRL's own frames of the same states.

Usage: .peers-venv/bin/python tools/make_render_fixtures.py   (needs gymnasium and pygame)"""
import json
import pathlib
import gymnasium as gym
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/ClassicControlTests/Fixtures/gymnasium_frames.json"
CASES = [
    ("CartPole-v1", [0.3, 0.0, 0.15, 0.0]),
    ("CartPole-v1", [-1.5, 0.0, -0.2, 0.0]),
    ("Pendulum-v1", [0.7, 0.0]),
    ("Pendulum-v1", [2.8, 0.0]),
    ("Acrobot-v1", [0.4, -0.9, 0.0, 0.0]),
    ("MountainCar-v0", [-0.9, 0.0]),
    ("MountainCarContinuous-v0", [0.2, 0.0]),
]
frames = []
for env_id, state in CASES:
    env = gym.make(env_id, render_mode="rgb_array").unwrapped
    env.reset(seed=0)
    env.state = np.array(state, dtype=np.float64)
    if env_id == "Pendulum-v1":
        env.last_u = None
    frame = env.render().astype(np.float64)
    h, w, _ = frame.shape
    thumb = frame.reshape(h // 10, 10, w // 10, 10, 3).mean(axis=(1, 3))
    frames.append({"id": env_id, "state": state, "width": w, "height": h,
                   "thumbnail": [int(round(v)) for v in thumb.reshape(-1)]})
    env.close()
OUT.write_text(json.dumps({"generator": "tools/make_render_fixtures.py", "gymnasium": gym.__version__, "block": 10,
                           "frames": frames}, separators=(",", ":")))
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(frames)} frames)")
