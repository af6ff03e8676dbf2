#!/usr/bin/python3
"""Convergence twin: trains the zoo's CIFAR-style ResNets in PyTorch with Convoy's recipe, per-epoch JSON lines.

    /usr/bin/python3 bench/torch_twin.py --model resnet8 --data ~/.cache/convoy/mnist --train-limit 20000 \
        --epochs 2 --lr 0.05 --milestones 2 --gamma 0.2 --seed 1

What is mirrored from Convoy (the Java class that does it in brackets), and the switches that undo it:

  architecture  CifarResNet with option-A shortcuts, widths 16/32/64 x --width (ModelRequest.channels), a
                bias-free conv before every BN, global average pooling, dense classifier with bias. DL4J's
                ConvolutionMode.Same pads a stride-2 3x3 only at the bottom/right, while the option-A shortcut
                keeps pixels (0, 2, 4, ...): the branch and the shortcut are one pixel apart. --padding dl4j
                (default) reproduces that, --padding symmetric is PyTorch's usual padding=1 (aligned).
  init          Blocks.graph: WeightInit.RELU = N(0, 2/fan_in) for convs, XAVIER = N(0, 2/(fan_in+fan_out)) for
                the classifier's weights, zero bias, BN gamma 1 / beta 0.  --init torch: PyTorch's defaults.
  data          the IDX files (raw or .gz) or CIFAR-10 binary batches Convoy reads, first --train-limit /
                --test-limit records; per-channel mean/std of the (limited) training split on the [0, 1] scale,
                population std (Normalization.measure); zero padding is a raw 0 pixel, i.e. -mean/std after
                normalisation (ImageTransform).
  augmentation  per record: a shift (dy, dx) uniform in [-pad, pad] (pad + random crop of the original size),
                a horizontal flip with probability 0.5 when --flip (off for digits).
  order         a fresh permutation of the training records per epoch, dealt to --workers equal consecutive
                slices (InMemoryTrainingData, Spark's parallelize); each worker cuts its slice into minibatches
                of --batch-per-worker, the last one smaller.
  optimiser     DL4J's Nesterovs (--nesterov dl4j): v = mu v - lr g; p += (1 + mu) v - mu v_prev. The velocity
                carries the learning rate, so after a drop in lr the old velocity decays over ~1/(1-mu) steps;
                PyTorch's (--nesterov torch) keeps b = mu b + g and multiplies by the current lr.
  L2            DL4J's l2(1e-4) adds lambda w to the minibatch-mean gradient of conv and dense *weights* only:
                BatchNormalization.getRegularizationByParam returns null (gamma/beta not decayed) and biases have
                their own l2Bias (unset). --wd-scope all decays every parameter (PyTorch's weight_decay).
  BatchNorm     running mean/var with DL4J's decay 0.9 (PyTorch momentum 0.1), eps 1e-5, biased batch variance
                in the running estimate (DL4J; PyTorch's own uses the unbiased one), evaluation with the running
                statistics.
  schedule      lr per epoch, step: lr x gamma^(number of milestones <= epoch) (LearningRateSchedule), optional
                linear scaling lr x global batch / 256.
  averaging     --workers K > 1 simulates DL4J's ParameterAveragingTrainingMaster: K model copies, each fits
                --averaging-frequency of its own minibatches, then parameters and BN running statistics (DL4J keeps
                log10(std), so the std is averaged geometrically) are averaged, and the momentum state is averaged
                (--averaging average, DL4J's saveUpdater(true)) or zeroed (--averaging reset: DL4J's default,
                saveUpdater false, which Convoy used until this branch; also with 1 worker).
  loss          train_loss: mean cross-entropy over every training example of the epoch (what PyTorch users
                read); train_score_last: what Convoy's metrics.jsonl calls train_loss, DL4J's score of each
                worker's last minibatch of the epoch (loss + 0.5 lambda |w|^2), averaged over workers.

Run it with Debian's interpreter (/usr/bin/python3, where python3-torch lives). One thread by default.
"""
import argparse
import gzip
import json
import math
import os
import re
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------------------------------------
# Data: the files Convoy reads
# ---------------------------------------------------------------------------------------------------------

def _open(path):
    if os.path.exists(path):
        return open(path, "rb")
    if os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rb")
    raise SystemExit(f"torch_twin: missing {path} (or {path}.gz)")


def read_idx(images, labels):
    with _open(images) as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            raise SystemExit(f"torch_twin: {images}: bad IDX magic {magic}")
        x = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8).reshape(n, 1, rows, cols)
    with _open(labels) as f:
        magic, m = struct.unpack(">II", f.read(8))
        if magic != 2049 or m != n:
            raise SystemExit(f"torch_twin: {labels}: bad IDX header ({magic}, {m} labels for {n} images)")
        y = np.frombuffer(f.read(m), dtype=np.uint8).astype(np.int64)
    return x, y


def read_cifar(paths):
    xs, ys = [], []
    for p in paths:
        with _open(p) as f:
            raw = np.frombuffer(f.read(), dtype=np.uint8).reshape(-1, 3073)
        ys.append(raw[:, 0].astype(np.int64))
        xs.append(raw[:, 1:].reshape(-1, 3, 32, 32))
    return np.concatenate(xs), np.concatenate(ys)


def load(fmt, path, train_limit, test_limit):
    path = os.path.expanduser(path)
    if fmt == "mnist":
        xtr, ytr = read_idx(os.path.join(path, "train-images-idx3-ubyte"), os.path.join(path, "train-labels-idx1-ubyte"))
        xte, yte = read_idx(os.path.join(path, "t10k-images-idx3-ubyte"), os.path.join(path, "t10k-labels-idx1-ubyte"))
    else:
        xtr, ytr = read_cifar([os.path.join(path, f"data_batch_{i}.bin") for i in range(1, 6)])
        xte, yte = read_cifar([os.path.join(path, "test_batch.bin")])
    if train_limit > 0:
        xtr, ytr = xtr[:train_limit], ytr[:train_limit]
    if test_limit > 0:
        xte, yte = xte[:test_limit], yte[:test_limit]
    return xtr, ytr, xte, yte


def measure_normalization(x):
    """Normalization.measure: per channel, over every pixel of the training split, population std, [0, 1] scale."""
    xd = x.astype(np.float64)
    mean = xd.mean(axis=(0, 2, 3)) / 255.0
    std = np.maximum(xd.std(axis=(0, 2, 3)) / 255.0, 1e-6)
    return mean, std


def normalise(x_uint8, mean, std):
    x = torch.from_numpy(x_uint8.astype(np.float32) / 255.0)
    m = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
    return (x - m) / s


def augment(x_norm, pad_value, pad, flip, rng):
    """Per record: shift by (dy, dx) uniform in [-pad, pad] with zero pixels (-mean/std) coming in; optional flip.
    out[y, x] = in[y + dy, x + dx] as in ImageTransform.apply (flip first, then the shift)."""
    n, c, h, w = x_norm.shape
    if flip:
        mirror = torch.from_numpy(rng.random(n) < 0.5)
        x_norm = torch.where(mirror.view(-1, 1, 1, 1), x_norm.flip(3), x_norm)
    if pad <= 0:
        return x_norm
    padded = pad_value.expand(n, c, h + 2 * pad, w + 2 * pad).clone()
    padded[:, :, pad:pad + h, pad:pad + w] = x_norm
    dy = torch.from_numpy(rng.integers(-pad, pad + 1, size=n))
    dx = torch.from_numpy(rng.integers(-pad, pad + 1, size=n))
    rows = (pad + dy).view(n, 1, 1, 1) + torch.arange(h).view(1, 1, h, 1)
    cols = (pad + dx).view(n, 1, 1, 1) + torch.arange(w).view(1, 1, 1, w)
    return padded[torch.arange(n).view(n, 1, 1, 1), torch.arange(c).view(1, c, 1, 1), rows, cols]


# ---------------------------------------------------------------------------------------------------------
# Model: CifarResNet as the zoo builds it
# ---------------------------------------------------------------------------------------------------------

def scaled(published, width):
    """ModelRequest.channels: max(1, Java Math.round(c * w)) (halves round up)."""
    return published if width == 1.0 else max(1, int(math.floor(published * width + 0.5)))


class Conv(nn.Conv2d):
    """Bias-free conv. padding='dl4j' is ConvolutionMode.Same: total padding (out-1)*s + k - in, the top/left
    half rounded down (ConvolutionUtils.getSameModeTopLeftPadding), the rest at the bottom/right."""

    def __init__(self, cin, cout, k, stride, padding):
        super().__init__(cin, cout, k, stride=stride, padding=0 if padding == "dl4j" else k // 2, bias=False)
        self.same = padding == "dl4j"

    def forward(self, x):
        if self.same:
            pads = []
            for size in (x.shape[3], x.shape[2]):  # F.pad order: last dim first
                s, k = self.stride[0], self.kernel_size[0]
                out = -(-size // s)
                total = max(0, (out - 1) * s + k - size)
                pads += [total // 2, total - total // 2]
            x = F.pad(x, pads)
        return super().forward(x)


class BN(nn.BatchNorm2d):
    """BatchNorm with DL4J's running-statistics update: decay 0.9 on the biased batch variance."""

    def __init__(self, c, decay, eps):
        super().__init__(c, eps=eps, momentum=None)
        self.decay = decay
        self.collect = None  # a list while precise BN measures: batch (mean, var) appended, running stats untouched

    def forward(self, x):
        if self.collect is not None:
            with torch.no_grad():
                self.collect.append((x.mean(dim=(0, 2, 3)).double(), x.var(dim=(0, 2, 3), unbiased=False).double()))
            return F.batch_norm(x, None, None, self.weight, self.bias, True, 0.0, self.eps)
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        with torch.no_grad():
            mean = x.mean(dim=(0, 2, 3))
            var = x.var(dim=(0, 2, 3), unbiased=False)
            self.running_mean.mul_(self.decay).add_(mean, alpha=1 - self.decay)
            self.running_var.mul_(self.decay).add_(var, alpha=1 - self.decay)
        return F.batch_norm(x, None, None, self.weight, self.bias, True, 0.0, self.eps)


class Block(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN + option-A shortcut, ReLU (CifarResNet.basicBlock)."""

    def __init__(self, cin, cout, stride, o):
        super().__init__()
        self.conv1, self.bn1 = Conv(cin, cout, 3, stride, o.padding), BN(cout, o.bn_decay, o.bn_eps)
        self.conv2, self.bn2 = Conv(cout, cout, 3, 1, o.padding), BN(cout, o.bn_decay, o.bn_eps)
        self.stride, self.extra = stride, cout - cin
        if self.extra < 0:
            raise SystemExit(f"torch_twin: option A cannot narrow {cin} -> {cout}")

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        sc = x[:, :, ::self.stride, ::self.stride] if self.stride != 1 else x  # 1x1 max pool, stride 2
        if self.extra:
            sc = F.pad(sc, (0, 0, 0, 0, 0, self.extra))  # zero channels after the input's (CifarResNetShortcuts)
        return F.relu(out + sc)


class CifarResNet(nn.Module):
    def __init__(self, depth, in_channels, classes, o):
        super().__init__()
        if depth < 8 or (depth - 2) % 6:
            raise SystemExit(f"torch_twin: CIFAR ResNet depth must be 6n+2, got {depth}")
        n = (depth - 2) // 6
        widths = [scaled(c, o.width) for c in (16, 32, 64)]
        self.stem = Conv(in_channels, widths[0], 3, 1, o.padding)
        self.stem_bn = BN(widths[0], o.bn_decay, o.bn_eps)
        blocks, c = [], widths[0]
        for s, w in enumerate(widths):
            for b in range(n):
                blocks.append(Block(c, w, 2 if s > 0 and b == 0 else 1, o))
                c = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.blocks(F.relu(self.stem_bn(self.stem(x))))
        return self.fc(x.mean(dim=(2, 3)))


def init_dl4j(model):
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_in))
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / (m.in_features + m.out_features)))
            nn.init.zeros_(m.bias)


def decayed(model, scope):
    """Parameters L2 applies to: DL4J: conv and dense weights; 'all': every parameter."""
    out = set()
    for m in model.modules():
        if scope == "all":
            out.update(id(p) for p in m.parameters(recurse=False))
        elif isinstance(m, (nn.Conv2d, nn.Linear)):
            out.add(id(m.weight))
    return out


# ---------------------------------------------------------------------------------------------------------
# Optimiser: DL4J Nesterovs or PyTorch SGD(nesterov=True), L2 as a gradient term, lr set per epoch
# ---------------------------------------------------------------------------------------------------------

class Nesterov:
    def __init__(self, params, decayed_ids, momentum, wd, flavour):
        self.params, self.decayed_ids, self.mu, self.wd, self.flavour = list(params), decayed_ids, momentum, wd, flavour
        self.state = [torch.zeros_like(p) for p in self.params]
        self.lr = 0.0

    @torch.no_grad()
    def step(self):
        mu, lr = self.mu, self.lr
        for p, v in zip(self.params, self.state):
            g = p.grad
            if self.wd and id(p) in self.decayed_ids:
                g = g.add(p, alpha=self.wd)
            if self.flavour == "dl4j":
                # NesterovsUpdater: v' = mu v - lr g; update = mu v - (1 + mu) v'; p -= update
                v_prev = v.clone()
                v.mul_(mu).sub_(g, alpha=lr)
                p.add_(v, alpha=1 + mu).sub_(v_prev, alpha=mu)
            else:
                v.mul_(mu).add_(g)
                p.sub_(g.add(v, alpha=mu), alpha=lr)


def l2_score(model, ids, wd):
    return 0.5 * wd * sum(float(p.detach().pow(2).sum()) for p in model.parameters() if id(p) in ids)


def average_workers(models, opts, updater):
    """ParameterAveragingTrainingMaster: mean of parameters; BN running statistics live in DL4J's parameter vector
    as mean and log10(std), so the std is averaged in the log domain. updater 'average' averages the momentum state
    (DL4J's saveUpdater(true)); 'reset' zeroes it, which is what DL4J does when saveUpdater is left at its
    default (false): every round's workers start from the driver's never-updated, all-zero updater state."""
    with torch.no_grad():
        k = len(models)
        named = [dict(m.named_parameters()) for m in models]
        for name in named[0]:
            mean = sum(d[name] for d in named) / k
            for d in named:
                d[name].copy_(mean)
        bufs = [dict(m.named_buffers()) for m in models]
        for name in bufs[0]:
            if name.endswith("running_mean"):
                mean = sum(b[name] for b in bufs) / k
            elif name.endswith("running_var"):
                mean = torch.exp(sum(torch.log(b[name]) for b in bufs) / k)
            else:
                continue
            for b in bufs:
                b[name].copy_(mean)
        for i in range(len(opts[0].state)):
            mean = sum(o.state[i] for o in opts) / k if updater == "average" else torch.zeros_like(opts[0].state[i])
            for o in opts:
                o.state[i].copy_(mean)


@torch.no_grad()
def precise_bn(model, batches):
    """PreciseBatchNorm / BatchNormStatistics: every BN layer's running mean and variance replaced by the average of
    the batch means and (biased) variances over these training minibatches, weights frozen."""
    layers = [m for m in model.modules() if isinstance(m, BN)]
    for m in layers:
        m.collect = []
    for xb in batches:
        if len(xb) >= 2:
            model(xb)
    for m in layers:
        if m.collect:
            m.running_mean.copy_(sum(c[0] for c in m.collect) / len(m.collect))
            m.running_var.copy_(sum(c[1] for c in m.collect) / len(m.collect))
        m.collect = None


@torch.no_grad()
def evaluate(model, x, y, batch=256):
    model.eval()
    wrong1 = wrong5 = 0
    nll = 0.0
    for i in range(0, len(y), batch):
        out = model(x[i:i + batch])
        t = y[i:i + batch]
        nll += float(F.cross_entropy(out, t, reduction="sum"))
        top5 = out.topk(min(5, out.shape[1]), dim=1).indices
        wrong1 += int((top5[:, 0] != t).sum())
        wrong5 += int((top5 != t.view(-1, 1)).all(dim=1).sum())
    model.train()
    n = len(y)
    return wrong1 / n, wrong5 / n, nll / n


def lr_for(epoch, o, global_batch):
    lr = o.lr * (global_batch / o.reference_batch if o.lr_scaling == "linear" else 1.0)
    for m in o.milestones:
        if epoch >= m:
            lr *= o.gamma
    return lr


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resnet8", help="resnet<6n+2>: resnet8, resnet20, resnet56, ...")
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--format", default="mnist", choices=["mnist", "cifar10"])
    ap.add_argument("--data", default="~/.cache/convoy/mnist")
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--test-limit", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--milestones", default="2", help="comma-separated epochs (1-based) where lr *= gamma")
    ap.add_argument("--gamma", type=float, default=0.2)
    ap.add_argument("--lr-scaling", default="none", choices=["none", "linear"])
    ap.add_argument("--reference-batch", type=int, default=256)
    ap.add_argument("--workers", type=int, default=1, help="> 1: simulate DL4J parameter averaging")
    ap.add_argument("--batch-per-worker", type=int, default=128)
    ap.add_argument("--averaging-frequency", type=int, default=5)
    ap.add_argument("--averaging", default="auto", choices=["auto", "none", "average", "reset"],
                    help="none: one model, no rounds; average: rounds every --averaging-frequency minibatches average "
                         "parameters and momentum; reset: they average parameters and zero the momentum (DL4J's "
                         "default saveUpdater=false); auto: none for 1 worker, average otherwise")
    ap.add_argument("--pad", type=int, default=2)
    ap.add_argument("--flip", action="store_true")
    ap.add_argument("--padding", default="dl4j", choices=["dl4j", "symmetric"])
    ap.add_argument("--init", default="dl4j", choices=["dl4j", "torch"])
    ap.add_argument("--nesterov", default="dl4j", choices=["dl4j", "torch"])
    ap.add_argument("--wd-scope", default="dl4j", choices=["dl4j", "all"])
    ap.add_argument("--bn-decay", type=float, default=0.9)
    ap.add_argument("--bn-eps", type=float, default=1e-5)
    ap.add_argument("--precise-bn", type=int, default=0,
                    help="after each epoch recompute BN statistics from this many training minibatches (0 = off)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", help="also append the JSON lines to this file")
    o = ap.parse_args(argv)
    o.milestones = [int(s) for s in o.milestones.split(",") if s.strip()]
    if o.averaging == "auto":
        o.averaging = "none" if o.workers == 1 else "average"
    if o.averaging == "none" and o.workers != 1:
        raise SystemExit("torch_twin: --averaging none needs --workers 1")
    m = re.fullmatch(r"resnet(\d+)", o.model)
    if not m:
        raise SystemExit(f"torch_twin: unknown model {o.model} (resnet<6n+2>)")

    torch.set_num_threads(o.threads)
    torch.manual_seed(o.seed)
    rng = np.random.default_rng(o.seed)
    xtr, ytr, xte, yte = load(o.format, o.data, o.train_limit, o.test_limit)
    mean, std = measure_normalization(xtr)
    train_x = normalise(xtr, mean, std)
    test_x = normalise(xte, mean, std)
    train_y, test_y = torch.from_numpy(ytr), torch.from_numpy(yte)
    pad_value = torch.tensor(-mean / std, dtype=torch.float32).view(1, -1, 1, 1)
    classes = int(max(ytr.max(), yte.max())) + 1

    models = []
    base = CifarResNet(int(m.group(1)), xtr.shape[1], classes, o)
    if o.init == "dl4j":
        init_dl4j(base)
    params = sum(p.numel() for p in base.parameters())
    for _ in range(o.workers):
        c = CifarResNet(int(m.group(1)), xtr.shape[1], classes, o)
        c.load_state_dict(base.state_dict())
        models.append(c)
    ids = [decayed(c, o.wd_scope) for c in models]
    opts = [Nesterov(c.parameters(), ids[i], o.momentum, o.weight_decay, o.nesterov) for i, c in enumerate(models)]
    global_batch = o.workers * o.batch_per_worker

    def emit(rec):
        line = json.dumps(rec)
        print(line, flush=True)
        if o.out:
            with open(o.out, "a") as f:
                f.write(line + "\n")

    emit({"header": True, "model": o.model, "width": o.width, "trainable_parameters": params,
          "input": list(xtr.shape[1:]), "train": len(ytr), "test": len(yte), "seed": o.seed,
          "workers": o.workers, "batch_per_worker": o.batch_per_worker, "global_batch": global_batch,
          "normalization": {"mean": mean.tolist(), "std": std.tolist()},
          "recipe": {k: getattr(o, k) for k in ("lr", "momentum", "weight_decay", "milestones", "gamma", "lr_scaling",
                                                 "pad", "flip", "padding", "init", "nesterov", "wd_scope",
                                                 "bn_decay", "bn_eps", "averaging", "averaging_frequency", "epochs",
                                                 "precise_bn")},
          "torch": torch.__version__, "threads": o.threads})

    for epoch in range(1, o.epochs + 1):
        t0 = time.time()
        lr = lr_for(epoch, o, global_batch)
        for opt in opts:
            opt.lr = lr
        perm = rng.permutation(len(ytr))
        n = len(perm)
        slices = [perm[(w * n) // o.workers:((w + 1) * n) // o.workers] for w in range(o.workers)]
        batches = [[s[i:i + o.batch_per_worker] for i in range(0, len(s), o.batch_per_worker)] for s in slices]
        rounds = max(len(b) for b in batches)
        loss_sum, seen = 0.0, 0
        last = [None] * o.workers
        for r in range(rounds):
            for w, (model, opt) in enumerate(zip(models, opts)):
                if r >= len(batches[w]):
                    continue
                idx = torch.from_numpy(batches[w][r])
                xb = augment(train_x[idx], pad_value, o.pad, o.flip, rng)
                yb = train_y[idx]
                for p in model.parameters():
                    p.grad = None
                loss = F.cross_entropy(model(xb), yb)
                loss.backward()
                last[w] = float(loss) + l2_score(model, ids[w], o.weight_decay)
                opt.step()
                loss_sum += float(loss) * len(yb)
                seen += len(yb)
            if o.averaging != "none" and ((r + 1) % o.averaging_frequency == 0 or r == rounds - 1):
                average_workers(models, opts, o.averaging)
        train_seconds = time.time() - t0
        if o.precise_bn > 0:
            # like PreciseBatchNorm on the epoch's own (augmented) minibatches, spread over the workers
            chosen = [b for r in range(rounds) for b in (batches[w][r] for w in range(o.workers) if r < len(batches[w]))]
            picked = chosen[:o.precise_bn]
            precise_bn(models[0], [augment(train_x[torch.from_numpy(b)], pad_value, o.pad, o.flip, rng) for b in picked])
        top1, top5, nll = evaluate(models[0], test_x, test_y)
        emit({"epoch": epoch, "lr": lr, "train_loss": loss_sum / seen,
              "train_score_last": sum(last) / len(last), "top1_error": top1, "top5_error": top5, "test_nll": nll,
              "epoch_seconds": train_seconds, "images_per_second": seen / train_seconds})


if __name__ == "__main__":
    main()
