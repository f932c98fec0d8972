package org.screener.data.sampling;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

class PrefetchLoaderTest {
    static VolumeSource source() {
        return VolumeSource.of(List.of(CropPairSamplerTest.noise(1), CropPairSamplerTest.noise(2), CropPairSamplerTest.noise(3)), List.of("a.nii.gz", "b.nii.gz", "c.nii.gz"));
    }

    static List<Batch> run(int threads, int capacity) {
        CropPairConfig c = CropPairSamplerTest.small();
        c.maskProb = 0.5;
        List<Batch> out = new ArrayList<>();
        try (PrefetchLoader l = new PrefetchLoader(source(), new CropPairSampler(c), 3, 1234, threads, capacity, 6)) {
            while (l.hasNext()) out.add(l.next());
        }
        return out;
    }

    @Test void sameBatchesForOneAndThreeThreads() {
        List<Batch> a = run(1, 1), b = run(3, 4);
        assertEquals(6, a.size());
        assertEquals(6, b.size());
        for (int i = 0; i < 6; i++) {
            Batch x = a.get(i), y = b.get(i);
            assertEquals(i, x.index());
            assertEquals(i, y.index());
            assertArrayEquals(new int[]{3, 1, 8, 12, 16}, x.shape());
            assertEquals(3 * 16 * 12 * 8, x.view1().length);
            assertEquals(3 * 300, x.idx1().length);
            assertArrayEquals(x.view1(), y.view1());
            assertArrayEquals(x.view2(), y.view2());
            assertArrayEquals(x.idx1(), y.idx1());
            assertArrayEquals(x.idx2(), y.idx2());
            assertArrayEquals(x.mask1(), y.mask1());
            assertArrayEquals(x.mask2(), y.mask2());
            assertArrayEquals(x.volumes(), y.volumes());
        }
        assertFalse(java.util.Arrays.equals(a.get(0).view1(), a.get(1).view1()));
        // batch b is a pure function of (seed, b)
        Batch direct = Batch.make(source(), new CropPairSampler(CropPairSamplerTest.small()), 3, 1234, 4);
        assertArrayEquals(a.get(4).idx1(), direct.idx1());
    }

    @Test void workerFailureSurfacesWithTheFileName() {
        VolumeSource good = source();
        VolumeSource broken = new VolumeSource() {
            public int size() { return 3; }
            public String name(int i) { return i == 1 ? "/data/broken_scan.nii.gz" : good.name(i); }
            public Volume volume(int i) throws IOException {
                if (i == 1) throw new IOException("unexpected end of gzip stream");
                return good.volume(i);
            }
        };
        PrefetchLoader l = new PrefetchLoader(broken, new CropPairSampler(CropPairSamplerTest.small()), 4, 9, 2, 2, 0);
        LoaderException e = assertThrows(LoaderException.class, () -> { for (int i = 0; i < 20; i++) l.next(); });
        assertTrue(e.getMessage().contains("/data/broken_scan.nii.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected end of gzip stream"), e.getMessage());
        assertFalse(l.hasNext(), "a failed loader is closed");
        l.close();
    }

    @Test void prefetchIsBoundedAndCloseStopsWorkers() throws InterruptedException {
        AtomicInteger loads = new AtomicInteger();
        VolumeSource base = source();
        VolumeSource counting = new VolumeSource() {
            public int size() { return base.size(); }
            public String name(int i) { return base.name(i); }
            public Volume volume(int i) throws IOException { loads.incrementAndGet(); return base.volume(i); }
        };
        int m = 2, capacity = 3;
        PrefetchLoader l = new PrefetchLoader(counting, new CropPairSampler(CropPairSamplerTest.small()), m, 5, 3, capacity, 0);
        l.next();
        Thread.sleep(300);
        assertTrue(loads.get() <= (capacity + 1) * m, "built " + loads.get() / m + " batches with capacity " + capacity);
        l.close();
        assertFalse(l.hasNext());
        assertThrows(IllegalStateException.class, l::next);
        assertTrue(l.isTerminated(), "workers stopped");
    }
}
