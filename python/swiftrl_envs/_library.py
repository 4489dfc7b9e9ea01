"""Loads libswiftrl_envs.so and declares its C functions (see Sources/SwiftRLEnvsABI).

SWIFTRL_ENVS_LIBRARY may name another library built on SwiftRLEnvsABI, such as a package's own with
its environments: when it exports `swiftrl_register_user_environments`, that is called first, so its
ids are registered with Gymnasium beside the bundled ones (Examples/CustomEnvironment builds one).
"""
import ctypes
import json
import os
from pathlib import Path

LIBRARY = "libswiftrl_envs.so"
ABI_VERSION = 1


class SwiftRLError(ValueError):
    """An error reported by the Swift side (bad action, unknown id, bad option, use after close...)."""


def _candidates():
    override = os.environ.get("SWIFTRL_ENVS_LIBRARY")
    if override:
        yield Path(override)
    here = Path(__file__).resolve().parent
    yield here / "lib" / LIBRARY
    # A source checkout used in place (python/ inside the repository).
    yield here.parent.parent / ".build" / "release" / LIBRARY


def _load():
    override = os.environ.get("SWIFTRL_ENVS_LIBRARY")
    if override and not Path(override).is_file():
        raise ImportError(f"SWIFTRL_ENVS_LIBRARY names {override}, which does not exist: build it (for SwiftRL's own, "
                          "`swift build -c release --product swiftrl_envs`) or unset the variable")
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_file():
            library = ctypes.CDLL(str(path))
            break
    else:
        raise ImportError(
            f"swiftrl_envs cannot find {LIBRARY} (looked in: {', '.join(tried)}). Build it from the SwiftRL "
            "repository root with `swift build -c release --product swiftrl_envs` (or `bash tools/python-wheel`) and "
            "reinstall with `pip install ./python`, or set SWIFTRL_ENVS_LIBRARY to its path."
        )
    if library.swiftrl_abi_version() != ABI_VERSION:
        raise ImportError(f"{path} has ABI version {library.swiftrl_abi_version()}, this package needs {ABI_VERSION}: rebuild both")
    # A package's own library (its environments linked with SwiftRLEnvsABI) registers them here.
    if hasattr(library, "swiftrl_register_user_environments"):
        library.swiftrl_register_user_environments.restype = None
        library.swiftrl_register_user_environments()
    return library, path


lib, library_path = _load()

c_char_p_p = ctypes.POINTER(ctypes.c_char_p)
_string = ctypes.c_void_p  # returned strings are freed by swiftrl_free_string, so keep the raw pointer

lib.swiftrl_last_error.restype = ctypes.c_char_p
lib.swiftrl_free_string.argtypes = [ctypes.c_void_p]
lib.swiftrl_register_bundled.restype = None
lib.swiftrl_registry_json.restype = _string

lib.swiftrl_env_make.restype = ctypes.c_void_p
lib.swiftrl_env_make.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
lib.swiftrl_env_spaces_json.restype = _string
lib.swiftrl_env_spaces_json.argtypes = [ctypes.c_void_p]
lib.swiftrl_env_reset.restype = ctypes.c_int32
lib.swiftrl_env_reset.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p,
                                  ctypes.POINTER(ctypes.c_void_p)]
lib.swiftrl_env_step.restype = ctypes.c_int32
lib.swiftrl_env_step.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p,
                                 ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_uint8), ctypes.POINTER(ctypes.c_uint8),
                                 ctypes.POINTER(ctypes.c_void_p)]
lib.swiftrl_env_render.restype = ctypes.c_int32
lib.swiftrl_env_render.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int32),
                                   ctypes.POINTER(ctypes.c_int32)]
lib.swiftrl_env_free.restype = None
lib.swiftrl_env_free.argtypes = [ctypes.c_void_p]

lib.swiftrl_vec_make.restype = ctypes.c_void_p
lib.swiftrl_vec_make.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.c_void_p,
                                 ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
for name in ["swiftrl_vec_reset"]:
    getattr(lib, name).restype = ctypes.c_int32
    getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int32]
lib.swiftrl_vec_reset_one.restype = ctypes.c_int32
lib.swiftrl_vec_reset_one.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.c_int64, ctypes.c_int32]
for name in ["swiftrl_vec_step", "swiftrl_vec_send"]:
    getattr(lib, name).restype = ctypes.c_int32
    getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_void_p]
lib.swiftrl_vec_recv.restype = ctypes.c_int32
lib.swiftrl_vec_recv.argtypes = [ctypes.c_void_p]
lib.swiftrl_vec_info_json.restype = _string
lib.swiftrl_vec_info_json.argtypes = [ctypes.c_void_p, ctypes.c_int32]
lib.swiftrl_vec_free.restype = None
lib.swiftrl_vec_free.argtypes = [ctypes.c_void_p]


def last_error() -> str:
    message = lib.swiftrl_last_error()
    return message.decode("utf-8") if message else "unknown error"


def check(status: int) -> None:
    """Raises SwiftRLError with the Swift message when a call failed."""
    if status != 0:
        raise SwiftRLError(last_error())


def take_json(pointer):
    """Decodes and frees a JSON string the library returned (None for a null pointer)."""
    if not pointer:
        return None
    try:
        return json.loads(ctypes.string_at(pointer).decode("utf-8"))
    finally:
        lib.swiftrl_free_string(pointer)


def registry():
    """Every registered environment: [{"id", "max_episode_steps", "reward_threshold", "summary"}]."""
    return take_json(lib.swiftrl_registry_json())
