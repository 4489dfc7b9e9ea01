"""Installs the swiftrl_envs package with the native library built by SwiftPM.

No compiler runs here: the library is built once by `swift build -c release --product swiftrl_envs`
(tools/python-wheel does it) and copied into the package. SWIFTRL_ENVS_LIBRARY names another copy.
"""
import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

LIBRARY = "libswiftrl_envs.so"


def built_library() -> Path:
    override = os.environ.get("SWIFTRL_ENVS_LIBRARY")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parent.parent / ".build" / "release" / LIBRARY)
    candidates.append(Path(__file__).resolve().parent / "swiftrl_envs" / "lib" / LIBRARY)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SystemExit(
        f"swiftrl-envs: {LIBRARY} is not built. From the repository root run\n"
        "    swift build -c release --product swiftrl_envs      (or: bash tools/python-wheel)\n"
        "then install again (or set SWIFTRL_ENVS_LIBRARY to the library's path)."
    )


class BuildWithLibrary(build_py):
    """Copies the native library into the package being built."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "swiftrl_envs" / "lib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built_library(), target / LIBRARY)


class BinaryDistribution(Distribution):
    """The wheel holds a native library: tag it for this platform, not as pure Python."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
