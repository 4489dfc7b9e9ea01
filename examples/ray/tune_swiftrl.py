#!/usr/bin/env python3
"""Ray Tune over the Swift trainer: a hyperparameter and seed sweep of `swiftrl train`.

Each trial is one `swiftrl train` process with its own run folder on the node Ray places it on. The
trial streams the rows of the run's progress.csv to Tune as they are written (ASHA stops the weak
trials early; the process gets SIGTERM, saves a checkpoint and exits), and hands every new swiftrl
checkpoint to Tune, which keeps it in the experiment's storage. When a node dies, Tune restarts its
trials elsewhere from their last checkpoint: the trial copies the checkpoint into a fresh run folder
and continues it with `swiftrl train --resume`.

    pip install ./python[ray]                        # Ray is an optional extra
    swift build -c release --product swiftrl         # the trainer every trial runs
    ray start --head --num-cpus 1                    # a local cluster (or any Ray cluster)
    ray start --address 127.0.0.1:6379 --num-cpus 1  # a second node
    python examples/ray/tune_swiftrl.py --address auto --trials 8

SWIFTRL_PROGRAM names the swiftrl binary when it is not this repository's release build (on a real
cluster: the same path on every node, e.g. from a container image).
"""
import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ray
from ray import tune
from ray.tune.schedulers import ASHAScheduler

REPOSITORY = Path(__file__).resolve().parents[2]
# Files of a run folder that make a checkpoint Tune can resume from (videos and the lock stay behind).
CHECKPOINT_FILES = ("config.json", "progress.csv", "checkpoints")


def swiftrl_program() -> str:
    """The swiftrl binary: SWIFTRL_PROGRAM, else this repository's release build."""
    program = os.environ.get("SWIFTRL_PROGRAM") or str(REPOSITORY / ".build" / "release" / "swiftrl")
    if not Path(program).is_file():
        raise FileNotFoundError(f"{program} does not exist: run `swift build -c release --product swiftrl` "
                                "or set SWIFTRL_PROGRAM to the swiftrl binary on every node")
    return program


def progress_rows(path: Path, start: int):
    """The rows of progress.csv after the first `start` ones, as dictionaries (complete lines only)."""
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        text = handle.read()
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines = lines[:-1]  # a row still being written
    rows = list(csv.DictReader(lines))
    return rows[start:]


def metrics_of(row: dict) -> dict:
    """Tune metrics from a progress row: every number, with `step` (environment steps) as the clock."""
    metrics = {}
    for key, value in row.items():
        try:
            metrics[key] = float(value)
        except (TypeError, ValueError):
            continue
    metrics["step"] = int(metrics.get("step", 0))
    return metrics


def newest_checkpoint_step(run_dir: Path):
    """The step of the newest periodic swiftrl checkpoint in the run folder (None: none yet)."""
    steps = [int(path.stem.split("-")[1]) for path in (run_dir / "checkpoints").glob("step-*.safetensors")]
    return max(steps) if steps else None


def snapshot(run_dir: Path) -> Path:
    """A copy of the run folder's resumable files, handed to Tune as a checkpoint directory."""
    target = Path(tempfile.mkdtemp(prefix="swiftrl-checkpoint-"))
    for name in CHECKPOINT_FILES:
        source = run_dir / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".*"))
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


def train_swiftrl(config: dict):
    """One trial: runs `swiftrl train` with the trial's settings (or resumes Tune's checkpoint of it)."""
    run_dir = Path(tempfile.mkdtemp(prefix="swiftrl-trial-")) / "run"
    checkpoint = tune.get_checkpoint()
    if checkpoint is not None:
        with checkpoint.as_directory() as saved:
            shutil.copytree(saved, run_dir)
        command = [swiftrl_program(), "train", "--resume", str(run_dir), "--steps", str(config["steps"]), "--plain"]
        # The resumed run keeps the rows up to its checkpoint's step and writes the later ones again.
        resumed_step = newest_checkpoint_step(run_dir) or 0
        reported = sum(1 for row in progress_rows(run_dir / "progress.csv", 0) if metrics_of(row)["step"] <= resumed_step)
    else:
        command = [swiftrl_program(), "train", config["algorithm"], "--env", config["env"], "--steps", str(config["steps"]),
                   "--seed", str(config["seed"]), "--run-dir", str(run_dir), "--plain"]
        command += [f"--set={key}={value}" for key, value in sorted(config["hyperparameters"].items())]
        # The trial's share of the node's cores for swiftrl's kernel threads (kept in config.json for resumes).
        threads = max(1, int(tune.get_context().get_trial_resources().required_resources.get("CPU", 1)))
        command += ["--set", f"threads={threads}"]
        reported = 0
    # swiftrl's output goes to the trial's folder (appended across restarts); the run folder is scratch.
    log = open(Path(tune.get_context().get_trial_dir()) / "swiftrl.log", "a")
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    checkpointed = newest_checkpoint_step(run_dir)
    latest = {}  # evaluation rows leave the training columns empty: report the last value of each
    try:
        while True:
            finished = process.poll() is not None
            for row in progress_rows(run_dir / "progress.csv", reported):
                reported += 1
                latest.update(metrics_of(row))
                if "episode_return_mean" not in latest:
                    continue  # an evaluation before the first training row: nothing for the scheduler yet
                metrics = dict(latest)
                newest = newest_checkpoint_step(run_dir)
                if newest is not None and newest != checkpointed and newest <= metrics["step"]:
                    checkpointed = newest
                    directory = snapshot(run_dir)
                    tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(str(directory)))
                    shutil.rmtree(directory, ignore_errors=True)
                else:
                    tune.report(metrics)
            if finished:
                break
            time.sleep(0.5)
        if process.returncode != 0:
            raise RuntimeError(f"swiftrl train exited {process.returncode}; its output is in {log.name}")
    finally:
        if process.poll() is None:  # ASHA stopped the trial, or the driver is going away
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        shutil.rmtree(run_dir.parent, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", default=None, help="Ray cluster address ('auto' joins `ray start`'s cluster)")
    parser.add_argument("--algorithm", default="acer")
    parser.add_argument("--env", default="CartPole-v1")
    parser.add_argument("--steps", type=int, default=100_000, help="environment steps per trial")
    parser.add_argument("--trials", type=int, default=8, help="trials: learning rates x seeds")
    parser.add_argument("--cpus-per-trial", type=float, default=1)
    parser.add_argument("--checkpoint-every", type=int, default=10_000, help="environment steps between checkpoints")
    parser.add_argument("--storage", default=str(REPOSITORY / "runs" / "tune"), help="where Tune keeps results and checkpoints")
    parser.add_argument("--name", default="swiftrl-sweep")
    parser.add_argument("--max-failures", type=int, default=3, help="restarts of a trial whose node died")
    arguments = parser.parse_args()
    swiftrl_program()  # fail early, on the driver, when the trainer is missing

    ray.init(address=arguments.address)
    hyperparameters = {
        "learning_rate": tune.choice([3e-4, 7e-4, 1.5e-3]),
        "ent_coef": tune.choice([0.0, 0.01]),
        "checkpoint_every": arguments.checkpoint_every,
        "eval_every": arguments.checkpoint_every,
        "eval_episodes": 5,
        "eval_video": "false",
        "log_every": 1.0,
    }
    space = {
        "algorithm": arguments.algorithm, "env": arguments.env, "steps": arguments.steps,
        "seed": tune.randint(1, 10_000), "hyperparameters": hyperparameters,
    }
    scheduler = ASHAScheduler(time_attr="step", metric="episode_return_mean", mode="max", max_t=arguments.steps,
                              grace_period=max(arguments.steps // 4, 1), reduction_factor=2)
    tuner = tune.Tuner(
        tune.with_resources(train_swiftrl, {"cpu": arguments.cpus_per_trial}),
        param_space=space,
        tune_config=tune.TuneConfig(num_samples=arguments.trials, scheduler=scheduler),
        run_config=tune.RunConfig(
            name=arguments.name, storage_path=arguments.storage,
            failure_config=tune.FailureConfig(max_failures=arguments.max_failures),
            checkpoint_config=tune.CheckpointConfig(num_to_keep=2)),
    )
    results = tuner.fit()
    print(f"{len(results)} trials, {results.num_errors} errors, {results.num_terminated} finished")
    for result in results:
        config = result.config["hyperparameters"]
        metrics = result.metrics or {}
        print(f"  seed {result.config['seed']:5d} lr {config['learning_rate']:<7} ent_coef {config['ent_coef']:<5} "
              f"step {metrics.get('step', 0):>7} return {metrics.get('episode_return_mean', float('nan')):8.1f} "
              f"eval {metrics.get('eval_return_mean', float('nan')):8.1f}"
              f"{'  (error: ' + str(result.error).splitlines()[0] + ')' if result.error else ''}")
    best = results.get_best_result(metric="episode_return_mean", mode="max")
    print(f"best: {best.config['hyperparameters']} seed {best.config['seed']}: {best.metrics.get('episode_return_mean')}")
    return 0 if results.num_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
