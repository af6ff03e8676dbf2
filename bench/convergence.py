#!/usr/bin/env python3
"""Convergence: Convoy against its PyTorch twin (bench/torch_twin.py), per-epoch test error and training loss.

    python3 bench/convergence.py                      # 3 seeds x ResNet-8/ResNet-20, full MNIST, 10 epochs (hours)
    python3 bench/convergence.py --quick              # 1 seed, 5,000 digits, 2 epochs, 2,000 test digits: checks it runs
    python3 bench/convergence.py --models resnet8 --seeds 1 --epochs 3 --only twin
    python3 bench/convergence.py --render             # only rewrite bench/static/c-convergence.md and the chart

The recipe is conf/quickstart.conf's (lr 0.05, x0.2 from epoch 2, Nesterov momentum 0.9, L2 1e-4, pad-2 random
crop per record, no flip, 2 workers x 64 = global batch 128, averaging every 5 minibatches), on the IDX files in
--data. Convoy runs on Spark local[1] by default (the two workers take turns on one core; the arithmetic is the same
as on local[2], which --convoy-master local[2] chooses) with OMP_NUM_THREADS=--threads; the twin with --threads
PyTorch threads, in two forms (each also as "-pbn"): "twin" is one model with batch 128 (what a PyTorch user runs), "twin-avg" simulates Convoy's 2 x 64 parameter averaging with momentum averaged ("-pbn": statistics recomputed).
Results go to bench/results/results.json under "convergence" ("convergence_quick" for --quick; each run with
its exact command; the tables show the runs made with the latest settings, the full runs once there are any), the tables to
bench/static/c-convergence.md (appended to BENCHMARKS.md by bench/render.py) and the chart to
bench/results/convergence.svg. Runs already in results.json with the same settings are kept, not re-run.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as suite  # noqa: E402  (bench/run.py: results.json helpers, paths)

STATIC_MD = os.path.join(HERE, "static", "c-convergence.md")
CHART = os.path.join(HERE, "results", "convergence.svg")
WORK = os.path.join(tempfile.gettempdir(), "convoy-convergence")
IMPLS = ("convoy", "convoy-pbn", "twin", "twin-pbn", "twin-avg", "twin-avg-pbn")
# the "-pbn" forms recompute BatchNorm's statistics after every epoch (Convoy: train.precise-bn.enabled=true, its
# default 100 minibatches of 64 per worker; the twin: --precise-bn 50 minibatches of 128, the same 6,400 images)
TWIN_PRECISE_BN = "50"


def recipe_twin_args(impl):
    common = ["--lr", "0.05", "--momentum", "0.9", "--weight-decay", "1e-4", "--milestones", "2", "--gamma", "0.2",
              "--pad", "2"]
    pbn = ["--precise-bn", TWIN_PRECISE_BN] if impl.endswith("-pbn") else []
    if impl in ("twin", "twin-pbn"):
        return common + ["--workers", "1", "--batch-per-worker", "128"] + pbn
    return common + ["--workers", "2", "--batch-per-worker", "64", "--averaging-frequency", "5", "--averaging", "average"] + pbn


def key_of(impl, model, seed, s):
    return f"{impl}|{model}|{seed}|{settings_suffix(s)}"


def result_key(quick):
    return "convergence_quick" if quick else "convergence"


def store(run, quick, settings):
    """Adds one run to results.json, re-read first: two invocations (say --only twin and --only convoy) may run at
    once, and each keeps the other's runs. A run with the same key replaces the old one."""
    res = suite.load_results()
    conv = res.get(result_key(quick), {})
    conv["settings"] = settings
    conv["runs"] = [r for r in conv.get("runs", []) if r.get("key") != run["key"]] + [run]
    conv["finished"] = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    res[result_key(quick)] = conv
    suite.save_results(res)
    return conv


def run_twin(impl, model, seed, s):
    cmd = [suite.TORCH_PY, "bench/torch_twin.py", "--model", model, "--data", s["data"], "--epochs", str(s["epochs"]),
           "--train-limit", str(s["train_limit"]), "--test-limit", str(s["test_limit"]), "--seed", str(seed),
           "--threads", str(s["threads"])] + recipe_twin_args(impl)
    t0 = time.time()
    out = suite.run(cmd, timeout=12 * 3600)
    rows = suite.json_lines(out)
    header = next(r for r in rows if r.get("header"))
    epochs = [r for r in rows if "epoch" in r]
    return {"impl": impl, "model": model, "seed": seed, "command": " ".join(cmd), "seconds": round(time.time() - t0),
            "params": header["trainable_parameters"], "epochs": epochs}


def run_convoy(impl, model, seed, s):
    precise = impl == "convoy-pbn"
    args = ["train", "conf/quickstart.conf", f"model.name={model}", f"data.path={s['data']}",
            f"train.epochs={s['epochs']}", f"data.train-limit={s['train_limit']}", f"data.test-limit={s['test_limit']}",
            f"train.seed={seed}", f"spark.master={s['convoy_master']}", "train.workers=2",
            f"run.dir={os.path.join(WORK, 'runs')}", f"run.name=conv-{model}-s{seed}{'-pbn' if precise else ''}"] + (
                [f"train.precise-bn.enabled={'true' if precise else 'false'}"])
    env = {"OMP_NUM_THREADS": str(s["threads"])}
    t0 = time.time()
    out = suite.run([suite.CONVOY] + args, env=env, timeout=12 * 3600)
    metrics = suite.metrics_of(out)
    return {"impl": impl, "model": model, "seed": seed, "seconds": round(time.time() - t0),
            "command": f"OMP_NUM_THREADS={s['threads']} ./convoy " + " ".join(args), "epochs": metrics}


# ------------------------------------------------------------------------------------------------------ rendering

def mean_sd(vals):
    if not vals:
        return None, None
    return statistics.mean(vals), (statistics.stdev(vals) if len(vals) > 1 else None)


def cell(vals, scale=100.0, d=2):
    m, sd = mean_sd([v * scale for v in vals if v is not None])
    if m is None:
        return "–"
    return f"{m:.{d}f}" + (f" ± {sd:.{d}f}" if sd is not None else "") + (f" ({len(vals)})" if len(vals) != 1 else "")


def sampled_score(e):
    """Convoy's mean DL4J score over the epoch (metrics.jsonl loss_samples: every Nth iteration's loss + L2 term)."""
    samples = e.get("loss_samples") or []
    return statistics.mean(v for _, v in samples) if samples else None


def per_epoch(runs, impl, model, field):
    """{epoch: [value per seed]} for one implementation and model."""
    out = {}
    for r in runs:
        if r["impl"] == impl and r["model"] == model:
            for e in r["epochs"]:
                v = sampled_score(e) if field == "train_score_sampled" else e.get(field)
                if v is not None:
                    out.setdefault(int(e["epoch"]), []).append(v)
    return out


def svg_chart(runs, models, path):
    """Test top-1 error (mean over seeds) by epoch; one panel per model, one line per implementation."""
    colours = {"convoy": "#d62728", "convoy-pbn": "#ff7f0e", "twin": "#1f77b4", "twin-pbn": "#9467bd",
               "twin-avg": "#2ca02c", "twin-avg-pbn": "#8c564b"}
    pw, ph, ml, mt, mb = 360, 240, 50, 30, 40
    width = pw * len(models) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{ph + 40}" font-family="sans-serif" '
             f'font-size="11"><rect width="100%" height="100%" fill="white"/>']
    for i, model in enumerate(models):
        x0 = i * pw + ml
        series = {impl: per_epoch(runs, impl, model, "top1_error") for impl in IMPLS}
        pts = {impl: sorted((e, 100 * statistics.mean(v)) for e, v in s.items()) for impl, s in series.items() if s}
        if not pts:
            continue
        emax = max(e for p in pts.values() for e, _ in p)
        ymax = max(y for p in pts.values() for _, y in p)
        ymax = max(1.0, ymax * 1.1)
        w, h = pw - ml - 20, ph - mt - mb

        def X(e):
            return x0 + (e - 1) / max(1, emax - 1) * w

        def Y(y):
            return mt + h - y / ymax * h
        parts.append(f'<text x="{x0 + w / 2}" y="18" text-anchor="middle" font-weight="bold">{model}: test top-1 '
                     f'error (%)</text>')
        parts.append(f'<line x1="{x0}" y1="{mt + h}" x2="{x0 + w}" y2="{mt + h}" stroke="black"/>'
                     f'<line x1="{x0}" y1="{mt}" x2="{x0}" y2="{mt + h}" stroke="black"/>')
        for k in range(5):
            y = ymax * k / 4
            parts.append(f'<text x="{x0 - 4}" y="{Y(y) + 4}" text-anchor="end">{y:.1f}</text>'
                         f'<line x1="{x0}" y1="{Y(y)}" x2="{x0 + w}" y2="{Y(y)}" stroke="#ddd"/>')
        for e in range(1, emax + 1):
            parts.append(f'<text x="{X(e)}" y="{mt + h + 14}" text-anchor="middle">{e}</text>')
        parts.append(f'<text x="{x0 + w / 2}" y="{mt + h + 30}" text-anchor="middle">epoch</text>')
        for j, (impl, p) in enumerate(pts.items()):
            c = colours.get(impl, "black")
            d = " ".join(f"{X(e):.1f},{Y(y):.1f}" for e, y in p)
            parts.append(f'<polyline points="{d}" fill="none" stroke="{c}" stroke-width="2"/>')
            parts += [f'<circle cx="{X(e):.1f}" cy="{Y(y):.1f}" r="2.5" fill="{c}"/>' for e, y in p]
            parts.append(f'<text x="{x0 + w - 60}" y="{mt + 12 + 13 * j}" fill="{c}">{impl}</text>')
    parts.append("</svg>")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def settings_suffix(s):
    return f"{s['epochs']}|{s['train_limit']}|{s['test_limit']}"


def current_runs(conv):
    """The runs made with the section's latest settings (epochs, training and test digits)."""
    s = conv.get("settings", {})
    return [r for r in conv.get("runs", []) if s and r.get("key", "").split("|", 3)[3] == settings_suffix(s)]


def describe(conv, runs):
    s = conv.get("settings", {})
    seeds = sorted({r["seed"] for r in runs})
    # the section's settings (the last invocation's); each run's own command, master included, is in results.json
    args = "" if s.get("quick") else "".join(
        f" {flag} {s[key]}" for flag, key in (("--epochs", "epochs"), ("--train-limit", "train_limit")) if s.get(key))
    return (f"`python3 bench/convergence.py{' --quick' if s.get('quick') else args}` ({conv.get('finished', '?')}): MNIST, "
            f"{'all 60,000' if not s.get('train_limit') else format(s['train_limit'], ',')} training digits, "
            f"{'all 10,000' if not s.get('test_limit') else format(s['test_limit'], ',')} test digits, "
            f"{s.get('epochs', '?')} epochs, seeds {', '.join(map(str, seeds))}.")


def models_of(runs):
    """The models the runs cover, shallowest first (resnet8 before resnet20)."""
    return sorted({r["model"] for r in runs}, key=lambda m: int(m.replace("resnet", "")))


def parity(runs, ours="convoy-pbn", theirs="twin-pbn"):
    """Issue 19's measure: Convoy's mean test error over seeds minus the twin's, like for like (both with their
    BatchNorm statistics recomputed), at every epoch from 2 on."""
    L = []
    for model in models_of(runs):
        a, b = per_epoch(runs, ours, model, "top1_error"), per_epoch(runs, theirs, model, "top1_error")
        common = [e for e in sorted(a) if e in b and e >= 2]
        if not common:
            continue
        diffs = [100 * (statistics.mean(a[e]) - statistics.mean(b[e])) for e in common]
        seeds = f"{len(a[common[0]])} / {len(b[common[0]])} seeds"
        L.append(f"- {model}, {ours} − {theirs} ({seeds}), mean top-1 error in points, epochs {common[0]}–{common[-1]}: "
                 + ", ".join(f"{d:+.2f}" for d in diffs)
                 + f"; largest gap {max(abs(d) for d in diffs):.2f} (goal: within 0.5)")
    return L + ([""] if L else [])


def tables(runs, level="###"):
    L = []
    models = models_of(runs)
    for model in models:
        L.append(f"\n{level} {model}\n")
        impls = [i for i in IMPLS if any(r["impl"] == i and r["model"] == model for r in runs)]
        twins = [i for i in impls if i.startswith("twin")]
        convoys = [i for i in impls if i.startswith("convoy")]
        head = (["epoch"] + [f"{i} top-1 %" for i in impls] + [f"{i} loss" for i in twins]
                + [f"{i} mean score" for i in convoys] + [f"{i} last score" for i in impls])
        errs = {i: per_epoch(runs, i, model, "top1_error") for i in impls}
        loss = {i: per_epoch(runs, i, model, "train_loss") for i in twins}
        last = {i: per_epoch(runs, i, model, "train_score_last" if i.startswith("twin") else "train_loss") for i in impls}
        epochs = sorted({e for d in errs.values() for e in d})
        rows = []
        for e in epochs:
            rows.append([str(e)] + [cell(errs[i].get(e, [])) for i in impls]
                        + [cell(loss[i].get(e, []), 1.0, 3) for i in twins]
                        + [cell(per_epoch(runs, i, model, "train_score_sampled").get(e, []), 1.0, 3) for i in convoys]
                        + [cell(last[i].get(e, []), 1.0, 3) for i in impls])
        L.append(suite_table(head, rows))
    return L


def render(full, quick):
    """The section: the full runs' tables and chart, then the --quick check's tables when there are any."""
    L = ["## 7. Convergence: Convoy against its PyTorch twin\n"]
    L.append("The quickstart's recipe (lr 0.05, ×0.2 from epoch 2, Nesterov 0.9, L2 1e-4 on weights, pad-2 crop per "
             "record, global batch 128). **convoy**: `./convoy train conf/quickstart.conf` on `local[1]` or `local[2]` with "
             "`train.workers=2` (2 × 64, parameter averaging every 5 minibatches, momentum averaged since issue 19's "
             "fix), test error read with the averaged running statistics (`train.precise-bn.enabled=false`, the default "
             "before 2026-12-02); **convoy-pbn**: the same with the BatchNorm statistics recomputed after each epoch "
             "(`train.precise-bn.enabled=true`, 100 minibatches; the default now); **twin**: `bench/torch_twin.py`, one "
             "model, batch 128, read with its running statistics, as PyTorch evaluates; **twin-pbn**: the twin with its "
             "statistics recomputed (`--precise-bn 50`, the same 6,400 images); **twin-avg**: the twin simulating the "
             "2 × 64 averaging; **twin-avg-pbn**: that with its statistics recomputed like twin-pbn. Entries: mean ± standard deviation over seeds (the number of seeds in brackets when "
             "more than one).\n")
    L.append("Training loss: *twin loss* is the mean cross-entropy over every minibatch of the epoch; *last score* is "
             "what Convoy's `metrics.jsonl` calls `train_loss`: DL4J's score (loss + ½λ‖w‖²) of each worker's last "
             "minibatch of the epoch, averaged over workers; *convoy mean score* is the mean of DL4J's score over "
             "the epoch, sampled every 10th iteration (`loss_samples`; it includes the L2 term the twin's loss "
             "leaves out).\n")
    full_runs = current_runs(full)
    if full_runs:
        L.append(describe(full, full_runs) + "\n")
        L += parity(full_runs)
        L += tables(full_runs)
        L.append("\n![test error by epoch](bench/results/convergence.svg)\n" if os.path.exists(CHART) else "")
    # the runs of earlier settings stay listed, each set under its own heading
    suffix = settings_suffix(full["settings"]) if full.get("settings") else None
    earlier = {}
    for r in full.get("runs", []):
        key_suffix = r.get("key", "").split("|", 3)[3]
        if key_suffix != suffix:
            earlier.setdefault(key_suffix, []).append(r)
    for key_suffix, runs in sorted(earlier.items(), key=lambda kv: [-int(x) for x in kv[0].split("|")]):
        epochs, train_limit, test_limit = (int(x) for x in key_suffix.split("|"))
        settings = {"epochs": epochs, "train_limit": train_limit, "test_limit": test_limit}
        L.append(f"\n### Earlier: {epochs} epochs, "
                 f"{'all 60,000' if not train_limit else format(train_limit, ',')} training digits\n")
        L.append(describe({"settings": settings, "finished": "an earlier session"}, runs) + "\n")
        L += parity(runs)
        L += tables(runs, "####")
    quick_runs = current_runs(quick)
    if quick_runs:
        L.append("\n### Quick check\n")
        L.append(describe(quick, quick_runs) + " Checks that the section runs end to end; single short runs, the "
                 "errors say little.\n")
        L += tables(quick_runs, "####")
    L.append("\nThe exact command of every run is in `bench/results/results.json` (`convergence.runs[].command`, "
             "`convergence_quick.runs[].command`).\n")
    os.makedirs(os.path.dirname(STATIC_MD), exist_ok=True)
    with open(STATIC_MD, "w") as f:
        f.write("\n".join(L).strip() + "\n")


def suite_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(head))) + "|"]
    return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1 seed, 5,000 training and 2,000 test digits, 2 epochs")
    ap.add_argument("--models", default="resnet8,resnet20")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--test-limit", type=int, default=0)
    ap.add_argument("--impls", default=",".join(IMPLS), help="some of " + ", ".join(IMPLS))
    ap.add_argument("--only", choices=["twin", "convoy"], help="shorthand: only the twins / only Convoy")
    ap.add_argument("--data", default=os.path.expanduser("~/.cache/convoy/mnist"))
    ap.add_argument("--threads", type=int, default=1, help="PyTorch threads and OMP_NUM_THREADS for Convoy")
    ap.add_argument("--convoy-master", default="local[1]",
                    help="Spark master for Convoy's runs: local[1] (the two workers take turns on one core, beside a "
                         "one-thread twin) or local[2] (one core each; run the twins after, not beside)")
    ap.add_argument("--render", action="store_true", help="only rewrite the tables and chart from results.json")
    ap.add_argument("--benchmarks", action="store_true", help="also regenerate BENCHMARKS.md (bench/render.py)")
    a = ap.parse_args()
    if a.quick:
        a.seeds, a.epochs, a.train_limit, a.test_limit = "1", 2, 5000, 2000
    impls = [i for i in a.impls.split(",") if i]
    if a.only == "twin":
        impls = [i for i in impls if not i.startswith("convoy")]
    elif a.only == "convoy":
        impls = [i for i in impls if i.startswith("convoy")]
    s = {"epochs": a.epochs, "train_limit": a.train_limit, "test_limit": a.test_limit, "data": a.data,
         "threads": a.threads, "quick": a.quick, "convoy_master": a.convoy_master}
    conv = suite.load_results().get(result_key(a.quick), {})
    if not a.render:
        os.makedirs(WORK, exist_ok=True)
        done = {r["key"] for r in conv.get("runs", [])}
        for model in a.models.split(","):
            for seed in [int(x) for x in a.seeds.split(",")]:
                for impl in impls:
                    key = key_of(impl, model, seed, s)
                    if key in done:
                        suite.log(f"convergence: {impl} {model} seed {seed}: kept from results.json")
                        continue
                    suite.log(f"convergence: {impl} {model} seed {seed}")
                    r = run_convoy(impl, model, seed, s) if impl.startswith("convoy") else run_twin(impl, model, seed, s)
                    r["key"] = key
                    last = r["epochs"][-1]
                    suite.log(f"  {impl} {model} seed {seed}: top-1 error {100 * last['top1_error']:.2f} % after "
                              f"{last['epoch']} epochs ({r['seconds']} s)")
                    conv = store(r, a.quick, s)
    res = suite.load_results()
    full, quick = res.get("convergence", {}), res.get("convergence_quick", {})
    runs = current_runs(full) or current_runs(quick)
    svg_chart(runs, models_of(runs), CHART)
    render(full, quick)
    suite.log(f"wrote {STATIC_MD} and {CHART}")
    if a.benchmarks:
        import render as benchmarks
        benchmarks.write(suite.load_results(), os.path.join(suite.ROOT, "BENCHMARKS.md"))


if __name__ == "__main__":
    main()
