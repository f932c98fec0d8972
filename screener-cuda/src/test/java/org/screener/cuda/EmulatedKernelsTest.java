package org.screener.cuda;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code emulate-kernels.sh}: the .cu sources compiled with g++ against a thread-per-CUDA-thread emulation
 * and compared with their definitions. Catches index, tiling and missing-barrier bugs without a GPU; skipped
 * (loudly) where no C++20 g++ is installed.
 */
class EmulatedKernelsTest {
    @Test
    void kernelSourcesMatchTheirDefinitionsUnderCpuEmulation() throws Exception {
        File script = new File("emulate-kernels.sh");
        String why = !script.isFile() ? "emulate-kernels.sh not found in " + new File(".").getAbsolutePath()
                : gppMajor() < 11 ? "no g++ >= 11 (C++20 <barrier>) on PATH" : null;
        if (why != null) System.err.println("EmulatedKernelsTest: SKIPPED: " + why);
        assumeTrue(why == null, "EmulatedKernelsTest skipped: " + why);
        Process p = new ProcessBuilder("bash", script.getPath()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "emulate-kernels.sh timed out");
        assertEquals(0, p.exitValue(), "emulate-kernels.sh failed:\n" + out);
        assertTrue(out.contains("all emulated kernels match the definitions"), out);
    }

    private static int gppMajor() {
        try {
            Process p = new ProcessBuilder("g++", "-dumpversion").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) return -1;
            return Integer.parseInt(v.split("\\.")[0]);
        } catch (Exception e) {
            return -1;
        }
    }
}
