package org.screener.cuda;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static jcuda.driver.JCudaDriver.*;

/**
 * Launches the hand-written density kernels ({@code src/main/cuda/*.cu}) through the CUDA driver API. The
 * modules are the committed resources under {@code org/screener/cuda/kernels/}: the fatbin (sm_80 + sm_90 SASS,
 * compute_90 PTX) is loaded first, the compute_80 PTX is the fallback; both go through the driver's
 * {@code cuModuleLoadData}, never JCuda's PTX compiler (which rejects PTX ISA 9.0).
 * <p>Only {@link #open()} it when {@link CudaProvider#probeDevice()} is null; it throws otherwise. Arrays are
 * (N, C, V) float32, channel-major per voxel, as in the CPU references in {@code org.screener.cuda.ref}.
 * Launch methods take device pointers and are asynchronous on the default stream; the host helpers
 * ({@link #upload}, {@link #download}) synchronise. Not thread-safe: one instance per thread.
 */
public final class DensityKernels implements AutoCloseable {
    /** Resource base names, one module per {@code .cu} file. */
    public static final String[] MODULES = {"gaussian_nll", "actnorm_affine_coupling", "per_voxel_matmul"};
    /** Largest channel count of {@code per_voxel_matmul}: W and one voxel tile must fit 48 KiB of shared memory. */
    public static final int MAX_MATMUL_CHANNELS = 64;
    static final String RESOURCE_DIR = "/org/screener/cuda/kernels/";

    private static final int BLOCK = 256, PVM_TILE = 128, PVM_WTILE = 32, DW_THREADS = 256, DW_MAX_BLOCKS = 512;

    private final CUcontext ctx = new CUcontext();
    private final CUmodule[] modules = new CUmodule[MODULES.length];
    private final String[] loadedFrom = new String[MODULES.length];
    private final CUfunction nllFwd, nllBwd, acFwd, acBwd, pvm, pvmDwPart, pvmDwReduce;
    private final String deviceName;
    private CUdeviceptr scratch;
    private long scratchFloats;

    private DensityKernels() {
        CUdevice dev = new CUdevice();
        check(cuDeviceGet(dev, 0), "cuDeviceGet");
        byte[] name = new byte[256];
        check(cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        deviceName = new String(name, 0, len);
        check(cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        for (int i = 0; i < MODULES.length; i++) modules[i] = load(i);
        nllFwd = fn(0, "gaussian_nll_forward");
        nllBwd = fn(0, "gaussian_nll_backward");
        acFwd = fn(1, "affine_coupling_forward");
        acBwd = fn(1, "affine_coupling_backward");
        pvm = fn(2, "per_voxel_matmul");
        pvmDwPart = fn(2, "per_voxel_matmul_dw_partial");
        pvmDwReduce = fn(2, "per_voxel_matmul_dw_reduce");
    }

    /** Loads the kernels on device 0; throws IllegalStateException with the probe's reason if there is no usable GPU. */
    public static DensityKernels open() {
        String why = CudaProvider.probeDevice();
        if (why != null) throw new IllegalStateException("DensityKernels: no usable CUDA device: " + why);
        return new DensityKernels();
    }

    public String deviceName() { return deviceName; }

    /** Which resource each module came from ("NAME.fatbin" or "NAME.ptx"). */
    public String[] loadedFrom() { return loadedFrom.clone(); }

    // ---- gaussian_nll ----

    /** nll (N, V) from y, mu, logvar (N, d, V). */
    public void gaussianNllForward(CUdeviceptr y, CUdeviceptr mu, CUdeviceptr logvar, CUdeviceptr nll, int n, int d, int v) {
        dims("gaussianNllForward", n, d, v);
        launch1d(nllFwd, (long) n * v, Pointer.to(Pointer.to(y), Pointer.to(mu), Pointer.to(logvar), Pointer.to(nll),
                ints(n), ints(d), ints(v)));
    }

    /** dy, dmu, dlogvar (N, d, V) from g = dL/dnll (N, V); an output given as null is skipped. */
    public void gaussianNllBackward(CUdeviceptr y, CUdeviceptr mu, CUdeviceptr logvar, CUdeviceptr g,
                                    CUdeviceptr dy, CUdeviceptr dmu, CUdeviceptr dlogvar, int n, int d, int v) {
        dims("gaussianNllBackward", n, d, v);
        launch1d(nllBwd, (long) n * d * v, Pointer.to(Pointer.to(y), Pointer.to(mu), Pointer.to(logvar), Pointer.to(g),
                Pointer.to(orNull(dy)), Pointer.to(orNull(dmu)), Pointer.to(orNull(dlogvar)), ints(n), ints(d), ints(v)));
    }

    // ---- affine coupling ----

    /** out (N, d, V) and logdet (N, V) from y (N, d, V) and h (N, 2·(d − d/2), V); see AffineCouplingRef. */
    public void affineCouplingForward(CUdeviceptr y, CUdeviceptr h, CUdeviceptr out, CUdeviceptr logdet, int n, int d, int v) {
        couplingDims("affineCouplingForward", n, d, v);
        launch1d(acFwd, (long) n * v, Pointer.to(Pointer.to(y), Pointer.to(h), Pointer.to(out), Pointer.to(logdet),
                ints(n), ints(d), ints(v)));
    }

    /** dy (N, d, V) and dh (N, 2·(d − d/2), V) from gout (N, d, V) and glogdet (N, V). */
    public void affineCouplingBackward(CUdeviceptr y, CUdeviceptr h, CUdeviceptr gout, CUdeviceptr glogdet,
                                       CUdeviceptr dy, CUdeviceptr dh, int n, int d, int v) {
        couplingDims("affineCouplingBackward", n, d, v);
        launch1d(acBwd, (long) n * v, Pointer.to(Pointer.to(y), Pointer.to(h), Pointer.to(gout), Pointer.to(glogdet),
                Pointer.to(dy), Pointer.to(dh), ints(n), ints(d), ints(v)));
    }

    // ---- per-voxel matmul ----

    /** y (N, p, V) = W·x for W (p, d), x (N, d, V). */
    public void perVoxelMatmul(CUdeviceptr w, CUdeviceptr x, CUdeviceptr y, int n, int p, int d, int v) {
        matmulDims("perVoxelMatmul", n, p, d, v);
        launchPvm(w, x, y, n, p, d, v, 0);
    }

    /** dx (N, d, V) = Wᵀ·dy for dy (N, p, V). */
    public void perVoxelMatmulBackwardX(CUdeviceptr w, CUdeviceptr dy, CUdeviceptr dx, int n, int p, int d, int v) {
        matmulDims("perVoxelMatmulBackwardX", n, p, d, v);
        launchPvm(w, dy, dx, n, p, d, v, 1);
    }

    /** dW (p, d) = Σ_{n,v} dy·xᵀ (overwritten), deterministic: per-block partials, then a fixed-order sum. */
    public void perVoxelMatmulBackwardW(CUdeviceptr dy, CUdeviceptr x, CUdeviceptr dw, int n, int p, int d, int v) {
        matmulDims("perVoxelMatmulBackwardW", n, p, d, v);
        long total = (long) n * v;
        int blocks = (int) Math.max(1, Math.min(DW_MAX_BLOCKS, (total + PVM_WTILE - 1) / PVM_WTILE));
        int pd = p * d;
        CUdeviceptr part = scratch((long) blocks * pd);
        int shared = (p * PVM_WTILE + d * (PVM_WTILE + 1) + pd) * Sizeof.FLOAT;
        check(cuLaunchKernel(pvmDwPart, blocks, 1, 1, DW_THREADS, 1, 1, shared, null,
                Pointer.to(Pointer.to(dy), Pointer.to(x), Pointer.to(part), ints(n), ints(p), ints(d), ints(v)), null),
                "launch per_voxel_matmul_dw_partial");
        check(cuLaunchKernel(pvmDwReduce, (pd + BLOCK - 1) / BLOCK, 1, 1, BLOCK, 1, 1, 0, null,
                Pointer.to(Pointer.to(part), Pointer.to(dw), ints(blocks), ints(pd)), null),
                "launch per_voxel_matmul_dw_reduce");
    }

    /** A grow-only buffer for dW partials; reuse is safe because every launch goes to the same (default) stream. */
    private CUdeviceptr scratch(long floats) {
        if (scratchFloats < floats) {
            if (scratch != null) {
                synchronize();   // a kernel still queued may read the old buffer
                free(scratch);
            }
            scratch = alloc(floats);
            scratchFloats = floats;
        }
        return scratch;
    }

    private void launchPvm(CUdeviceptr w, CUdeviceptr x, CUdeviceptr y, int n, int p, int d, int v, int trans) {
        if (n == 0 || v == 0) return;
        int shared = (p * d + (trans == 0 ? d : p) * PVM_TILE) * Sizeof.FLOAT;
        check(cuLaunchKernel(pvm, (v + PVM_TILE - 1) / PVM_TILE, n, 1, PVM_TILE, 1, 1, shared, null,
                Pointer.to(Pointer.to(w), Pointer.to(x), Pointer.to(y), ints(n), ints(p), ints(d), ints(v), ints(trans)), null),
                "launch per_voxel_matmul");
    }

    // ---- memory and timing ----

    public CUdeviceptr alloc(long floats) {
        CUdeviceptr p = new CUdeviceptr();
        check(cuMemAlloc(p, Math.max(1, floats) * Sizeof.FLOAT), "cuMemAlloc of " + floats + " floats");
        return p;
    }

    public CUdeviceptr upload(float[] a) {
        CUdeviceptr p = alloc(a.length);
        if (a.length > 0) check(cuMemcpyHtoD(p, Pointer.to(a), (long) a.length * Sizeof.FLOAT), "cuMemcpyHtoD");
        return p;
    }

    public float[] download(CUdeviceptr p, int floats) {
        float[] a = new float[floats];
        if (floats > 0) check(cuMemcpyDtoH(Pointer.to(a), p, (long) floats * Sizeof.FLOAT), "cuMemcpyDtoH");
        return a;
    }

    public void free(CUdeviceptr... ps) {
        for (CUdeviceptr p : ps) if (p != null) check(cuMemFree(p), "cuMemFree");
    }

    public void synchronize() { check(cuCtxSynchronize(), "cuCtxSynchronize"); }

    /** Median milliseconds per call of {@code launch} over {@code reps} timed runs after {@code warmup}, by CUDA events. */
    public double timeMs(Runnable launch, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) launch.run();
        CUevent a = new CUevent(), b = new CUevent();
        check(cuEventCreate(a, 0), "cuEventCreate");
        check(cuEventCreate(b, 0), "cuEventCreate");
        try {
            double[] ms = new double[reps];
            float[] t = new float[1];
            for (int i = 0; i < reps; i++) {
                check(cuEventRecord(a, null), "cuEventRecord");
                launch.run();
                check(cuEventRecord(b, null), "cuEventRecord");
                check(cuEventSynchronize(b), "cuEventSynchronize");
                check(cuEventElapsedTime(t, a, b), "cuEventElapsedTime");
                ms[i] = t[0];
            }
            Arrays.sort(ms);
            return ms[reps / 2];
        } finally {
            cuEventDestroy(a);
            cuEventDestroy(b);
        }
    }

    @Override public void close() {
        if (scratch != null) free(scratch);
        scratch = null;
        for (CUmodule m : modules) if (m != null) cuModuleUnload(m);
        CUdevice dev = new CUdevice();
        if (cuDeviceGet(dev, 0) == CUresult.CUDA_SUCCESS) cuDevicePrimaryCtxRelease(dev);
    }

    // ---- helpers ----

    /** Reads a kernel resource; null if absent. */
    static byte[] resource(String file) {
        try (InputStream in = DensityKernels.class.getResourceAsStream(RESOURCE_DIR + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("DensityKernels: cannot read kernel resource " + file, e);
        }
    }

    private CUmodule load(int i) {
        String base = MODULES[i];
        CUmodule m = new CUmodule();
        byte[] fat = resource(base + ".fatbin");
        int rcFat = fat == null ? -1 : cuModuleLoadData(m, fat);
        if (rcFat == CUresult.CUDA_SUCCESS) {
            loadedFrom[i] = base + ".fatbin";
            return m;
        }
        byte[] ptx = resource(base + ".ptx");
        if (ptx == null) throw new IllegalStateException("DensityKernels: kernel resources " + base + ".fatbin/.ptx missing");
        int rc = cuModuleLoadData(m, Arrays.copyOf(ptx, ptx.length + 1));   // the driver wants PTX NUL-terminated
        check(rc, "cuModuleLoadData(" + base + ".ptx) after the fatbin failed with "
                + (fat == null ? "no fatbin" : CUresult.stringFor(rcFat)) + " (PTX ISA 9.0 needs a driver >= 580)");
        loadedFrom[i] = base + ".ptx";
        return m;
    }

    private CUfunction fn(int module, String name) {
        CUfunction f = new CUfunction();
        check(cuModuleGetFunction(f, modules[module], name), "cuModuleGetFunction(" + name + ")");
        return f;
    }

    private static void launch1d(CUfunction f, long threads, Pointer params) {
        if (threads == 0) return;
        long grid = (threads + BLOCK - 1) / BLOCK;
        if (grid > Integer.MAX_VALUE) throw new IllegalArgumentException("DensityKernels: " + threads + " threads exceed one grid");
        check(cuLaunchKernel(f, (int) grid, 1, 1, BLOCK, 1, 1, 0, null, params, null), "cuLaunchKernel");
    }

    private static Pointer ints(int v) { return Pointer.to(new int[]{v}); }

    private static CUdeviceptr orNull(CUdeviceptr p) { return p == null ? new CUdeviceptr() : p; }

    private static void dims(String op, int n, int d, int v) {
        if (n < 0 || d <= 0 || v < 0)
            throw new IllegalArgumentException("DensityKernels." + op + ": bad sizes N=" + n + " d=" + d + " V=" + v);
    }

    private static void couplingDims(String op, int n, int d, int v) {
        dims(op, n, d, v);
        if (d < 2) throw new IllegalArgumentException("DensityKernels." + op + ": needs d >= 2 channels, got " + d);
    }

    private static void matmulDims(String op, int n, int p, int d, int v) {
        dims(op, n, d, v);
        if (n > 65535) throw new IllegalArgumentException("DensityKernels." + op + ": batch N=" + n + " exceeds the grid's y limit 65535");
        if (p <= 0 || p > MAX_MATMUL_CHANNELS || d > MAX_MATMUL_CHANNELS)
            throw new IllegalArgumentException("DensityKernels." + op + ": W must be (p, d) with 1 <= p, d <= "
                    + MAX_MATMUL_CHANNELS + ", got (" + p + ", " + d + ")");
    }

    private static void check(int rc, String what) {
        if (rc != CUresult.CUDA_SUCCESS)
            throw new IllegalStateException("DensityKernels: " + what + " failed: " + CUresult.stringFor(rc));
    }
}
