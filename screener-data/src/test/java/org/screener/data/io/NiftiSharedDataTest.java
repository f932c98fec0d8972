package org.screener.data.io;

import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The NIfTI files in ../shared/data (see its README): shapes, spacing, orientation and cross-file identities. */
class NiftiSharedDataTest {

    static void assertSameVoxels(Volume a, Volume b, String what) {
        assertArrayEquals(a.dims(), b.dims(), what + ": dims");
        float[] x = a.floats(), y = b.floats();
        for (int i = 0; i < x.length; i++) if (x[i] != y[i]) fail(what + ": voxel " + i + " differs: " + x[i] + " vs " + y[i]);
    }

    @Test void craniumCt() throws IOException {
        Volume v = Nifti.read(SharedData.require("ct/cranium_ct.nii.gz"));
        assertArrayEquals(new int[]{256, 256, 108}, v.dims());
        assertTrue(v.isShort(), "int16 with slope 1 / inter 0 stays int16");
        assertArrayEquals(new double[]{0.957, 0.957, 1.5}, v.spacing(), 5e-4);
        assertEquals("LPS", Orientation.codes(v));
        assertArrayEquals(new float[]{-1024, 2986}, v.range());
        Volume c = Orientation.toCanonical(v);
        assertEquals("RAS", Orientation.codes(c));
        assertEquals(v.get(0, 0, 50), c.get(255, 255, 50));
    }

    /** Writing the real CT (and a float map on its grid) and reading back gives the same voxels and geometry. */
    @Test void craniumRoundTripThroughWriter(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Volume v = Nifti.read(SharedData.require("ct/cranium_ct.nii.gz"));
        Path f = tmp.resolve("c.nii.gz");
        Nifti.write(v, f);
        Volume r = Nifti.read(f);
        assertSameVoxels(v, r, "cranium written and read back");
        NiftiTest.assertAffine(v.affine(), r.affine(), 1e-6);
        Volume c = Orientation.toCanonical(v);
        float[] map = c.floats();
        for (int i = 0; i < map.length; i++) map[i] = map[i] / 1000f;
        Path m = tmp.resolve("map.nii.gz");
        Nifti.write(c.withFloats(map), m);
        Volume rm = Nifti.read(m);
        assertFalse(rm.isShort());
        NiftiTest.assertAffine(c.affine(), rm.affine(), 1e-6);
        Nifti.Header h = Nifti.readHeader(m);
        NiftiTest.assertAffine(c.affine(), Nifti.quaternToAffine(h.quatern, h.pixdim), 1e-5); // qform agrees too
        assertEquals(c.get(100, 120, 60) / 1000f, rm.get(100, 120, 60));
    }

    @Test void mniTemplateVariants() throws IOException {
        Volume nii = Nifti.read(SharedData.require("nifti/avg152T1_LR_nifti.nii"));
        Volume gz = Nifti.read(SharedData.require("nifti/avg152T1_LR_nifti.nii.gz"));
        Volume v2 = Nifti.read(SharedData.require("nifti/avg152T1_LR_nifti2.nii.gz"));
        Volume rl = Nifti.read(SharedData.require("nifti/avg152T1_RL_nifti.nii.gz"));
        for (Volume v : new Volume[]{nii, gz, v2, rl}) {
            assertArrayEquals(new int[]{91, 109, 91}, v.dims()); // MNI152 2 mm grid
            assertArrayEquals(new double[]{2, 2, 2}, v.spacing(), 0);
        }
        assertEquals("LAS", Orientation.codes(nii));
        assertEquals("LAS", Orientation.codes(v2));
        assertEquals("RAS", Orientation.codes(rl));
        assertSameVoxels(nii, gz, ".nii vs .nii.gz");
        assertSameVoxels(nii, v2, "NIfTI-1 uint8 vs NIfTI-2 float32");
        assertFalse(v2.isShort());
        // the RL file stores the same brain with i flipped: identical after both go to RAS+, and same world box
        Volume a = Orientation.toCanonical(nii), b = Orientation.toCanonical(rl);
        assertSameVoxels(a, b, "LR vs RL after canonical");
        NiftiTest.assertAffine(a.affine(), b.affine(), 1e-9);
        // world coordinate of the canonical voxel (0,0,0) is the MNI box corner
        assertArrayEquals(new double[]{-90, -126, -72}, Orientation.world(a.affine(), 0, 0, 0), 1e-9);
    }

    @Test void bigAndLittleEndianIdentical() throws IOException {
        Nifti.Header hb = Nifti.readHeader(SharedData.require("nifti/big.nii.gz"));
        Nifti.Header hl = Nifti.readHeader(SharedData.require("nifti/little.nii.gz"));
        assertEquals(java.nio.ByteOrder.BIG_ENDIAN, hb.order);
        assertEquals(java.nio.ByteOrder.LITTLE_ENDIAN, hl.order);
        Volume b = Nifti.read(SharedData.require("nifti/big.nii.gz"));
        Volume l = Nifti.read(SharedData.require("nifti/little.nii.gz"));
        assertSameVoxels(b, l, "big vs little endian");
        NiftiTest.assertAffine(b.affine(), l.affine(), 0);
        assertEquals("qform", hb.affineSource());
        assertEquals("LAS", Orientation.codes(b)); // qfac -1 with identity quaternion
        float[] r = b.range();
        assertTrue(r[0] < 0 && r[1] > 0 && r[1] - r[0] > 1, "float data with real spread: " + r[0] + ".." + r[1]);
    }

    @Test void extensionAndFourD() throws IOException {
        Path ext = SharedData.require("nifti/with_extension.nii.gz");
        Nifti.Header h = Nifti.readHeader(ext);
        assertTrue(h.voxOffset > 352, "extension present, vox_offset " + h.voxOffset);
        Volume v = Nifti.read(ext);
        assertArrayEquals(new int[]{(int) h.dim[1], (int) h.dim[2], (int) h.dim[3]}, v.dims());
        assertEquals("sform", h.affineSource());

        Path series = SharedData.require("nifti/series.nii.gz");
        IOException e = assertThrows(IOException.class, () -> Nifti.read(series));
        assertTrue(e.getMessage().contains("series.nii.gz") && e.getMessage().contains("10 volumes"), e.getMessage());
        Nifti.Header hs = Nifti.readHeader(series);
        assertEquals(Nifti.DT_INT8, hs.datatype);
        assertTrue(hs.scaled());
        Volume first = Nifti.read(series, Nifti.Options.defaults().volume(0));
        Volume last = Nifti.read(series, Nifti.Options.defaults().volume(9));
        assertArrayEquals(new int[]{91, 109, 91}, first.dims());
        assertFalse(first.isShort(), "scaled int8 becomes float");
        // scaled int8: every value is slope * q + inter for an integer q in [-128, 127]
        float[] f = last.floats();
        for (int i = 0; i < f.length; i += 97) {
            double q = (f[i] - hs.sclInter) / hs.sclSlope;
            assertEquals(Math.rint(q), q, 1e-3);
            assertTrue(q >= -128.5 && q <= 127.5);
        }
        assertEquals("RPI", Orientation.codes(first));
    }

    @Test void notNiftiRefused() {
        Path p = SharedData.require("nifti/not-nifti.nii");
        IOException e = assertThrows(IOException.class, () -> Nifti.read(p));
        assertTrue(e.getMessage().startsWith(p + ": not a NIfTI-1/2 file (sizeof_hdr="), e.getMessage());
    }
}
