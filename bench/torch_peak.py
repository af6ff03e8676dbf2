#!/usr/bin/python3
"""Single-precision peak of PyTorch (CPU) on this machine: a square GEMM and a 3x3 convolution forward.

Three figures, each the median GFLOP/s over timed repetitions after a warm-up, a few seconds each:
  gemm      torch.mm of two n x n matrices (2 n^3 flops): goes through the BLAS torch is linked to, which
            for Debian's python3-torch is whatever /usr/lib/x86_64-linux-gnu/libblas.so.3 points at (the
            reference netlib BLAS unless OpenBLAS/BLIS is installed); that library is reported
  gemm_onednn the same product as a 1x1 convolution (n images of n channels, n filters), which torch sends
            to oneDNN: the GEMM speed the convolutions of a net can get
  conv3x3   F.conv2d forward, N x Cin x H x W, Cout filters, padding 1 (2 N Cout H W Cin 9 flops), via oneDNN

Sizes shrink (halving n, or the conv batch) if one call would not fit the time budget; the sizes used are
reported. Run with Debian's interpreter (/usr/bin/python3), which python3-torch is installed for.
"""
import argparse
import json
import os
import platform
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(fn, flops, seconds, min_reps=3, max_reps=50):
    """Warm-up call, then as many timed calls as fit in `seconds` (at least min_reps): median, min, max GFLOP/s."""
    first = timed(fn)
    reps = max(min_reps, min(max_reps, int(seconds / max(first, 1e-6))))
    rates = [flops / timed(fn) / 1e9 for _ in range(reps)]
    return statistics.median(rates), min(rates), max(rates), reps


def fit(size, cost, seconds, smallest):
    """Halve `size` until one call (cost(size) is its time, taken after a warm-up) is under a third of the budget."""
    while size > smallest and cost(size) > seconds / 3:
        size //= 2
    return size


def blas_library():
    """The BLAS shared object actually mapped into this process (Debian switches it with update-alternatives)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if re.search(r"lib(open)?blas|libblis|libmkl", line)}
    except OSError:
        return "unknown"
    return ", ".join(sorted({os.path.realpath(p) for p in libs})) or "none mapped"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2); inter-op is 1")
    p.add_argument("--gemm-size", type=int, default=2048, help="largest n for the n x n GEMMs (default 2048)")
    p.add_argument("--conv-batch", type=int, default=32)
    p.add_argument("--conv-channels", type=int, default=128, help="Cin = Cout (default 128)")
    p.add_argument("--conv-size", type=int, default=56, help="H = W (default 56)")
    p.add_argument("--seconds", type=float, default=3.0, help="time budget per measurement (default 3)")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    a = p.parse_args()
    if a.threads < 1 or a.gemm_size < 1 or a.conv_batch < 1 or a.conv_channels < 1 or a.conv_size < 1:
        raise SystemExit("sizes and --threads must be >= 1")

    torch.set_num_interop_threads(1)  # before any parallel work
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    with torch.no_grad():
        # (1) torch.mm through the linked BLAS
        def mm_cost(n):
            x, y = torch.rand(n, n), torch.rand(n, n)
            timed(lambda: torch.mm(x, y))  # warm-up
            return timed(lambda: torch.mm(x, y))
        # start small so that a slow BLAS does not spend the budget on one huge call; grow while 8x fits
        n = min(256, a.gemm_size)
        while n * 2 <= a.gemm_size and 8 * mm_cost(n) < a.seconds / 3:
            n *= 2
        x, y = torch.rand(n, n), torch.rand(n, n)
        gemm = measure(lambda: torch.mm(x, y), 2.0 * n ** 3, a.seconds)

        # (2) the same product as a 1x1 convolution (oneDNN): n images x n channels times n filters
        def dnn_cost(m):
            xi, wi = torch.rand(m, m, 1, 1), torch.rand(m, m, 1, 1)
            timed(lambda: F.conv2d(xi, wi))
            return timed(lambda: F.conv2d(xi, wi))
        m = fit(a.gemm_size, dnn_cost, a.seconds, 256)
        xi, wi = torch.rand(m, m, 1, 1), torch.rand(m, m, 1, 1)
        gemm_dnn = measure(lambda: F.conv2d(xi, wi), 2.0 * m ** 3, a.seconds)

        # (3) 3x3 convolution forward
        c, s = a.conv_channels, a.conv_size

        def conv_cost(b):
            xc, wc = torch.rand(b, c, s, s), torch.rand(c, c, 3, 3)
            timed(lambda: F.conv2d(xc, wc, padding=1))
            return timed(lambda: F.conv2d(xc, wc, padding=1))
        b = fit(a.conv_batch, conv_cost, a.seconds, 1)
        xc, wc = torch.rand(b, c, s, s), torch.rand(c, c, 3, 3)
        conv = measure(lambda: F.conv2d(xc, wc, padding=1), 2.0 * b * c * s * s * c * 9, a.seconds)

    blas = blas_library()
    if a.json:
        r = lambda v: round(v, 2)
        print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "threads": a.threads,
                          "gemm_gflops": r(gemm[0]), "gemm_n": n, "gemm_min_max": [r(gemm[1]), r(gemm[2])],
                          "gemm_reps": gemm[3], "blas": blas,
                          "gemm_onednn_gflops": r(gemm_dnn[0]), "gemm_onednn_n": m,
                          "gemm_onednn_min_max": [r(gemm_dnn[1]), r(gemm_dnn[2])], "gemm_onednn_reps": gemm_dnn[3],
                          "conv3x3_gflops": r(conv[0]), "conv3x3_shape": [b, c, s, s], "conv3x3_cout": c,
                          "conv3x3_min_max": [r(conv[1]), r(conv[2])], "conv3x3_reps": conv[3],
                          "mkldnn": torch.backends.mkldnn.is_available(), "python": platform.python_version()}))
    else:
        print(f"pytorch {torch.__version__}, {a.threads} threads, BLAS {blas}")
        print(f"gemm        torch.mm {n}x{n}: median {gemm[0]:.1f} GFLOP/s over {gemm[3]} reps "
              f"(min {gemm[1]:.1f}, max {gemm[2]:.1f})")
        print(f"gemm_onednn 1x1 conv {m}x{m}x{m}: median {gemm_dnn[0]:.1f} GFLOP/s over {gemm_dnn[3]} reps "
              f"(min {gemm_dnn[1]:.1f}, max {gemm_dnn[2]:.1f})")
        print(f"conv3x3     {b}x{c}x{s}x{s} -> {c} filters, padding 1: median {conv[0]:.1f} GFLOP/s over "
              f"{conv[3]} reps (min {conv[1]:.1f}, max {conv[2]:.1f})")


if __name__ == "__main__":
    sys.exit(main())
