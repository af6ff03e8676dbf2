#!/usr/bin/python3
"""PyTorch (CPU) training throughput of Convoy's zoo architectures, measured like `convoy bench-train`.

The nets are rebuilt layer for layer from Convoy's DL4J builders (model-zoo/src/main/java/io/convoy/zoo/),
so that their trainable parameter counts and multiply-adds equal what `convoy models` prints:

  resnet<6n+2>              CifarResNet, option-A shortcuts (e.g. resnet20, resnet56)
  densenet[_bc]_<L>_<k>     DenseNet.cifar (e.g. densenet_bc_100_12)
  fractalnet_20             FractalNet B=5 C=3, 1x1 entry projections, drop-path (local 0.15, global on half
                            the minibatches) and block dropout 0.1..0.4: the zoo's fractalnet_20
  fractalnet_20_plain       the same without drop-path and dropout
  fractalnet_20_as_released no entry projections (the authors' Caffe wiring), drop-path + dropout
  fractalnet_b<B>_c<C>[_as_released]

Method (BenchTrainCommand): 4 minibatches of uniform [0, 1) float32 images held in memory, labels
(r + i) % classes; SGD with Nesterov momentum 0.9, lr 0.01, L2 1e-4 on conv/linear weights; softmax
cross-entropy; `--warmup` untimed minibatches, then `--windows` timed windows of `--window-batches`
minibatches each (minibatch i % 4 within a window); the median window rate (the upper one for an even
count, as Convoy's sorted[n / 2]), min and max in images/s.

Run with Debian's interpreter (/usr/bin/python3), which is the one python3-torch is installed for.
"""
import argparse
import json
import math
import platform
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------------------

def scaled(published, width):
    """ModelRequest.channels: max(1, Java Math.round(c * w)), i.e. rounding halves up (not Python's round)."""
    if width == 1.0:
        return published
    return max(1, int(math.floor(published * width + 0.5)))


def conv(cin, cout, kernel, stride=1):
    """Bias-free convolution (Blocks.conv: BatchNorm always follows). DL4J's ConvolutionMode.Same pads a
    stride-2 3x3 on an even input at the bottom/right only; symmetric padding k//2 gives the same output
    size and the same arithmetic, shifted by one pixel."""
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)


class ConvBnRelu(nn.Sequential):
    """Blocks.convBnRelu: conv -> BN -> ReLU."""

    def __init__(self, cin, cout, kernel, stride=1):
        super().__init__(conv(cin, cout, kernel, stride), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class BnReluConv(nn.Sequential):
    """Blocks.bnReluConv: BN -> ReLU -> conv (pre-activation order)."""

    def __init__(self, cin, cout, kernel):
        super().__init__(nn.BatchNorm2d(cin), nn.ReLU(inplace=True), conv(cin, cout, kernel))


class Classifier(nn.Module):
    """Blocks.classifier: global average pooling and a dense layer with bias (softmax is in the loss)."""

    def __init__(self, cin, classes):
        super().__init__()
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def init_weights(model):
    """Blocks.graph: WeightInit.RELU (He normal, fan-in) for convolutions, XAVIER for the classifier."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
        elif isinstance(m, nn.Linear):
            nn.init.xavier_normal_(m.weight)
            nn.init.zeros_(m.bias)


# ---------------------------------------------------------------------------------------------------------
# CIFAR ResNet (CifarResNet, shortcut option A)
# ---------------------------------------------------------------------------------------------------------

class BasicBlock(nn.Module):
    """conv3x3 -> BN -> ReLU -> conv3x3 -> BN, plus the shortcut, then ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.branch = nn.Sequential(ConvBnRelu(cin, cout, 3, stride), conv(cout, cout, 3), nn.BatchNorm2d(cout))
        self.stride = stride
        self.pad = cout - cin
        if self.pad < 0:
            raise ValueError(f"option A shortcut cannot narrow {cin} -> {cout} channels")

    def shortcut(self, x):
        # Option A (CifarResNetShortcuts.zeroPad): keep every other pixel, append zero channels after the input's
        if self.stride != 1:
            x = x[:, :, ::self.stride, ::self.stride]
        if self.pad:
            x = F.pad(x, (0, 0, 0, 0, 0, self.pad))
        return x

    def forward(self, x):
        return F.relu(self.branch(x) + self.shortcut(x), inplace=True)


class CifarResNet(nn.Module):
    def __init__(self, depth, width=1.0, classes=10, in_channels=3):
        super().__init__()
        if depth < 8 or (depth - 2) % 6:
            raise ValueError(f"CIFAR ResNet depth must be 6n+2 with n >= 1, got {depth}")
        n = (depth - 2) // 6
        widths = [scaled(c, width) for c in (16, 32, 64)]
        layers = [ConvBnRelu(in_channels, widths[0], 3)]
        channels = widths[0]
        for s, w in enumerate(widths):
            for b in range(n):
                layers.append(BasicBlock(channels, w, 2 if s > 0 and b == 0 else 1))
                channels = w
        self.features = nn.Sequential(*layers)
        self.classifier = Classifier(channels, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


# ---------------------------------------------------------------------------------------------------------
# CIFAR DenseNet (DenseNet.cifar)
# ---------------------------------------------------------------------------------------------------------

class DenseLayer(nn.Module):
    """[BN -> ReLU -> conv1x1 to 4k (BC)] -> BN -> ReLU -> conv3x3 to k, concatenated to its input."""

    def __init__(self, cin, k, bc):
        super().__init__()
        parts = [BnReluConv(cin, 4 * k, 1), BnReluConv(4 * k, k, 3)] if bc else [BnReluConv(cin, k, 3)]
        self.body = nn.Sequential(*parts)

    def forward(self, x):
        return torch.cat([x, self.body(x)], 1)


class CifarDenseNet(nn.Module):
    def __init__(self, depth, growth, bc, width=1.0, classes=10, in_channels=3):
        super().__init__()
        if (depth < 10 or (depth - 4) % 6) if bc else (depth < 7 or (depth - 4) % 3):
            raise ValueError(f"CIFAR DenseNet{'-BC' if bc else ''} depth {depth} is not valid")
        per_block = (depth - 4) // 6 if bc else (depth - 4) // 3
        k = scaled(growth, width)
        channels = 2 * k if bc else scaled(16, width)
        layers = [conv(in_channels, channels, 3)]  # CIFAR stem: a bare 3x3 conv (the first dense layer's BN follows)
        for b in range(3):
            for _ in range(per_block):
                layers.append(DenseLayer(channels, k, bc))
                channels += k
            if b < 2:  # transition: BN -> ReLU -> conv1x1 (compression 0.5 for BC, integer halving) -> avgpool 2
                out = channels // 2 if bc else channels
                layers += [BnReluConv(channels, out, 1), nn.AvgPool2d(2, 2)]
                channels = out
        layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True)]
        self.features = nn.Sequential(*layers)
        self.classifier = Classifier(channels, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


# ---------------------------------------------------------------------------------------------------------
# FractalNet (FractalNet + DropPathJoinVertex)
# ---------------------------------------------------------------------------------------------------------

_MASK = (1 << 64) - 1


def draw(seed, stream, iteration):
    """Draws.uniform: Convoy's SplitMix-style hash of (seed, stream, iteration) to [0, 1), in Java long arithmetic."""
    z = (seed + 0x9E3779B97F4A7C15 * (stream + 3) + 0xBF58476D1CE4E5B9 * (iteration + 1)) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z ^= z >> 31
    return (z >> 11) * 2.0 ** -53


class DropPathState:
    """Per-minibatch drop-path mode shared by every join of the net (DropPathJoinVertex.kept)."""

    def __init__(self, columns, local_drop, global_ratio, seed):
        self.columns, self.local_drop, self.global_ratio, self.seed = columns, local_drop, global_ratio, seed
        self.iteration = 0
        self.training = False
        self.global_column = 0  # 0: local mode

    def begin(self, training):
        """Decide global or local mode for this minibatch (the draws of Convoy's streams -1 and -2)."""
        self.training = training
        self.global_column = 0
        if training and draw(self.seed, -1, self.iteration) < self.global_ratio:
            self.global_column = 1 + int(draw(self.seed, -2, self.iteration) * self.columns)

    def kept(self, index, cols):
        if not self.training:
            return [True] * len(cols)
        if self.global_column:
            keep = [c == self.global_column for c in cols]
            # a join off the chosen column's path feeds only dropped columns: average as usual
            return keep if any(keep) else [True] * len(cols)
        keep = [draw(self.seed, index * 64 + i, self.iteration) >= self.local_drop for i in range(len(cols))]
        if not any(keep):
            keep[int(draw(self.seed, index * 64 + 63, self.iteration) * len(keep))] = True
        return keep


class _MeanOfKept(torch.autograd.Function):
    """DropPathJoinVertexImpl: forward averages the kept inputs; backward sends grad / count to kept inputs and
    zeros to dropped ones, so dropped branches are still back-propagated (as DL4J does) rather than pruned."""

    @staticmethod
    def forward(ctx, keep, *xs):
        idx = [i for i, k in enumerate(keep) if k]
        out = xs[idx[0]].clone()
        for i in idx[1:]:
            out.add_(xs[i])
        out.div_(len(idx))
        ctx.keep, ctx.count = keep, len(idx)
        return out

    @staticmethod
    def backward(ctx, grad):
        g = grad / ctx.count
        return (None,) + tuple(g if k else torch.zeros_like(grad) for k in ctx.keep)


class Join(nn.Module):
    def __init__(self, index, cols, state, prune):
        super().__init__()
        self.index, self.cols, self.prune = index, list(cols), prune
        self.state = [state]  # in a list so that nn.Module does not treat it as an attribute to register

    def forward(self, xs):
        keep = self.state[0].kept(self.index, self.cols)
        if all(keep):
            out = xs[0]
            for x in xs[1:]:
                out = out + x
            return out / len(xs)
        if self.prune:  # the PyTorch-natural form: autograd skips what a dropped input alone feeds
            kept = [x for x, k in zip(xs, keep) if k]
            return sum(kept[1:], kept[0]) / len(kept)
        return _MeanOfKept.apply(tuple(keep), *xs)


class Fractal(nn.Module):
    """f_1(z) = conv(z); f_{c}(z) = [f_{c-1} o join o f_{c-1}](z) alongside conv(z), returned as a list of column
    outputs for the enclosing join. Columns are numbered for the whole block: f_c nested `offset` deep spans
    columns offset+1 .. offset+c."""

    def __init__(self, c, cin, cout, offset, state, counter, prune):
        super().__init__()
        self.c = c
        if c > 1:
            self.first = Fractal(c - 1, cin, cout, offset + 1, state, counter, prune)
            counter[0] += 1
            self.join = Join(counter[0], self.first.columns(), state, prune)
            self.second = Fractal(c - 1, cout, cout, offset + 1, state, counter, prune)
        self.conv = ConvBnRelu(cin, cout, 3)
        self.column = offset + 1

    def columns(self):
        return (self.second.columns() if self.c > 1 else []) + [self.column]

    def forward(self, z):
        outs = self.second(self.join(self.first(z))) if self.c > 1 else []
        return outs + [self.conv(z)]


class FractalNet(nn.Module):
    CHANNELS = (64, 128, 256, 512, 512)

    def __init__(self, blocks=5, columns=3, local_drop=0.15, global_ratio=0.5, block_dropout=True,
                 entry_projection=True, width=1.0, classes=10, in_channels=3, seed=42, prune=False):
        super().__init__()
        self.state = DropPathState(columns, local_drop, global_ratio, seed)
        counter = [0]  # join indices, standing in for DL4J's vertex indices in the drop-path draws
        stages = []
        cin = in_channels
        for b in range(blocks):
            c = scaled(self.CHANNELS[b], width)
            stage = nn.Module()
            # 1x1 conv -> BN -> ReLU where the width changes (blocks 1-4), so all 3x3 convs are c -> c
            stage.entry = ConvBnRelu(cin, c, 1) if entry_projection and c != cin else nn.Identity()
            first_in = c if entry_projection else cin
            stage.fractal = Fractal(columns, first_in, c, 0, self.state, counter, prune)
            counter[0] += 1
            stage.join = Join(counter[0], stage.fractal.columns(), self.state, prune)
            stage.pool = nn.MaxPool2d(2, 2)
            stage.dropout = nn.Dropout(0.1 * b) if block_dropout and b > 0 else nn.Identity()
            stages.append(stage)
            cin = c
        self.stages = nn.ModuleList(stages)
        self.classifier = Classifier(cin, classes)

    def forward(self, x):
        self.state.begin(self.training)
        for s in self.stages:
            x = s.dropout(s.pool(s.join(s.fractal(s.entry(x)))))
        if self.training:
            self.state.iteration += 1
        return self.classifier(x)


# ---------------------------------------------------------------------------------------------------------
# Names, counts, benchmark
# ---------------------------------------------------------------------------------------------------------

def build(name, width=1.0, classes=10, in_channels=3, seed=42, prune=False):
    common = dict(width=width, classes=classes, in_channels=in_channels)
    m = re.fullmatch(r"resnet(\d+)", name)
    if m:
        return CifarResNet(int(m.group(1)), **common)
    m = re.fullmatch(r"densenet(_bc)?_(\d+)_(\d+)", name)
    if m:
        return CifarDenseNet(int(m.group(2)), int(m.group(3)), m.group(1) is not None, **common)
    fractal = dict(seed=seed, prune=prune, **common)
    if name == "fractalnet_20":
        return FractalNet(5, 3, 0.15, 0.5, True, True, **fractal)
    if name == "fractalnet_20_plain":
        return FractalNet(5, 3, 0.0, 0.0, False, True, **fractal)
    if name == "fractalnet_20_as_released":
        return FractalNet(5, 3, 0.15, 0.5, True, False, **fractal)
    m = re.fullmatch(r"fractalnet_b(\d+)_c(\d+)(_as_released)?", name)
    if m:
        return FractalNet(int(m.group(1)), int(m.group(2)), 0.15, 0.5, True, m.group(3) is None, **fractal)
    raise SystemExit(f"unknown model '{name}': expected resnet<6n+2>, densenet[_bc]_<L>_<k>, fractalnet_20"
                     "[_plain|_as_released] or fractalnet_b<B>_c<C>[_as_released]")


def trainable_params(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def multiply_adds(model, shape):
    """Complexity.multiplyAdds: k*k*cin*cout*Hout*Wout per conv, in*out per dense layer, for one image."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            total[0] += kh * kw * (m.in_channels // m.groups) * m.out_channels * out.shape[2] * out.shape[3]
        else:
            total[0] += m.in_features * m.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    model.train(was_training)
    for h in handles:
        h.remove()
    return total[0]


def optimizer(model, weight_decay=1e-4):
    """Nesterovs(0.01, 0.9) with L2 on conv and dense weights only (not biases, not BatchNorm)."""
    decay = [m.weight for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    ids = {id(p) for p in decay}
    rest = [p for p in model.parameters() if id(p) not in ids]
    return torch.optim.SGD([{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}],
                           lr=0.01, momentum=0.9, nesterov=True)


def parse_shape(s):
    try:
        c, h, w = (int(v) for v in s.lower().split("x"))
        assert c > 0 and h > 0 and w > 0
        return c, h, w
    except (ValueError, AssertionError):
        raise SystemExit(f"--input {s}: expected channels x height x width, e.g. 3x32x32")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="resnet20")
    p.add_argument("--width-multiplier", type=float, default=1.0, help="c -> max(1, round(c * W)) (default 1)")
    p.add_argument("--input", default="3x32x32", help="CxHxW (default 3x32x32)")
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=3, help="untimed minibatches first (default 3)")
    p.add_argument("--windows", type=int, default=5, help="timed windows (default 5)")
    p.add_argument("--window-batches", type=int, default=5, help="minibatches per window (default 5)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2); inter-op is 1")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--prune-dropped", action="store_true",
                   help="FractalNet: let autograd skip branches that drop-path removed (DL4J back-propagates zeros "
                        "through them; the default does the same)")
    p.add_argument("--count-only", action="store_true", help="print parameters and multiply-adds, do not time")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    a = p.parse_args()
    if a.batch < 1 or a.windows < 1 or a.window_batches < 1 or a.warmup < 0 or a.threads < 1:
        raise SystemExit("--batch, --windows, --window-batches and --threads must be >= 1 and --warmup >= 0")
    if not (a.width_multiplier > 0 and math.isfinite(a.width_multiplier)):
        raise SystemExit("--width-multiplier must be a finite value > 0")

    # must precede any parallel work: set_num_interop_threads fails once the pool has started
    torch.set_num_interop_threads(1)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    shape = parse_shape(a.input)

    model = build(a.model, a.width_multiplier, a.classes, shape[0], a.seed, a.prune_dropped)
    init_weights(model)
    params = trainable_params(model)
    head = {"framework": "pytorch", "torch": torch.__version__, "model": a.model, "width": a.width_multiplier,
            "params": params}

    if a.count_only:
        macs = multiply_adds(model, shape)
        # Convoy's Complexity.multiplyAdds also counts every BatchNormalization as a dense layer (it extends DL4J's
        # FeedForwardLayer), adding C*C per BN: this is the figure `convoy models` prints
        convoy = macs + sum(m.num_features ** 2 for m in model.modules() if isinstance(m, nn.BatchNorm2d))
        if a.json:
            print(json.dumps({**head, "multiply_adds": macs, "convoy_multiply_adds": convoy, "input": a.input,
                              "classes": a.classes}))
        else:
            print(f"{a.model} (width {a.width_multiplier:g}) {a.input}/{a.classes}: {params:,} parameters, "
                  f"{macs:,} multiply-adds per image (convoy models prints {convoy:,}: it counts BatchNorm as C*C)")
        return

    # 4 fixed minibatches: uniform [0, 1) images (Nd4j.rand), labels (r + i) % classes (the one-hot's argmax)
    data = [(torch.rand(a.batch, *shape), (torch.arange(a.batch) + i) % a.classes) for i in range(4)]
    opt = optimizer(model)
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    for i in range(a.warmup):
        step(*data[i % 4])
    rates = []
    for _ in range(a.windows):
        t0 = time.perf_counter()
        for i in range(a.window_batches):
            step(*data[i % 4])
        rates.append(a.batch * a.window_batches / (time.perf_counter() - t0))
    ordered = sorted(rates)
    median = ordered[len(ordered) // 2]  # Convoy's sorted[windows / 2]

    if a.json:
        print(json.dumps({**head, "batch": a.batch, "threads": a.threads, "median_img_s": round(median, 2),
                          "min_img_s": round(ordered[0], 2), "max_img_s": round(ordered[-1], 2),
                          "windows": [round(r, 2) for r in rates], "warmup": a.warmup,
                          "window_batches": a.window_batches, "input": a.input, "classes": a.classes,
                          "mkldnn": torch.backends.mkldnn.is_available(), "python": platform.python_version()}))
    else:
        print(f"pytorch {torch.__version__} ({a.threads} threads, oneDNN "
              f"{'on' if torch.backends.mkldnn.is_available() else 'off'}), {a.model} width {a.width_multiplier:g}, "
              f"{params:,} params")
        print(f"{a.model} {a.input} batch {a.batch}: median {median:.1f} img/s over {a.windows} windows of "
              f"{a.window_batches} minibatches (min {ordered[0]:.1f}, max {ordered[-1]:.1f})")


if __name__ == "__main__":
    sys.exit(main())
