"""Shared helpers: the swiftrl program (for trajectories to compare against) and id lists."""
import os
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def swiftrl_program():
    """The swiftrl binary: SWIFTRL_PROGRAM, else the repository's release or debug build."""
    override = os.environ.get("SWIFTRL_PROGRAM")
    candidates = [Path(override)] if override else []
    candidates += [REPOSITORY / ".build" / "release" / "swiftrl", REPOSITORY / ".build" / "debug" / "swiftrl"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    pytest.skip("no swiftrl program built (swift build first) to compare trajectories with")


def run_swiftrl(*arguments):
    completed = subprocess.run([str(swiftrl_program()), *arguments], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout
