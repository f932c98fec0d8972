// A CPU emulation of the tiny CUDA subset the density kernels use, for checking their index and tiling logic
// without a GPU: every block runs its threads as std::threads, __syncthreads is a std::barrier, shared memory
// is one static buffer (blocks run one after another). It says nothing about speed, warps, races that the
// hardware would expose differently, or __expf's accuracy.
#pragma once
#include <barrier>
#include <cmath>
#include <functional>
#include <thread>
#include <vector>

struct dim3 { unsigned x = 1, y = 1, z = 1; };
inline thread_local dim3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;
inline thread_local std::barrier<>* emu_barrier;

extern "C" { inline float sm[12288 + 64]; }   // 48 KiB of dynamic shared memory, the kernels' limit

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__
#define __syncthreads() emu_barrier->arrive_and_wait()
#define __expf expf

template <class F>
void launch(dim3 grid, dim3 block, size_t shared_bytes, F kernel) {
    if (shared_bytes > sizeof(sm)) throw std::runtime_error("emulated launch: too much shared memory");
    gridDim = grid;
    blockDim = block;
    for (unsigned by = 0; by < grid.y; by++)
        for (unsigned bx = 0; bx < grid.x; bx++) {
            std::barrier<> bar(block.x);
            std::vector<std::thread> ts;
            for (unsigned t = 0; t < block.x; t++)
                ts.emplace_back([&, t] {
                    threadIdx = {t, 0, 0};
                    blockIdx = {bx, by, 0};
                    emu_barrier = &bar;
                    kernel();
                    bar.arrive_and_drop();   // exited threads stop counting, as on the GPU
                });
            for (auto& t : ts) t.join();
        }
}
