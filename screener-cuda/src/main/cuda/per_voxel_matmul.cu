// Glow's invertible 1x1x1 convolution per voxel: y[n,:,v] = W x[n,:,v], W (p, d), x (N, d, V), p, d <= 64.
// CPU reference: org.screener.cuda.ref.PerVoxelMatmulRef (agrees with org.screener.core.ops.Linalg.perVoxelMatmul).
#define PVM_TILE 128   // voxels per block in forward / dx; blockDim.x must equal it
#define PVM_WTILE 32   // voxels per tile in dW

// Forward (trans = 0): y (N, p, V) = W x.  dx (trans = 1): out (N, d, V) = W^T dy with x := dy (N, p, V).
// W and the block's x tile sit in dynamic shared memory: (rows*cols + cols*PVM_TILE) floats <= 48 KiB.
// Each thread owns one voxel; W reads are broadcasts, tile reads xs[i][tid] are bank-conflict free.
extern "C" __global__ void per_voxel_matmul(const float* __restrict__ w, const float* __restrict__ x,
                                            float* __restrict__ y, int n, int p, int d, int v, int trans) {
    extern __shared__ float sm[];
    int rows = trans ? d : p, cols = trans ? p : d;   // out channels, in channels
    float* ws = sm;                    // [rows][cols]
    float* xs = sm + rows * cols;      // [cols][PVM_TILE]
    for (int e = threadIdx.x; e < rows * cols; e += blockDim.x) {
        int o = e / cols, i = e - o * cols;
        ws[e] = trans ? w[i * d + o] : w[o * d + i];
    }
    int b = blockIdx.y;
    long long s = (long long)blockIdx.x * PVM_TILE + threadIdx.x;
    bool live = s < v;
    const float* xp = x + (long long)b * cols * v + s;
    for (int i = 0; i < cols; i++) xs[i * PVM_TILE + threadIdx.x] = live ? xp[(long long)i * v] : 0.f;
    __syncthreads();
    if (!live) return;
    float* yp = y + (long long)b * rows * v + s;
    for (int o = 0; o < rows; o++) {
        const float* wr = ws + o * cols;
        float acc = 0.f;
        for (int i = 0; i < cols; i++) acc = fmaf(wr[i], xs[i * PVM_TILE + threadIdx.x], acc);
        yp[(long long)o * v] = acc;
    }
}

// dW partials: part[blockIdx.x][p*d] = sum over this block's voxels (flattened m = n*V + v) of dy[:,m] x[:,m]^T.
// The block stages PVM_WTILE voxels of dy and x in shared memory; thread e owns entries e, e+blockDim, ... of
// its block's p*d accumulator (in shared memory, no atomics), so the sum is deterministic.
// Shared: (p*PVM_WTILE + d*(PVM_WTILE+1) + p*d) floats; the +1 pad keeps x-row reads conflict free.
extern "C" __global__ void per_voxel_matmul_dw_partial(const float* __restrict__ dy, const float* __restrict__ x,
                                                       float* __restrict__ part, int n, int p, int d, int v) {
    extern __shared__ float sm[];
    const int xst = PVM_WTILE + 1;
    float* gs = sm;                          // [p][PVM_WTILE]
    float* xs = gs + p * PVM_WTILE;          // [d][PVM_WTILE+1]
    float* acc = xs + d * xst;               // [p*d]
    int pd = p * d;
    for (int e = threadIdx.x; e < pd; e += blockDim.x) acc[e] = 0.f;
    long long total = (long long)n * v;
    for (long long m0 = (long long)blockIdx.x * PVM_WTILE; m0 < total; m0 += (long long)gridDim.x * PVM_WTILE) {
        __syncthreads();   // previous tile fully consumed
        for (int e = threadIdx.x; e < (p + d) * PVM_WTILE; e += blockDim.x) {
            int row = e / PVM_WTILE, t = e - row * PVM_WTILE;
            long long m = m0 + t;
            float val = 0.f;
            if (m < total) {
                long long b = m / v, s = m - b * v;
                val = row < p ? dy[(b * p + row) * (long long)v + s] : x[(b * d + (row - p)) * (long long)v + s];
            }
            if (row < p) gs[row * PVM_WTILE + t] = val; else xs[(row - p) * xst + t] = val;
        }
        __syncthreads();
        for (int e = threadIdx.x; e < pd; e += blockDim.x) {
            int o = e / d, i = e - o * d;
            const float* gr = gs + o * PVM_WTILE;
            const float* xr = xs + i * xst;
            float a = acc[e];
            #pragma unroll 8
            for (int t = 0; t < PVM_WTILE; t++) a = fmaf(gr[t], xr[t], a);
            acc[e] = a;
        }
    }
    __syncthreads();
    for (int e = threadIdx.x; e < pd; e += blockDim.x) part[(long long)blockIdx.x * pd + e] = acc[e];
}

// dW[e] = sum over blocks of part[blk][e]; consecutive threads read consecutive entries (coalesced).
extern "C" __global__ void per_voxel_matmul_dw_reduce(const float* __restrict__ part, float* __restrict__ dw,
                                                      int blocks, int pd) {
    int e = blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= pd) return;
    float a = 0.f;
    for (int k = 0; k < blocks; k++) a += part[(long long)k * pd + e];
    dw[e] = a;
}
