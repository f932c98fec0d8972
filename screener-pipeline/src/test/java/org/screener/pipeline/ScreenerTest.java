package org.screener.pipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backends;
import org.screener.data.Volume;
import org.screener.data.synth.Cohort;
import org.screener.data.synth.SynthConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ScreenerTest {
    @BeforeAll static void cohort() { DescriptorStageTest.cohort(); }

    /** 3 descriptor steps + 3 density steps on the tiny cohort of DescriptorStageTest. */
    static ModelDir trained(Path root) throws Exception {
        ModelDir dir = new ModelDir(root);
        ModelDir.Config cfg = DensityStageTest.trainedDescriptor(dir, "gaussian", "sincos", 3);
        assertTrue(DensityStage.run(dir, DescriptorStageTest.source, cfg, Backends.getDefault(), null).finished());
        return dir;
    }

    /** The raw (HU) scan: x flipped and y flipped (LPS voxel order) with the affine adjusted. */
    static Volume lps(Volume v) {
        int nx = v.nx, ny = v.ny, nz = v.nz;
        float[] s = v.floats(), d = new float[s.length];
        for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++)
            d[v.index(nx - 1 - i, ny - 1 - j, k)] = s[v.index(i, j, k)];
        double[][] a = v.affine();
        for (int r = 0; r < 3; r++) {
            a[r][3] += a[r][0] * (nx - 1) + a[r][1] * (ny - 1);
            a[r][0] = -a[r][0];
            a[r][1] = -a[r][1];
        }
        return Volume.ofFloats(nx, ny, nz, d, v.spacing(), a);
    }

    @Test void scoresAScanOnItsOwnGrid(@TempDir Path tmp) throws Exception {
        ModelDir dir = trained(tmp.resolve("m"));
        Volume scan = new Cohort(SynthConfig.tiny(), 1, 0, List.of(), 21, 0).generate(0).image;
        AtomicInteger calls = new AtomicInteger(), last = new AtomicInteger(), total = new AtomicInteger();
        Screener s = Screener.load(dir.root).progress((done, n) -> { calls.incrementAndGet(); last.set(done); total.set(n); });
        Volume map = s.score(scan);
        assertArrayEquals(scan.dims(), map.dims());
        assertArrayEquals(scan.spacing(), map.spacing());
        assertTrue(java.util.Arrays.deepEquals(scan.affine(), map.affine()));
        float[] m = map.floats();
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : m) { assertTrue(Float.isFinite(v)); lo = Math.min(lo, v); hi = Math.max(hi, v); }
        assertTrue(hi > lo, "map is constant: " + lo);
        assertTrue(calls.get() > 0);
        assertEquals(total.get(), last.get());

        // a non-canonical copy of the same scan: the map follows it voxel for voxel
        Volume flipped = lps(scan);
        assertFalse(org.screener.data.io.Orientation.isCanonical(flipped));
        Volume fm = s.score(flipped);
        assertArrayEquals(scan.dims(), fm.dims());
        assertTrue(java.util.Arrays.deepEquals(flipped.affine(), fm.affine()));
        float[] f = fm.floats();
        for (int k = 0; k < scan.nz; k++) for (int j = 0; j < scan.ny; j++) for (int i = 0; i < scan.nx; i++)
            assertEquals(m[scan.index(i, j, k)], f[scan.index(scan.nx - 1 - i, scan.ny - 1 - j, k)], 1e-4f);
    }

    @Test void missingPartsNameTheStage(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        ModelDir.Config cfg = DescriptorStageTest.config(2);
        assertTrue(DescriptorStage.run(dir, DescriptorStageTest.source, cfg, Backends.getDefault(), null).finished());
        IOException e = assertThrows(IOException.class, () -> Screener.load(dir.root));
        assertTrue(e.getMessage().contains("density stage"), e.getMessage());
        Files.delete(dir.descriptor());
        e = assertThrows(IOException.class, () -> Screener.load(dir.root));
        assertTrue(e.getMessage().contains("descriptor stage"), e.getMessage());
        assertThrows(IOException.class, () -> Screener.load(tmp.resolve("nothing")));
    }

    @Test void inverseAndGridHelpers() {
        double[][] a = {{0, -2, 0, 5}, {1.5, 0, 0, -3}, {0, 0, 3, 7}, {0, 0, 0, 1}};
        double[][] p = org.screener.data.io.Orientation.mul(a, org.screener.data.io.Orientation.invertAffine(a));
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) assertEquals(i == j ? 1 : 0, p[i][j], 1e-12);
    }
}
