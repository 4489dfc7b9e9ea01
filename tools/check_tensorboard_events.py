#!/usr/bin/env python3
"""Reads a SwiftRL run folder's TensorBoard event files back with TensorBoard itself and prints
every scalar tag with its number of points and last value; exits non-zero when TensorBoard cannot
parse them or a charts/ or losses/ tag is missing.

Usage: python tools/check_tensorboard_events.py RUN_DIR
(needs `pip install tensorboard`, e.g. into .peers-venv; skipped with exit 0 when not installed)
"""
import sys

try:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
except ImportError:
    print("tensorboard is not installed: pip install tensorboard (skipping the check)")
    sys.exit(0)

if len(sys.argv) != 2:
    sys.exit(__doc__)
accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
accumulator.Reload()
tags = accumulator.Tags().get("scalars", [])
for tag in sorted(tags):
    events = accumulator.Scalars(tag)
    print(f"{tag}: {len(events)} points, last step {events[-1].step} value {events[-1].value:.6g}")
if not any(t.startswith("charts/") for t in tags) or not any(t.startswith("losses/") for t in tags):
    sys.exit("missing charts/ or losses/ scalars")
print(f"ok: TensorBoard read {len(tags)} scalar tags")
