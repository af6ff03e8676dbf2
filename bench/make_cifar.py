#!/usr/bin/env python3
"""Writes CIFAR-10-format binaries (data_batch_1.bin, test_batch.bin) of synthetic images for the benchmarks.

Each record is one label byte and 3x32x32 pixel bytes, as in the real data set. Pixels are noise around a
class-dependent colour, so a network can learn something, but only the throughput figures matter here.
usage: make_cifar.py DIR TRAIN_RECORDS TEST_RECORDS
"""
import os
import random
import sys


def write(path, n, rng):
    with open(path + ".part", "wb") as f:
        for i in range(n):
            label = i % 10
            base = [(label * 25 + 40 * c) % 256 for c in range(3)]
            pixels = bytearray(3 * 1024)
            for c in range(3):
                noise = rng.randbytes(1024)
                for j in range(1024):
                    pixels[c * 1024 + j] = (base[c] + noise[j] // 2) % 256
            f.write(bytes([label]))
            f.write(pixels)
    os.replace(path + ".part", path)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    out, train, test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    rng = random.Random(42)
    write(os.path.join(out, "data_batch_1.bin"), train, rng)
    write(os.path.join(out, "test_batch.bin"), test, rng)


if __name__ == "__main__":
    main()
