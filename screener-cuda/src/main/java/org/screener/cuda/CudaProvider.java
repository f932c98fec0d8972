package org.screener.cuda;

import jcuda.driver.JCudaDriver;
import org.screener.core.Backend;
import org.screener.core.BackendProvider;

/**
 * Registers the CUDA backend with {@link org.screener.core.Backends}. The probe needs only the driver
 * ({@code libcuda.so.1}); without it JCuda throws a LinkageError from its class initialiser, which is caught
 * here so that CPU-only machines simply fall back to the CPU backend.
 */
public final class CudaProvider implements BackendProvider {
    private static volatile String probe;

    @Override public String name() { return "cuda"; }

    @Override public int priority() { return 100; }

    @Override public String unavailableReason() {
        String p = probeDevice();
        if (p != null) return p;
        // A device is present, but the device kernels of the Backend interface are not written yet.
        return "a CUDA device was found, but the CUDA backend's kernels are not implemented yet (issue: CUDA backend)";
    }

    @Override public Backend create() {
        throw new IllegalStateException("cuda backend: " + unavailableReason());
    }

    /** Null if a CUDA device is usable, else why not. Cached: the driver is probed once per JVM. */
    public static String probeDevice() {
        String p = probe;
        if (p != null) return p.isEmpty() ? null : p;
        String why;
        try {
            int r = JCudaDriver.cuInit(0);
            if (r != 0) {
                why = "cuInit failed with CUDA error " + r;
            } else {
                int[] count = new int[1];
                int rc = JCudaDriver.cuDeviceGetCount(count);
                why = rc != 0 ? "cuDeviceGetCount failed with CUDA error " + rc
                        : count[0] == 0 ? "no CUDA device" : null;
            }
        } catch (LinkageError e) {
            Throwable c = e;
            while (c.getCause() != null) c = c.getCause();
            // JCuda nests every attempt's error in one message; the last UnsatisfiedLinkError names the missing library
            String reason = String.valueOf(c.getMessage()).strip().split("\n")[0];
            for (String line : String.valueOf(c.getMessage()).split("\n"))
                if (line.startsWith("java.lang.UnsatisfiedLinkError: ")) reason = line.substring(32).strip();
            why = "CUDA driver not loadable (" + reason + ")";
        }
        probe = why == null ? "" : why;
        return why;
    }
}
