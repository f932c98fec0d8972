#!/usr/bin/env bash
# Checks the kernel sources' index and tiling logic on the CPU (no GPU, no nvcc): compiles src/main/cuda/*.cu with
# g++ against a tiny emulation of blocks, threads, shared memory and __syncthreads (src/test/cuda-emu/emu.h) and
# compares every kernel with its double-precision definition. Not a substitute for the GPU tests.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${CXX:-g++} -std=c++20 -O1 -pthread -Wall -Wno-unknown-pragmas src/test/cuda-emu/emu_check.cpp -o "$out/emu_check"
"$out/emu_check"
