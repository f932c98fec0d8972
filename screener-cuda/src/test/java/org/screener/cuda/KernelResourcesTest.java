package org.screener.cuda;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed kernel resources exist and declare the kernels DensityKernels looks up (no GPU needed). */
class KernelResourcesTest {
    static final Map<String, List<String>> ENTRIES = Map.of(
            "gaussian_nll", List.of("gaussian_nll_forward", "gaussian_nll_backward"),
            "actnorm_affine_coupling", List.of("affine_coupling_forward", "affine_coupling_backward"),
            "per_voxel_matmul", List.of("per_voxel_matmul", "per_voxel_matmul_dw_partial", "per_voxel_matmul_dw_reduce"));

    @Test
    void ptxDeclaresExactlyTheExpectedEntries() {
        assertEquals(ENTRIES.keySet(), new TreeSet<>(List.of(DensityKernels.MODULES)), "module list");
        Pattern entry = Pattern.compile("\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(");
        for (String m : DensityKernels.MODULES) {
            byte[] ptx = DensityKernels.resource(m + ".ptx");
            assertNotNull(ptx, "resource " + m + ".ptx missing: run screener-cuda/build-kernels.sh");
            String text = new String(ptx, StandardCharsets.US_ASCII);
            assertTrue(text.contains(".target sm_80"), m + ".ptx must target compute_80 so any sm_80+ driver can JIT it");
            assertTrue(Pattern.compile("(?m)^\\.version \\d+\\.\\d+").matcher(text).find(), m + ".ptx has no .version");
            TreeSet<String> found = new TreeSet<>();
            Matcher mt = entry.matcher(text);
            while (mt.find()) found.add(mt.group(1));
            assertEquals(new TreeSet<>(ENTRIES.get(m)), found, m + ".ptx entries");
        }
    }

    @Test
    void openWithoutADeviceNamesTheReason() {
        String why = CudaProvider.probeDevice();
        if (why == null) {
            System.err.println("KernelResourcesTest: a CUDA device is present; DensityKernelsGpuTest covers open()");
            return;
        }
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, DensityKernels::open);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void fatbinsExistAndNameTheEntries() {
        for (String m : DensityKernels.MODULES) {
            byte[] fat = DensityKernels.resource(m + ".fatbin");
            assertNotNull(fat, "resource " + m + ".fatbin missing: run screener-cuda/build-kernels.sh");
            // fatbin header magic 0xBA55ED50, little endian
            assertEquals(0x50, fat[0] & 0xff, m + ".fatbin magic");
            assertEquals(0xED, fat[1] & 0xff, m + ".fatbin magic");
            assertEquals(0x55, fat[2] & 0xff, m + ".fatbin magic");
            assertEquals(0xBA, fat[3] & 0xff, m + ".fatbin magic");
            String text = new String(fat, StandardCharsets.ISO_8859_1);
            for (String e : ENTRIES.get(m)) assertTrue(text.contains(e), m + ".fatbin does not name " + e);
        }
    }
}
