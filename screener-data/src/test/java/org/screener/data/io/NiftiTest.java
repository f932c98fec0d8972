package org.screener.data.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class NiftiTest {
    @TempDir Path tmp;

    static double[][] obliqueAffine() {
        // rotation about z by 30 deg, an x flip, spacing 0.8, 1.1, 2.5 and an origin
        double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
        return new double[][]{{-c * 0.8, -s * 1.1, 0, 12.5}, {-s * 0.8, c * 1.1, 0, -40}, {0, 0, 2.5, 7}, {0, 0, 0, 1}};
    }

    @Test void roundTripShortsGz() throws IOException {
        Random rnd = new Random(1);
        int nx = 7, ny = 5, nz = 3;
        short[] d = new short[nx * ny * nz];
        for (int i = 0; i < d.length; i++) d[i] = (short) (rnd.nextInt(4000) - 1024);
        Volume v = Volume.ofShorts(nx, ny, nz, d, new double[]{0.8, 1.1, 2.5}, obliqueAffine());
        Path f = tmp.resolve("a.nii.gz");
        Nifti.write(v, f);
        Volume r = Nifti.read(f);
        assertTrue(r.isShort());
        assertArrayEquals(d, r.shorts());
        assertArrayEquals(new int[]{nx, ny, nz}, r.dims());
        assertArrayEquals(new double[]{0.8, 1.1, 2.5}, r.spacing(), 1e-6);
        assertAffine(obliqueAffine(), r.affine(), 1e-5);
        // the qform alone must give the same affine
        Nifti.Header h = Nifti.readHeader(f);
        assertEquals(1, h.qformCode);
        assertEquals(1, h.sformCode);
        assertAffine(obliqueAffine(), Nifti.quaternToAffine(h.quatern, h.pixdim), 1e-5);
    }

    @Test void roundTripFloatsUncompressed() throws IOException {
        Random rnd = new Random(2);
        int nx = 11, ny = 2, nz = 5;
        float[] d = new float[nx * ny * nz];
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextGaussian();
        double[][] a = Volume.diagonalAffine(new double[]{-1.5, -1.5, 3}, new double[]{100, 120, -50});
        Volume v = Volume.ofFloats(nx, ny, nz, d, new double[]{1.5, 1.5, 3}, a);
        Path f = tmp.resolve("b.nii");
        Nifti.write(v, f);
        Volume r = Nifti.read(f);
        assertFalse(r.isShort());
        assertArrayEquals(d, r.floats());
        assertAffine(a, r.affine(), 1e-6);
        Nifti.Header h = Nifti.readHeader(f);
        assertAffine(a, Nifti.quaternToAffine(h.quatern, h.pixdim), 1e-5);
    }

    @Test void quaternionRoundTripOnRandomRotations() {
        Random rnd = new Random(3);
        for (int t = 0; t < 200; t++) {
            // random rotation from a random unit quaternion; random flip; random spacing
            double a = rnd.nextGaussian(), b = rnd.nextGaussian(), c = rnd.nextGaussian(), d = rnd.nextGaussian();
            double n = Math.sqrt(a * a + b * b + c * c + d * d);
            a /= n; b /= n; c /= n; d /= n;
            if (a < 0) { a = -a; b = -b; c = -c; d = -d; }
            double[] pix = {rnd.nextBoolean() ? 1 : -1, 0.5 + rnd.nextDouble(), 0.5 + rnd.nextDouble(), 0.5 + 3 * rnd.nextDouble(), 1, 1, 1, 1};
            double[] q = {b, c, d, rnd.nextGaussian() * 100, rnd.nextGaussian() * 100, rnd.nextGaussian() * 100};
            double[][] m = Nifti.quaternToAffine(q, pix);
            double[] back = Nifti.affineToQuatern(m);
            double[] pix2 = {back[6], back[7], back[8], back[9], 1, 1, 1, 1};
            assertAffine(m, Nifti.quaternToAffine(back, pix2), 1e-9);
        }
    }

    /** Builds a NIfTI-1 file by hand: the reader must not depend on our own writer. */
    static byte[] handmade(ByteOrder order, int datatype, int bitpix, short[] dim, float slope, float inter,
                           float voxOffset, byte[] data) {
        int off = (int) Math.max(352, voxOffset);
        ByteBuffer b = ByteBuffer.allocate(off + data.length).order(order);
        b.putInt(0, 348);
        for (int d = 0; d < 8; d++) b.putShort(40 + 2 * d, dim[d]);
        b.putShort(70, (short) datatype);
        b.putShort(72, (short) bitpix);
        b.putFloat(76, 1);
        b.putFloat(80, 2); b.putFloat(84, 3); b.putFloat(88, 4);
        b.putFloat(108, voxOffset);
        b.putFloat(112, slope);
        b.putFloat(116, inter);
        b.put(344, (byte) 'n'); b.put(345, (byte) '+'); b.put(346, (byte) '1');
        b.position(off);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bo)) { o.write(raw); }
        return bo.toByteArray();
    }

    @Test void allDatatypesBothOrdersWithScaling() throws IOException {
        int n = 2 * 3 * 2;
        short[] dim = {3, 2, 3, 2, 1, 1, 1, 1};
        int[][] types = {{Nifti.DT_UINT8, 8}, {Nifti.DT_INT8, 8}, {Nifti.DT_INT16, 16}, {Nifti.DT_UINT16, 16},
                {Nifti.DT_INT32, 32}, {Nifti.DT_FLOAT32, 32}, {Nifti.DT_FLOAT64, 64}};
        for (ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (int[] t : types) {
                ByteBuffer d = ByteBuffer.allocate(n * t[1] / 8).order(order);
                double[] expect = new double[n];
                for (int i = 0; i < n; i++) {
                    int v = (i * 37) % 100;
                    switch (t[0]) {
                        case Nifti.DT_UINT8: d.put((byte) (v + 150)); expect[i] = v + 150; break;
                        case Nifti.DT_INT8: d.put((byte) (v - 50)); expect[i] = v - 50; break;
                        case Nifti.DT_INT16: d.putShort((short) (v * 300 - 10000)); expect[i] = v * 300 - 10000; break;
                        case Nifti.DT_UINT16: d.putShort((short) (v * 600)); expect[i] = v * 600; break;
                        case Nifti.DT_INT32: d.putInt(v * 100000 - 7); expect[i] = v * 100000 - 7; break;
                        case Nifti.DT_FLOAT32: d.putFloat(v * 0.25f); expect[i] = v * 0.25; break;
                        default: d.putDouble(v * 0.5 - 3); expect[i] = v * 0.5 - 3; break;
                    }
                }
                for (float[] sc : new float[][]{{0, 0}, {1, 0}, {2, -1024}}) {
                    Path f = tmp.resolve("t" + t[0] + order + sc[0] + ".nii");
                    Files.write(f, handmade(order, t[0], t[1], dim, sc[0], sc[1], 352, d.array()));
                    Volume v = Nifti.read(f);
                    boolean scaled = sc[0] == 2;
                    assertEquals(!scaled && (t[0] == Nifti.DT_INT16 || t[0] == Nifti.DT_UINT8 || t[0] == Nifti.DT_INT8), v.isShort(), f.toString());
                    float[] got = v.floats();
                    for (int i = 0; i < n; i++) {
                        double e = scaled ? expect[i] * 2 - 1024 : expect[i];
                        assertEquals((float) e, got[i], 0, f + " voxel " + i);
                    }
                    assertArrayEquals(new double[]{2, 3, 4}, v.spacing(), 0);
                    assertAffine(Volume.diagonalAffine(new double[]{2, 3, 4}, null), v.affine(), 0);
                }
            }
        }
    }

    @Test void extensionSkippedViaVoxOffset() throws IOException {
        short[] dim = {3, 2, 2, 1, 1, 1, 1, 1};
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4; i++) d.putShort((short) (i + 10));
        byte[] raw = handmade(ByteOrder.LITTLE_ENDIAN, Nifti.DT_INT16, 16, dim, 1, 0, 352 + 32, d.array());
        raw[348] = 1; // extension flag
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putInt(352, 32).putInt(356, 4);
        for (int i = 360; i < 384; i++) raw[i] = (byte) 0xEE;
        Path f = tmp.resolve("ext.nii.gz");
        Files.write(f, gzip(raw));
        assertArrayEquals(new short[]{10, 11, 12, 13}, Nifti.read(f).shorts());
    }

    @Test void fourDRequiresVolumeIndex() throws IOException {
        short[] dim = {4, 2, 1, 1, 3, 1, 1, 1};
        ByteBuffer d = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) d.putShort((short) i);
        Path f = tmp.resolve("4d.nii");
        Files.write(f, handmade(ByteOrder.LITTLE_ENDIAN, Nifti.DT_INT16, 16, dim, 0, 0, 352, d.array()));
        IOException e = assertThrows(IOException.class, () -> Nifti.read(f));
        assertTrue(e.getMessage().contains("4D") && e.getMessage().contains("3 volumes"), e.getMessage());
        assertArrayEquals(new short[]{4, 5}, Nifti.read(f, Nifti.Options.defaults().volume(2)).shorts());
        assertThrows(IOException.class, () -> Nifti.read(f, Nifti.Options.defaults().volume(3)));
    }

    @Test void refusesBadInput() throws IOException {
        Path junk = tmp.resolve("junk.nii");
        byte[] r = new byte[1000];
        new Random(4).nextBytes(r);
        r[0] = 1; r[1] = 2; r[2] = 3; r[3] = 4;
        Files.write(junk, r);
        IOException e = assertThrows(IOException.class, () -> Nifti.read(junk));
        assertEquals(junk + ": not a NIfTI-1/2 file (sizeof_hdr=" + 0x04030201 + ")", e.getMessage());

        Path empty = tmp.resolve("empty.nii");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(IOException.class, () -> Nifti.read(empty)).getMessage().startsWith(empty.toString()));

        // header claims 300x300x300 int16 but holds 8 bytes: refused before allocating
        short[] dim = {3, 300, 300, 300, 1, 1, 1, 1};
        Path liar = tmp.resolve("liar.nii.gz");
        Files.write(liar, gzip(handmade(ByteOrder.LITTLE_ENDIAN, Nifti.DT_INT16, 16, dim, 0, 0, 352, new byte[8])));
        e = assertThrows(IOException.class, () -> Nifti.read(liar));
        assertTrue(e.getMessage().startsWith(liar.toString()) && e.getMessage().contains("300x300x300"), e.getMessage());

        // dims that overflow a long when multiplied
        short[] huge = {7, 32767, 32767, 32767, 32767, 32767, 32767, 32767};
        Path ovf = tmp.resolve("ovf.nii");
        Files.write(ovf, handmade(ByteOrder.LITTLE_ENDIAN, Nifti.DT_FLOAT64, 64, huge, 0, 0, 352, new byte[64]));
        assertThrows(IOException.class, () -> Nifti.read(ovf));

        // negative dim, wrong bitpix, unknown datatype
        Path neg = tmp.resolve("neg.nii");
        Files.write(neg, handmade(ByteOrder.LITTLE_ENDIAN, Nifti.DT_INT16, 16, new short[]{3, 2, -2, 1, 1, 1, 1, 1}, 0, 0, 352, new byte[8]));
        assertTrue(assertThrows(IOException.class, () -> Nifti.read(neg)).getMessage().contains("dim[2]=-2"));
        Path bp = tmp.resolve("bitpix.nii");
        Files.write(bp, handmade(ByteOrder.LITTLE_ENDIAN, Nifti.DT_INT16, 32, new short[]{3, 2, 1, 1, 1, 1, 1, 1}, 0, 0, 352, new byte[8]));
        assertTrue(assertThrows(IOException.class, () -> Nifti.read(bp)).getMessage().contains("bitpix"));
        Path dt = tmp.resolve("dt.nii");
        Files.write(dt, handmade(ByteOrder.LITTLE_ENDIAN, 128, 24, new short[]{3, 2, 1, 1, 1, 1, 1, 1}, 0, 0, 352, new byte[8]));
        assertTrue(assertThrows(IOException.class, () -> Nifti.read(dt)).getMessage().contains("unsupported datatype code 128"));
    }

    @Test void truncatedAndCorruptGzip() throws IOException {
        Random rnd = new Random(5);
        short[] d = new short[9 * 8 * 7];
        for (int i = 0; i < d.length; i++) d[i] = (short) rnd.nextInt(3000);
        Volume v = Volume.ofShorts(9, 8, 7, d, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{1, 1, 1}, null));
        Path f = tmp.resolve("ok.nii.gz");
        Nifti.write(v, f);
        byte[] all = Files.readAllBytes(f);
        for (int cut : new int[]{10, 200, all.length / 2, all.length - 9, all.length - 1}) {
            Path t = tmp.resolve("cut" + cut + ".nii.gz");
            Files.write(t, Arrays.copyOf(all, cut));
            IOException e = assertThrows(IOException.class, () -> Nifti.read(t), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(t.toString()), e.getMessage());
        }
        byte[] bad = all.clone();
        for (int i = all.length / 3; i < all.length / 3 + 40; i++) bad[i] ^= 0x5A;
        Path c = tmp.resolve("corrupt.nii.gz");
        Files.write(c, bad);
        IOException e = assertThrows(IOException.class, () -> Nifti.read(c));
        assertTrue(e.getMessage().startsWith(c.toString()), e.getMessage());

        Path raw = tmp.resolve("ok.nii");
        Nifti.write(v, raw);
        byte[] r = Files.readAllBytes(raw);
        Path t = tmp.resolve("cut.nii");
        Files.write(t, Arrays.copyOf(r, r.length - 1));
        e = assertThrows(IOException.class, () -> Nifti.read(t));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path cap = tmp.resolve("cap.nii.gz");
        Files.copy(f, cap);
        e = assertThrows(IOException.class, () -> Nifti.read(cap, Nifti.Options.defaults().maxBytes(500)));
        assertTrue(e.getMessage().contains("cap"), e.getMessage());
    }

    @Test void nonFiniteValuesReported() throws IOException {
        float[] d = {1, Float.NaN, 3, Float.POSITIVE_INFINITY};
        Volume v = Volume.ofFloats(2, 2, 1, d, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{1, 1, 1}, null));
        Path f = tmp.resolve("nan.nii.gz");
        Nifti.write(v, f);
        IOException e = assertThrows(IOException.class, () -> Nifti.read(f));
        assertTrue(e.getMessage().contains("2 NaN/Inf"), e.getMessage());
        assertArrayEquals(d, Nifti.read(f, Nifti.Options.defaults().allowNonFinite(true)).floats());
    }

    static void assertAffine(double[][] e, double[][] a, double tol) {
        for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++)
            assertEquals(e[r][c], a[r][c], tol * Math.max(1, Math.abs(e[r][c])), "affine[" + r + "][" + c + "] " + Arrays.deepToString(a));
    }
}
