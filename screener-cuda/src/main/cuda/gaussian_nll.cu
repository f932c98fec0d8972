// Per-voxel diagonal Gaussian NLL over channels, layout (N, d, V) channel-major per voxel.
//   nll[n,v] = 0.5 * sum_c [ (y-mu)^2 * exp(-lv) + lv + log(2 pi) ]
// One thread per (n, v): the channel loop reads d coalesced rows (stride V), no reduction across threads.
// CPU reference: org.screener.cuda.ref.GaussianNllRef.
#define LOG_2PI 1.8378770664093453f

extern "C" __global__ void gaussian_nll_forward(const float* __restrict__ y, const float* __restrict__ mu,
                                                const float* __restrict__ lv, float* __restrict__ nll,
                                                int n, int d, int v) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)n * v) return;
    long long b = idx / v, s = idx - b * v;
    long long base = b * d * (long long)v + s;
    float acc = 0.f;
    for (int c = 0; c < d; c++) {
        long long k = base + (long long)c * v;
        float r = y[k] - mu[k], l = lv[k];
        acc += r * r * __expf(-l) + l;
    }
    nll[idx] = 0.5f * (acc + d * LOG_2PI);
}

// Given g = dL/dnll (N, V): dy = g (y-mu) exp(-lv); dmu = -dy; dlv = 0.5 g (1 - (y-mu)^2 exp(-lv)).
// One thread per element of (N, d, V); any output pointer may be null to skip it.
extern "C" __global__ void gaussian_nll_backward(const float* __restrict__ y, const float* __restrict__ mu,
                                                 const float* __restrict__ lv, const float* __restrict__ g,
                                                 float* __restrict__ dy, float* __restrict__ dmu,
                                                 float* __restrict__ dlv, int n, int d, int v) {
    long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long)n * d * v;
    if (k >= total) return;
    long long s = k % v, b = k / ((long long)d * v);
    float gv = g[b * v + s];
    float r = y[k] - mu[k], e = __expf(-lv[k]);
    float gy = gv * r * e;
    if (dy) dy[k] = gy;
    if (dmu) dmu[k] = -gy;
    if (dlv) dlv[k] = 0.5f * gv * (1.f - r * r * e);
}
