package org.screener.data.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;

class CacheAndCasesTest {
    @TempDir Path dir;

    @Test void halfConversionRoundsToNearestEven() {
        float[] exact = {0f, -0f, 1f, -2.5f, 65504f, 0.5f, 6.1035156e-5f, 5.9604645e-8f, 0.333251953125f};
        for (float f : exact) assertEquals(f, Half.toFloat(Half.fromFloat(f)), 0f, "value " + f);
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(1e6f)));
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN))));
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even → 1
        assertEquals(1f, Half.toFloat(Half.fromFloat(1f + 0x1p-11f)));
        assertEquals(1f + 0x1p-9f, Half.toFloat(Half.fromFloat(1f + 0x1p-10f + 0x1p-11f)));
        for (int i = 0; i <= 1000; i++) {
            float f = i / 1000f;
            assertEquals(f, Half.toFloat(Half.fromFloat(f)), 0.0005f);   // half has 11 significant bits
        }
    }

    private static Preprocessed sample() {
        return Preprocessor.run(BodyCropTest.phantom(), null, PreprocessConfig.defaults());
    }

    @Test void cacheRoundTripFloat32AndFloat16() throws IOException {
        Preprocessed p = sample();
        short[] lab = new short[(int) p.image().size()];
        lab[5] = 7;
        Preprocessed pm = new Preprocessed(p.image(), Volume.ofShorts(p.image().nx, p.image().ny, p.image().nz, lab, p.image().spacing(), p.image().affine()), p.geometry());
        for (boolean half : new boolean[]{false, true}) {
            Path f = dir.resolve("c" + half + ".scp");
            PreprocessedCache.write(f, pm, half);
            Preprocessed q = PreprocessedCache.read(f);
            assertArrayEquals(p.image().dims(), q.image().dims());
            assertArrayEquals(p.image().spacing(), q.image().spacing());
            for (int r = 0; r < 4; r++) assertArrayEquals(p.image().affine()[r], q.image().affine()[r]);
            assertArrayEquals(p.geometry().cropLo, q.geometry().cropLo);
            assertArrayEquals(p.geometry().cropHi, q.geometry().cropHi);
            assertArrayEquals(p.geometry().origDims, q.geometry().origDims);
            assertArrayEquals(p.geometry().outDims, q.geometry().outDims);
            assertArrayEquals(lab, q.mask().shorts());
            float[] a = p.image().floats(), b = q.image().floats();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], half ? 5e-4f : 0f);
            try (var s = Files.list(dir)) { assertTrue(s.noneMatch(x -> x.toString().endsWith(".tmp"))); }
        }
        Path bad = dir.resolve("bad.scp");
        Files.write(bad, new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        IOException e = assertThrows(IOException.class, () -> PreprocessedCache.read(bad));
        assertTrue(e.getMessage().contains("bad.scp"), e.getMessage());
    }

    @Test void casesFromFolderAndCsv() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String n : new String[]{"b.nii.gz", "a.nii", "notes.txt", "c.NII.GZ"}) Files.write(data.resolve(n), new byte[]{0});
        List<Case> f = CaseList.of(data);
        assertEquals(List.of("a", "b", "c"), f.stream().map(Case::id).toList());
        assertNull(f.get(0).mask());
        Path csv = dir.resolve("sub/list.csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "mask,image,extra\nm/one.nii.gz,img/one.nii.gz,x\n,\"img/two, spaced.nii\",y\n\n" + data.resolve("a.nii") + ",/abs/three.nii,z\n");
        List<Case> c = CaseList.of(csv);
        assertEquals(3, c.size());
        assertEquals(dir.resolve("sub/img/one.nii.gz").toAbsolutePath(), c.get(0).image());
        assertEquals(dir.resolve("sub/m/one.nii.gz").toAbsolutePath(), c.get(0).mask());
        assertEquals("two, spaced", c.get(1).id());
        assertNull(c.get(1).mask());
        assertEquals(Path.of("/abs/three.nii"), c.get(2).image());
        Files.writeString(csv, "path,label\nx.nii,1\n");
        assertThrows(IOException.class, () -> CaseList.of(csv));
    }

    @Test void csvSplitSelectsRows() throws IOException {
        Path csv = dir.resolve("split/manifest.csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "image,mask,split\na.nii,,train\nb.nii,mb.nii,test\nc.nii,,train \nd.nii,,\n");
        assertTrue(CaseList.hasSplitColumn(csv));
        assertEquals(List.of("a", "b", "c", "d"), CaseList.of(csv, null).stream().map(Case::id).toList());
        assertEquals(List.of("a", "c"), CaseList.of(csv, "train").stream().map(Case::id).toList());
        assertEquals(List.of("b"), CaseList.of(csv, "test").stream().map(Case::id).toList());
        IOException none = assertThrows(IOException.class, () -> CaseList.of(csv, "val"));
        assertTrue(none.getMessage().contains("none of its 4 rows has split 'val'"), none.getMessage());
        Files.writeString(csv, "image\na.nii\n");
        assertFalse(CaseList.hasSplitColumn(csv));
        IOException noCol = assertThrows(IOException.class, () -> CaseList.of(csv, "train"));
        assertTrue(noCol.getMessage().contains("no 'split' column"), noCol.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CaseList.of(dir, "train"));
    }

    @Test void datasetCachesAndInvalidates() throws IOException {
        Path src = dir.resolve("scan.nii");
        Files.write(src, new byte[]{1, 2, 3});
        AtomicInteger reads = new AtomicInteger();
        VolumeReader reader = p -> { reads.incrementAndGet(); return BodyCropTest.phantom(); };
        Path cache = dir.resolve("cache");
        PreprocessedDataset ds = new PreprocessedDataset(List.of(new Case("scan", src, null)), reader, PreprocessConfig.defaults(), cache);
        Preprocessed a = ds.load(0), b = ds.load(0);
        assertEquals(1, reads.get());
        assertArrayEquals(a.image().dims(), b.image().dims());
        assertTrue(Files.isRegularFile(ds.cacheFile(ds.get(0))));
        Files.setLastModifiedTime(src, FileTime.fromMillis(Files.getLastModifiedTime(src).toMillis() + 5000));   // touched: miss
        ds.load(0);
        assertEquals(2, reads.get());
        PreprocessConfig other = PreprocessConfig.defaults();
        other.claheClipLimit = 0.02;                                                                             // other config: miss
        new PreprocessedDataset(ds.cases(), reader, other, cache).load(0);
        assertEquals(3, reads.get());
        ds.load(0);
        assertEquals(3, reads.get());
        // through the folder listing, with the loader's volume source on top
        PreprocessedDataset viaFolder = PreprocessedDataset.of(dir, reader, PreprocessConfig.defaults(), cache);
        assertEquals(1, viaFolder.size());
        org.screener.data.sampling.VolumeSource vs = org.screener.data.sampling.VolumeSource.of(viaFolder);
        assertArrayEquals(a.image().dims(), vs.volume(0).dims());
        assertEquals(3, reads.get(), "served from the cache");
        assertTrue(vs.name(0).endsWith("scan.nii"));
    }

    /**
     * The volume a cache miss returns is bit for bit the one a later hit reads back (float16-rounded voxels,
     * int16 mask), so what a run trains on does not depend on whether the cache existed.
     */
    @Test void aMissReturnsWhatAHitReads() throws IOException {
        Path src = dir.resolve("scan.nii"), lab = dir.resolve("scan-mask.nii");
        Files.write(src, new byte[]{1});
        Files.write(lab, new byte[]{2});
        Volume ph = BodyCropTest.phantom();
        float[] m = new float[(int) ph.size()];
        for (int i = 0; i < m.length; i += 97) m[i] = 3;
        Volume mask = ph.withFloats(m);                      // a float mask: the cache stores int16
        VolumeReader reader = p -> p.equals(lab) ? mask : ph;
        for (boolean half : new boolean[]{true, false}) {
            PreprocessConfig cfg = PreprocessConfig.defaults();
            cfg.cacheHalf = half;
            Path cache = dir.resolve("cache-" + half);
            List<Case> cases = List.of(new Case("scan", src, lab));
            Preprocessed miss = new PreprocessedDataset(cases, reader, cfg, cache).load(0);
            Preprocessed hit = new PreprocessedDataset(cases, reader, cfg, cache).load(0);
            assertTrue(Files.isRegularFile(new PreprocessedDataset(cases, reader, cfg, cache).cacheFile(cases.get(0))));
            float[] x = miss.image().floats(), y = hit.image().floats();
            assertEquals(x.length, y.length);
            for (int i = 0; i < x.length; i++)
                assertEquals(Float.floatToRawIntBits(y[i]), Float.floatToRawIntBits(x[i]), "voxel " + i + " (half " + half + ")");
            assertArrayEquals(hit.mask().shorts(), miss.mask().shorts());
            assertArrayEquals(hit.image().spacing(), miss.image().spacing());
            for (int r = 0; r < 4; r++) assertArrayEquals(hit.image().affine()[r], miss.image().affine()[r]);
            assertArrayEquals(hit.geometry().cropLo, miss.geometry().cropLo);
            assertArrayEquals(hit.geometry().outDims, miss.geometry().outDims);
            assertArrayEquals(hit.geometry().outSpacing, miss.geometry().outSpacing);
            // and the float16 cache does round: the float32 volume is not what either returns
            if (half) {
                float[] raw = Preprocessor.run(ph, mask, cfg).image().floats();
                boolean rounded = false;
                for (int i = 0; i < raw.length && !rounded; i++) rounded = raw[i] != x[i];
                assertTrue(rounded, "float16 rounding changed no voxel");
            }
        }
    }

    @Test void defaultReaderLoadsRealNiftiFiles() throws IOException {
        Path folder = dir.resolve("nifti");
        Files.createDirectories(folder);
        Volume ph = BodyCropTest.phantom();
        org.screener.data.io.Nifti.write(ph, folder.resolve("a.nii.gz"));
        PreprocessedDataset ds = PreprocessedDataset.of(folder, PreprocessConfig.defaults(), null);
        assertEquals(1, ds.size());
        Preprocessed direct = Preprocessor.run(org.screener.data.io.Orientation.toCanonical(ph), null, PreprocessConfig.defaults());
        Preprocessed viaFile = ds.load(0);
        assertArrayEquals(direct.image().dims(), viaFile.image().dims());
        assertArrayEquals(direct.image().floats(), viaFile.image().floats(), 1e-6f);
    }
}
