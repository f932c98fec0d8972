package org.screener.data.preprocess;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.screener.data.Volume;

/**
 * On-disk cache of one {@link Preprocessed} scan. Little-endian layout, version 1:
 * <pre>
 *   8  magic "SCRPREP1"      4 version (1)      4 flags (bit 0 float16 voxels, bit 1 mask present)
 *   12 dims (nx, ny, nz)     24 spacing         128 affine (4x4 doubles, row-major)
 *   12 original dims         24 original spacing 128 original affine
 *   12 crop lo               12 crop hi
 *   voxels: nx*ny*nz float16 or float32, x fastest; then, if present, the mask as int16
 * </pre>
 * Written to a temporary file in the target directory and renamed, so readers never see a partial file.
 */
public final class PreprocessedCache {
    static final byte[] MAGIC = {'S', 'C', 'R', 'P', 'R', 'E', 'P', '1'};
    public static final int VERSION = 1;
    private static final int HEADER = 8 + 4 + 4 + 12 + 24 + 128 + 12 + 24 + 128 + 12 + 12;
    private static final int CHUNK = 1 << 20;

    private PreprocessedCache() {}

    public static void write(Path file, Preprocessed p, boolean half) throws IOException {
        Volume img = p.image();
        PreprocessGeometry g = p.geometry();
        org.screener.core.io.AtomicFile.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
                h.put(MAGIC).putInt(VERSION).putInt((half ? 1 : 0) | (p.mask() != null ? 2 : 0));
                putInts(h, img.dims()); putDoubles(h, img.spacing()); putAffine(h, img.affine());
                putInts(h, g.origDims); putDoubles(h, g.origSpacing); putAffine(h, g.origAffine());
                putInts(h, g.cropLo); putInts(h, g.cropHi);
                h.flip();
                writeFully(ch, h);
                float[] v = img.floats();
                ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    if (b.remaining() < 4) { b.flip(); writeFully(ch, b); b.clear(); }
                    if (half) b.putShort(Half.fromFloat(f)); else b.putFloat(f);
                }
                if (p.mask() != null) {
                    short[] m = p.mask().shorts();
                    float[] mf = m == null ? p.mask().floats() : null;
                    for (int i = 0; i < img.size(); i++) {
                        if (b.remaining() < 2) { b.flip(); writeFully(ch, b); b.clear(); }
                        b.putShort(m != null ? m[i] : (short) Math.round(mf[i]));
                    }
                }
                b.flip(); writeFully(ch, b);
            }
        });
    }

    /**
     * What {@link #read} returns for the file {@link #write} makes of {@code p}: the voxels rounded through
     * float16 when {@code half}, the mask as int16 on the image's grid, fresh arrays. A cache miss hands this to
     * its caller instead of {@code p}, so that a run which builds the cache trains on the same numbers as a run
     * which finds it (with {@code p} itself the first run's first draws saw float32 voxels, every later draw and
     * every later run the float16 ones).
     */
    public static Preprocessed asRead(Preprocessed p, boolean half) {
        Volume img = p.image();
        PreprocessGeometry g = p.geometry();
        int[] dims = img.dims();
        double[] sp = img.spacing();
        double[][] aff = img.affine();
        float[] src = img.floats();
        float[] v = new float[src.length];
        for (int i = 0; i < v.length; i++) v[i] = half ? Half.toFloat(Half.fromFloat(src[i])) : src[i];
        Volume mask = null;
        if (p.mask() != null) {
            short[] m = p.mask().shorts();
            float[] mf = m == null ? p.mask().floats() : null;
            short[] out = new short[v.length];
            for (int i = 0; i < out.length; i++) out[i] = m != null ? m[i] : (short) Math.round(mf[i]);
            mask = Volume.ofShorts(dims[0], dims[1], dims[2], out, sp, aff);
        }
        PreprocessGeometry q = new PreprocessGeometry(g.origDims, g.origSpacing, g.origAffine(), g.cropLo, g.cropHi, dims, sp);
        return new Preprocessed(Volume.ofFloats(dims[0], dims[1], dims[2], v, sp, aff), mask, q);
    }

    public static Preprocessed read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, h, file);
            h.flip();
            byte[] magic = new byte[8];
            h.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new IOException(file + ": not a preprocessed cache file (bad magic)");
            int version = h.getInt();
            if (version != VERSION) throw new IOException(file + ": cache version " + version + ", this reader supports " + VERSION);
            int flags = h.getInt();
            boolean half = (flags & 1) != 0, hasMask = (flags & 2) != 0;
            int[] dims = getInts(h); double[] sp = getDoubles(h); double[][] aff = getAffine(h);
            int[] odims = getInts(h); double[] osp = getDoubles(h); double[][] oaff = getAffine(h);
            int[] lo = getInts(h), hi = getInts(h);
            long n = (long) dims[0] * dims[1] * dims[2];
            long expect = HEADER + n * (half ? 2 : 4) + (hasMask ? n * 2 : 0);
            if (n <= 0 || n > Integer.MAX_VALUE || ch.size() != expect)
                throw new IOException(file + ": size " + ch.size() + " does not match header (dims " + java.util.Arrays.toString(dims) + ", expected " + expect + " bytes)");
            float[] v = new float[(int) n];
            ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            b.flip();
            for (int i = 0; i < n; i++) {
                if (b.remaining() < 4) refill(ch, b, file);
                v[i] = half ? Half.toFloat(b.getShort()) : b.getFloat();
            }
            Volume mask = null;
            if (hasMask) {
                short[] m = new short[(int) n];
                for (int i = 0; i < n; i++) {
                    if (b.remaining() < 2) refill(ch, b, file);
                    m[i] = b.getShort();
                }
                mask = Volume.ofShorts(dims[0], dims[1], dims[2], m, sp, aff);
            }
            PreprocessGeometry g = new PreprocessGeometry(odims, osp, oaff, lo, hi, dims, sp);
            return new Preprocessed(Volume.ofFloats(dims[0], dims[1], dims[2], v, sp, aff), mask, g);
        }
    }

    private static void refill(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        b.compact();
        while (b.hasRemaining()) if (ch.read(b) < 0) break;
        b.flip();
        if (b.remaining() < 2) throw new IOException(file + ": truncated cache file");
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException { while (b.hasRemaining()) ch.write(b); }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) if (ch.read(b) < 0) throw new IOException(file + ": truncated cache header");
    }

    private static void putInts(ByteBuffer b, int[] v) { for (int x : v) b.putInt(x); }
    private static void putDoubles(ByteBuffer b, double[] v) { for (double x : v) b.putDouble(x); }
    private static void putAffine(ByteBuffer b, double[][] a) { for (double[] r : a) for (double x : r) b.putDouble(x); }
    private static int[] getInts(ByteBuffer b) { return new int[]{b.getInt(), b.getInt(), b.getInt()}; }
    private static double[] getDoubles(ByteBuffer b) { return new double[]{b.getDouble(), b.getDouble(), b.getDouble()}; }
    private static double[][] getAffine(ByteBuffer b) {
        double[][] a = new double[4][4];
        for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) a[r][c] = b.getDouble();
        return a;
    }
}
