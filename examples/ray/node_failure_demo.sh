#!/usr/bin/env bash
# Demonstrates tune_swiftrl.py surviving a node failure: a 2-node Ray cluster on this machine (a head
# and a second raylet), an 8-trial sweep of `swiftrl train`, the second node killed mid-sweep; Tune
# restarts the lost trials on the head from their last checkpoints (swiftrl train --resume) and the
# sweep finishes with every trial's result.
#
#   bash examples/ray/node_failure_demo.sh [STEPS_PER_TRIAL] [SECONDS_TO_WAIT_FOR_A_VICTIM]
#
# Needs Ray (pip install ./python[ray]) and the release build of swiftrl; stops any Ray on this machine.
set -euo pipefail
steps=${1:-150000}
kill_after=${2:-60}  # seconds to wait for a trial with a checkpoint on the second node
storage=${STORAGE:-$(mktemp -d /tmp/swiftrl-tune-demo.XXXXXX)}
here=$(cd "$(dirname "$0")" && pwd)
export RAY_AUTH_MODE=${RAY_AUTH_MODE:-token}

ray stop --force >/dev/null 2>&1 || true
ray start --head --num-cpus 1 --port 6379 --include-dashboard false >/dev/null
ray start --address 127.0.0.1:6379 --num-cpus 1 --node-manager-port 6390 >/dev/null
trap 'ray stop --force >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 30); do [ "$(ray status 2>/dev/null | grep -c ' node_')" -ge 2 ] && break; sleep 1; done
echo "cluster: $(ray status 2>/dev/null | grep -c ' node_') nodes; results in $storage"

python "$here/tune_swiftrl.py" --address auto --trials 8 --steps "$steps" --checkpoint-every $((steps / 10)) \
    --storage "$storage" --name node-failure-demo &
sweep=$!
# Wait until a trial on the second node has a checkpoint in Tune's storage, then kill that node.
second=$(pgrep -f 'raylet.*--node_manager_port=6390' | head -n 1)
victim=""
for _ in $(seq 1 $((kill_after * 10))); do
    for pid in $(pgrep -f 'swiftrl train' || true); do
        ancestor=$pid
        while [ "${ancestor:-1}" -gt 1 ] && [ "$ancestor" != "$second" ]; do ancestor=$(ps -o ppid= -p "$ancestor" | tr -d ' '); done
        [ "$ancestor" = "$second" ] || continue
        # Its output goes to its trial's folder; Tune keeps the trial's checkpoints in a folder of that name.
        trial=$(basename "$(dirname "$(readlink "/proc/$pid/fd/1")")")
        if compgen -G "$storage/node-failure-demo/$trial/checkpoint_*" >/dev/null; then victim=$pid; break; fi
    done
    [ -n "$victim" ] && break
    sleep 0.1
done
if [ -n "$victim" ]; then
    echo "killing the second node (raylet $second and its workers) at $(date +%T), while swiftrl $victim runs there with a checkpoint in Tune"
    # The node's whole process tree: the raylet, its Ray workers and what they started.
    tree=$second; frontier=$second
    while [ -n "$frontier" ]; do
        frontier=$(for parent in $frontier; do pgrep -P "$parent" || true; done | tr '\n' ' ')
        tree="$tree $frontier"
    done
    kill -9 $tree 2>/dev/null || true
else
    echo "no trial with a checkpoint ran on the second node within ${kill_after}s: nothing killed" >&2
fi
status=0
wait "$sweep" || status=$?
echo "sweep exit status: $status"
exit "$status"
