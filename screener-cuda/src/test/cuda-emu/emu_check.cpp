// Runs the density kernels' source under the CPU emulation (emu.h) and compares them with the double-precision
// definitions (the same formulas as org.screener.cuda.ref.*Ref) on awkward sizes. Build and run: ../../../emulate-kernels.sh
#include "emu.h"
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include "../../main/cuda/gaussian_nll.cu"
#include "../../main/cuda/actnorm_affine_coupling.cu"
#include "../../main/cuda/per_voxel_matmul.cu"

using vf = std::vector<float>;
using vd = std::vector<double>;
static std::mt19937_64 rng(7);
static int failures = 0;

static vf rnd(size_t n, double lo, double hi) {
    std::uniform_real_distribution<double> u(lo, hi);
    vf a(n);
    for (auto& x : a) x = (float)u(rng);
    return a;
}

static void cmp(const std::string& what, const vf& got, const vd& want, const vd& mag, double rtol) {
    double worst = 0;
    for (size_t i = 0; i < want.size(); i++) {
        double err = std::fabs(got[i] - want[i]), tol = rtol * (1 + mag[i]);
        if (!(err <= tol)) {
            std::printf("FAIL %s element %zu: %.9g vs %.9g (tol %.3g)\n", what.c_str(), i, got[i], want[i], tol);
            failures++;
            return;
        }
        worst = std::fmax(worst, err / (1 + mag[i]));
    }
    std::printf("ok   %-44s worst scaled error %.2e\n", what.c_str(), worst);
}

static void cmp(const std::string& what, const vf& got, const vd& want, double rtol) {
    vd mag(want.size());
    for (size_t i = 0; i < want.size(); i++) mag[i] = std::fabs(want[i]);
    cmp(what, got, want, mag, rtol);
}

static dim3 grid1(long long threads, unsigned block) { return {(unsigned)((threads + block - 1) / block), 1, 1}; }

static void nll(int n, int d, int v) {
    size_t t = (size_t)n * d * v;
    vf y = rnd(t, -2, 2), mu = rnd(t, -2, 2), lv = rnd(t, -1.5, 1.5), g = rnd((size_t)n * v, -1, 1);
    vf out(n * v), dy(t), dm(t), dl(t);
    launch(grid1((long long)n * v, 64), {64}, 0, [&] { gaussian_nll_forward(y.data(), mu.data(), lv.data(), out.data(), n, d, v); });
    launch(grid1(t, 64), {64}, 0, [&] { gaussian_nll_backward(y.data(), mu.data(), lv.data(), g.data(), dy.data(), dm.data(), dl.data(), n, d, v); });
    vd ro(n * v), rdy(t), rdm(t), rdl(t);
    for (int b = 0; b < n; b++)
        for (int s = 0; s < v; s++) {
            double acc = 0;
            for (int c = 0; c < d; c++) {
                size_t k = ((size_t)b * d + c) * v + s;
                double r = (double)y[k] - mu[k], e = std::exp(-(double)lv[k]), gv = g[(size_t)b * v + s];
                acc += r * r * e + lv[k] + std::log(2 * M_PI);
                rdy[k] = gv * r * e; rdm[k] = -rdy[k]; rdl[k] = 0.5 * gv * (1 - r * r * e);
            }
            ro[(size_t)b * v + s] = 0.5 * acc;
        }
    std::string sz = " N=" + std::to_string(n) + " d=" + std::to_string(d) + " V=" + std::to_string(v);
    cmp("gaussian_nll forward" + sz, out, ro, 1e-5);
    cmp("gaussian_nll dy" + sz, dy, rdy, 1e-5);
    cmp("gaussian_nll dmu" + sz, dm, rdm, 1e-5);
    cmp("gaussian_nll dlogvar" + sz, dl, rdl, 1e-5);
}

static double sig(double x) { return 1 / (1 + std::exp(-x)); }

static void coupling(int n, int d, int v) {
    int da = d / 2, db = d - da, hc = 2 * db;
    size_t t = (size_t)n * d * v;
    vf y = rnd(t, -2, 2), h = rnd((size_t)n * hc * v, -6, 6), go = rnd(t, -1, 1), gl = rnd((size_t)n * v, -1, 1);
    vf out(t), ld(n * v), dy(t), dh(h.size());
    launch(grid1((long long)n * v, 64), {64}, 0, [&] { affine_coupling_forward(y.data(), h.data(), out.data(), ld.data(), n, d, v); });
    launch(grid1((long long)n * v, 64), {64}, 0, [&] { affine_coupling_backward(y.data(), h.data(), go.data(), gl.data(), dy.data(), dh.data(), n, d, v); });
    vd ro(t), rl(n * v), rdy(t), rdh(h.size());
    for (int b = 0; b < n; b++)
        for (int s = 0; s < v; s++) {
            for (int c = 0; c < da; c++) { size_t k = ((size_t)b * d + c) * v + s; ro[k] = y[k]; rdy[k] = go[k]; }
            double acc = 0;
            for (int c = 0; c < db; c++) {
                size_t ky = ((size_t)b * d + da + c) * v + s, kt = ((size_t)b * hc + c) * v + s, ks = ((size_t)b * hc + db + c) * v + s;
                double sg = sig(h[kt] + 2.0);
                ro[ky] = ((double)y[ky] + h[ks]) * sg;
                acc += std::log(sg);
                rdy[ky] = go[ky] * sg; rdh[ks] = rdy[ky];
                rdh[kt] = (go[ky] * ((double)y[ky] + h[ks]) * sg + gl[(size_t)b * v + s]) * (1 - sg);
            }
            rl[(size_t)b * v + s] = acc;
        }
    std::string sz = " N=" + std::to_string(n) + " d=" + std::to_string(d) + " V=" + std::to_string(v);
    cmp("affine_coupling out" + sz, out, ro, 1e-5);
    cmp("affine_coupling logdet" + sz, ld, rl, 1e-5);
    cmp("affine_coupling dy" + sz, dy, rdy, 1e-5);
    cmp("affine_coupling dh" + sz, dh, rdh, 1e-5);
}

static void matmul(int n, int p, int d, int v, int dwBlocksCap) {
    vf w = rnd((size_t)p * d, -1, 1), x = rnd((size_t)n * d * v, -2, 2), g = rnd((size_t)n * p * v, -1, 1);
    vf y((size_t)n * p * v), dx((size_t)n * d * v), dw((size_t)p * d);
    dim3 grid{(unsigned)((v + PVM_TILE - 1) / PVM_TILE), (unsigned)n, 1};
    launch(grid, {PVM_TILE}, (size_t)(p * d + d * PVM_TILE) * 4, [&] { per_voxel_matmul(w.data(), x.data(), y.data(), n, p, d, v, 0); });
    launch(grid, {PVM_TILE}, (size_t)(p * d + p * PVM_TILE) * 4, [&] { per_voxel_matmul(w.data(), g.data(), dx.data(), n, p, d, v, 1); });
    long long total = (long long)n * v;
    int blocks = (int)std::max(1LL, std::min((long long)dwBlocksCap, (total + PVM_WTILE - 1) / PVM_WTILE));
    vf part((size_t)blocks * p * d);
    launch({(unsigned)blocks}, {256}, (size_t)(p * PVM_WTILE + d * (PVM_WTILE + 1) + p * d) * 4,
           [&] { per_voxel_matmul_dw_partial(g.data(), x.data(), part.data(), n, p, d, v); });
    launch(grid1(p * d, 256), {256}, 0, [&] { per_voxel_matmul_dw_reduce(part.data(), dw.data(), blocks, p * d); });
    vd ry(y.size()), ryM(y.size()), rdx(dx.size()), rdxM(dx.size()), rdw(dw.size()), rdwM(dw.size());
    for (int b = 0; b < n; b++)
        for (int s = 0; s < v; s++) {
            for (int o = 0; o < p; o++)
                for (int i = 0; i < d; i++) {
                    double wv = w[o * d + i], xv = x[((size_t)b * d + i) * v + s], gv = g[((size_t)b * p + o) * v + s];
                    size_t ky = ((size_t)b * p + o) * v + s, kx = ((size_t)b * d + i) * v + s;
                    ry[ky] += wv * xv; ryM[ky] += std::fabs(wv * xv);
                    rdx[kx] += wv * gv; rdxM[kx] += std::fabs(wv * gv);
                    rdw[o * d + i] += gv * xv; rdwM[o * d + i] += std::fabs(gv * xv);
                }
        }
    std::string sz = " N=" + std::to_string(n) + " p=" + std::to_string(p) + " d=" + std::to_string(d) + " V=" + std::to_string(v)
            + " blocks=" + std::to_string(blocks);
    cmp("per_voxel_matmul y" + sz, y, ry, ryM, 1e-6 * d);
    cmp("per_voxel_matmul dx" + sz, dx, rdx, rdxM, 1e-6 * p);
    cmp("per_voxel_matmul dW" + sz, dw, rdw, rdwM, 2e-6 * std::sqrt((double)total));
}

int main() {
    nll(2, 3, 131); nll(1, 1, 1); nll(3, 7, 67); nll(1, 64, 5);
    coupling(2, 3, 131); coupling(1, 2, 1); coupling(3, 7, 67); coupling(1, 63, 5);
    matmul(2, 3, 3, 131, 512); matmul(1, 1, 1, 1, 512); matmul(3, 17, 5, 67, 512); matmul(1, 64, 64, 129, 512);
    matmul(2, 5, 64, 33, 512);
    matmul(3, 7, 11, 101, 2);   // few blocks: each block strides over many tiles that cross batch items
    std::printf(failures ? "%d FAILURES\n" : "all emulated kernels match the definitions\n", failures);
    return failures ? 1 : 0;
}
