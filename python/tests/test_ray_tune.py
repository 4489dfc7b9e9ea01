"""Ray Tune over `swiftrl train` (examples/ray/tune_swiftrl.py): a small sweep on a local Ray instance,
metrics streamed from progress.csv, checkpoints handed to Tune and a trial restored from one.

Ray is an optional extra: without it these tests are skipped with the command that runs them
(`bash tools/test-ray`, which makes a virtual environment with `pip install ./python[ray]`)."""
import importlib.util
import os
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip(
    "ray", reason="Ray is not installed (an optional extra): run these tests with `bash tools/test-ray`")
from ray import tune  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[2]
PROGRAM = Path(os.environ.get("SWIFTRL_PROGRAM", REPOSITORY / ".build" / "release" / "swiftrl"))
if not PROGRAM.is_file():
    pytest.skip(f"{PROGRAM} is not built: run `swift build -c release --product swiftrl`", allow_module_level=True)


def load_example():
    spec = importlib.util.spec_from_file_location("tune_swiftrl", REPOSITORY / "examples" / "ray" / "tune_swiftrl.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["tune_swiftrl"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def local_ray():
    # The workers import the example module by name: put its folder on their path.
    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True,
             runtime_env={"env_vars": {"PYTHONPATH": str(REPOSITORY / "examples" / "ray")}})
    yield
    ray.shutdown()


def sweep(example, storage, name, trials, steps):
    space = {"algorithm": "acer", "env": "CartPole-v1", "steps": steps, "seed": tune.grid_search(list(range(1, trials + 1))),
             "hyperparameters": {"checkpoint_every": steps // 4, "eval_every": steps // 2, "eval_episodes": 2,
                                 "eval_video": "false", "log_every": 0.2, "hidden_sizes": "32,32"}}
    tuner = tune.Tuner(tune.with_resources(example.train_swiftrl, {"cpu": 1}), param_space=space,
                       run_config=tune.RunConfig(name=name, storage_path=str(storage)))
    return tuner.fit()


def test_a_sweep_streams_every_trials_progress_and_checkpoints(local_ray, tmp_path):
    example = load_example()
    results = sweep(example, tmp_path, "sweep", trials=2, steps=8000)
    assert results.num_errors == 0 and len(results) == 2
    for result in results:
        assert result.metrics["step"] >= 8000
        assert "episode_return_mean" in result.metrics and "eval_return_mean" in result.metrics
        history = result.metrics_dataframe
        assert len(history) >= 3 and history["step"].is_monotonic_increasing
        assert result.checkpoint is not None
        with result.checkpoint.as_directory() as directory:
            names = {path.name for path in (Path(directory) / "checkpoints").iterdir()}
            assert any(name.startswith("step-") for name in names) and (Path(directory) / "config.json").is_file()


def test_a_trial_restored_from_its_checkpoint_resumes_the_swiftrl_run(local_ray, tmp_path, monkeypatch):
    """What Tune does after a node failure: the trial function is called again with its last checkpoint."""
    example = load_example()
    first = sweep(example, tmp_path, "first", trials=1, steps=6000)[0]
    assert first.checkpoint is not None
    with first.checkpoint.as_directory() as directory:
        saved_step = max(int(path.stem.split("-")[1]) for path in (Path(directory) / "checkpoints").glob("step-*.safetensors"))

    class Context:
        def get_trial_resources(self):
            return type("Resources", (), {"required_resources": {"CPU": 1}})()

        def get_trial_dir(self):
            return str(tmp_path)

    reported = []
    monkeypatch.setattr(example.tune, "get_checkpoint", lambda: first.checkpoint)
    monkeypatch.setattr(example.tune, "get_context", lambda: Context())
    monkeypatch.setattr(example.tune, "report", lambda metrics, checkpoint=None: reported.append(metrics))
    example.train_swiftrl({**first.config, "steps": 12000})
    log = (tmp_path / "swiftrl.log").read_text()
    assert "--resume" in log and f"from step {saved_step}" in log
    assert reported and reported[-1]["step"] >= 12000 and min(row["step"] for row in reported) > saved_step
