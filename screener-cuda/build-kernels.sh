#!/usr/bin/env bash
# Rebuilds the committed kernel resources from src/main/cuda/*.cu (needs nvcc >= 12 and a host gcc).
# For each kernel file it writes, under src/main/resources/org/screener/cuda/kernels/:
#   NAME.ptx     PTX for compute_80 (JIT-compiled by the driver on any sm_80+ GPU)
#   NAME.fatbin  sm_80 + sm_90 SASS plus compute_90 PTX (what DensityKernels loads first)
# and prints ptxas register / spill reports for sm_80 and sm_90 to kernels/ptxas-report.txt.
# Maven and CI never run this; only rerun it after editing a .cu file, and commit the outputs.
set -euo pipefail
cd "$(dirname "$0")"
NVCC=${NVCC:-nvcc}
PTXAS=${PTXAS:-ptxas}
SRC=src/main/cuda
OUT=src/main/resources/org/screener/cuda/kernels
FLAGS=(-O3 -lineinfo -std=c++17)   # no --use_fast_math: the kernels use __expf explicitly where wanted
mkdir -p "$OUT"
report="$OUT/ptxas-report.txt"
echo "# ptxas -v reports, $("$NVCC" --version | tail -n 2 | head -n 1)" > "$report"
for cu in "$SRC"/*.cu; do
    name=$(basename "$cu" .cu)
    "$NVCC" "${FLAGS[@]}" -ptx -arch=compute_80 "$cu" -o "$OUT/$name.ptx"
    "$NVCC" "${FLAGS[@]}" -fatbin \
        -gencode arch=compute_80,code=sm_80 \
        -gencode arch=compute_90,code=sm_90 \
        -gencode arch=compute_90,code=compute_90 \
        "$cu" -o "$OUT/$name.fatbin"
    for sm in sm_80 sm_90; do
        echo "## $name $sm" >> "$report"
        "$PTXAS" -arch=$sm -v "$OUT/$name.ptx" -o /dev/null 2>&1 | grep -v -e "^$" -e "Compile time" >> "$report"
    done
    echo "built $name"
done
cat "$report"
