package org.screener.cuda;

import org.junit.jupiter.api.Test;
import org.screener.core.BackendProvider;
import org.screener.core.Backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaProviderTest {
    @Test
    void cudaIsRegisteredFirstButNeverChosenWhenUnusable() {
        BackendProvider first = Backends.providers().get(0);
        assertEquals("cuda", first.name(), "cuda has the highest priority");
        String why = first.unavailableReason();
        assertNotNull(why, "the CUDA backend has no kernels yet, so it must report itself unavailable");
        System.err.println("CudaProviderTest: cuda backend unavailable here: " + why);
        assertEquals("cpu", Backends.getDefault().name(), "with cuda unusable the default must be the CPU backend");
    }

    @Test
    void probeNeverThrowsWithoutADriver() {
        String why = CudaProvider.probeDevice();
        if (why != null) assertTrue(why.length() > 5, why);
        else System.err.println("CudaProviderTest: a CUDA device is present");
    }
}
