#!/usr/bin/env python3
"""A/B on the two-executor cluster: what gradient sharing does with a task's network workspaces when its training
ends, -Dconvoy.sharing.workspaces=handover|free|keep on the executors (handover, Convoy's default since 2026-12-03:
the next training thread takes the set; free: freed every task and allocated again; keep: each task thread keeps its
own set, DL4J's way), optionally averaging beside them, alternating, --reps times in one sitting; one JSON line per
run (last epoch's img/s, phases, and every epoch's resident set and workspaces). BENCHMARKS.md section 4 quotes its
figures.

    /usr/bin/python3 bench/ab_workspaces.py --model resnet20 --records 2816 --averaging
    /usr/bin/python3 bench/ab_workspaces.py --model resnet56 --records 1024 --modes handover,free
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as b  # noqa: E402  (bench/run.py: the cluster, data and metrics helpers)

MODES = ("handover", "free", "keep")


def mode_conf(mode):
    return ("spark.executor.extraJavaOptions=-Dconvoy.sharing.workspaces=" + mode,)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="resnet20")
    ap.add_argument("--records", type=int, default=2816)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--averaging", action="store_true", help="also run averaging in each repetition")
    ap.add_argument("--modes", default=",".join(MODES), help="some of " + ", ".join(MODES))
    a = ap.parse_args()
    modes = [m for m in a.modes.split(",") if m]
    bad = [m for m in modes if m not in MODES]
    if bad:
        ap.error(f"--modes {','.join(bad)}: expected some of {', '.join(MODES)}")
    data = b.make_data(a.records, 256)
    arms = ([("averaging", "averaging", ())] if a.averaging else []) + [
        ("sharing, workspaces " + m, "sharing", mode_conf(m)) for m in modes]
    with b.Cluster(2) as cluster:
        for rep in range(a.reps):
            for label, sync, conf in arms:
                out = cluster.train(b.train_args(a.model, 1.0, data, "ab-" + sync, a.epochs,
                                                 ["train.workers=2", "train.batch-size-per-worker=64",
                                                  "train.sync=" + sync]), spark_conf=conf)
                ms = b.metrics_of(out)
                m = ms[-1]
                print(json.dumps({
                    "arm": label, "rep": rep, "model": a.model, "records": a.records, "img_s": m["images_per_second"],
                    "precise_bn_s": m.get("precise_bn_seconds"), "step_ms": m.get("iteration_step_ms"),
                    "data_forward_ms": m.get("iteration_data_forward_ms"), "backward_ms": m.get("iteration_backward_ms"),
                    "rss_mb": [round(x.get("executor_rss_mb", 0)) for x in ms],
                    "workspace_mb": [round(x.get("executor_workspace_mb", 0)) for x in ms],
                    "time": time.strftime("%Y-%m-%d %H:%M:%S")}), flush=True)


if __name__ == "__main__":
    main()
