#!/usr/bin/env python3
"""Writes Tests/PixelControlTests/Fixtures/dm_control_frames.json: dm_control's 84x84 camera-0 frames of
cartpole swingup, reacher easy and pendulum swingup at a few states (velocities zero), which
PixelControl's scenes are compared with (DMControlFrameTests), and where one body appears in each frame
(the centroid of its pixels in MuJoCo's segmentation: the cart, the pendulum's mass, the reacher's target).

    python3 -m venv .dmc-venv && .dmc-venv/bin/pip install dm_control
    MUJOCO_GL=egl .dmc-venv/bin/python tools/make_dm_control_frames.py
"""
import base64
import json
import os

import numpy as np
from dm_control import suite

OUTPUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "PixelControlTests", "Fixtures", "dm_control_frames.json")
SIZE = 84
STATES = {
    "cartpole": [[0.0, 3.14159], [0.5, 0.7], [-1.2, -2.0]],
    "reacher": [[0.0, 0.0], [0.5, 1.0], [-2.0, -1.5]],
    "pendulum": [[3.14159], [0.7], [-2.0]],
}


CENTROID_GEOMS = {"cartpole": "cart", "reacher": "target", "pendulum": "mass"}


def main():
    import mujoco
    frames = {"mujoco": mujoco.__version__, "size": SIZE, "frames": []}
    for domain, task in [("cartpole", "swingup"), ("reacher", "easy"), ("pendulum", "swingup")]:
        env = suite.load(domain, task, task_kwargs={"random": 0})
        env.reset()
        physics = env.physics
        for qpos in STATES[domain]:
            physics.data.qpos[:] = qpos
            physics.data.qvel[:] = 0
            physics.forward()
            image = physics.render(SIZE, SIZE, camera_id=0)
            segmentation = physics.render(SIZE, SIZE, camera_id=0, segmentation=True)
            geom = physics.model.geom(CENTROID_GEOMS[domain]).id
            rows, columns = np.nonzero((segmentation[:, :, 0] == geom) & (segmentation[:, :, 1] == int(mujoco.mjtObj.mjOBJ_GEOM)))
            entry = {"domain": domain, "qpos": qpos, "rgb": base64.b64encode(image.astype(np.uint8).tobytes()).decode(),
                     "centroid": [float(columns.mean()) + 0.5, float(rows.mean()) + 0.5]}
            if domain == "reacher":
                entry["target"] = physics.named.model.geom_pos["target", :2].tolist()
            frames["frames"].append(entry)
            print(f"{domain} {qpos}: mean {image.mean():.1f}, {CENTROID_GEOMS[domain]} at {entry['centroid']}")
    with open(OUTPUT, "w") as handle:
        json.dump(frames, handle, separators=(",", ":"))
    print(f"wrote {OUTPUT} ({os.path.getsize(OUTPUT) // 1024} KiB)")


main()
