package org.screener.data.io;

import org.screener.data.Volume;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * NIfTI-1 and NIfTI-2 reader ({@code .nii}, {@code .nii.gz}, either byte order) and NIfTI-1 writer.
 *
 * <p>Nothing in a header is trusted for allocation: the data length is measured first (for gzip by streaming
 * and counting, up to {@link Options#maxBytes}) and every dimension is checked against it. Problems end in an
 * {@link IOException} whose message starts with the file name.
 */
public final class Nifti {
    private Nifti() {}

    public static final int DT_UINT8 = 2, DT_INT16 = 4, DT_INT32 = 8, DT_FLOAT32 = 16, DT_FLOAT64 = 64,
            DT_INT8 = 256, DT_UINT16 = 512;

    /** Reading options (immutable; the with-methods return copies). */
    public static final class Options {
        /** Volume index for 4D/5D files; -1 refuses files with more than one volume. */
        public final int volume;
        /** Keep NaN/Inf voxels instead of refusing the file. */
        public final boolean allowNonFinite;
        /** Cap on decompressed bytes (guards against gzip bombs and lying headers). */
        public final long maxBytes;

        private Options(int volume, boolean allowNonFinite, long maxBytes) {
            this.volume = volume; this.allowNonFinite = allowNonFinite; this.maxBytes = maxBytes;
        }
        public static Options defaults() { return new Options(-1, false, 8L << 30); }
        public Options volume(int t) { return new Options(t, allowNonFinite, maxBytes); }
        public Options allowNonFinite(boolean b) { return new Options(volume, b, maxBytes); }
        public Options maxBytes(long n) { return new Options(volume, allowNonFinite, n); }
    }

    /** The header fields the reader uses, already validated. */
    public static final class Header {
        public final int version;          // 1 or 2
        public final ByteOrder order;
        public final long[] dim;           // dim[0] = rank, dim[1..7]
        public final int datatype, bitpix;
        public final double[] pixdim;      // pixdim[0] = qfac
        public final long voxOffset;
        public final double sclSlope, sclInter;
        public final int qformCode, sformCode;
        public final double[] quatern;     // b, c, d, qoffset x, y, z
        public final double[][] srow;      // 3 x 4
        public final String description;
        /** Decompressed length of the whole file in bytes. */
        public final long fileBytes;

        Header(int version, ByteOrder order, long[] dim, int datatype, int bitpix, double[] pixdim, long voxOffset,
               double sclSlope, double sclInter, int qformCode, int sformCode, double[] quatern, double[][] srow,
               String description, long fileBytes) {
            this.version = version; this.order = order; this.dim = dim; this.datatype = datatype; this.bitpix = bitpix;
            this.pixdim = pixdim; this.voxOffset = voxOffset; this.sclSlope = sclSlope; this.sclInter = sclInter;
            this.qformCode = qformCode; this.sformCode = sformCode; this.quatern = quatern; this.srow = srow;
            this.description = description; this.fileBytes = fileBytes;
        }

        /** Number of 3D volumes (product of dim[4..rank]). */
        public long volumes() {
            long n = 1;
            for (int d = 4; d <= dim[0]; d++) n *= dim[d];
            return n;
        }
        public long voxelsPerVolume() { return dim[1] * dim[2] * dim[3]; }
        public int bytesPerVoxel() { return bitpix / 8; }

        /** Scaling is present unless slope is 0, NaN or absent, or the pair is exactly 1/0. */
        public boolean scaled() {
            return sclSlope != 0 && Double.isFinite(sclSlope) && !(sclSlope == 1 && (sclInter == 0 || !Double.isFinite(sclInter)));
        }

        public String datatypeName() { return Nifti.datatypeName(datatype); }

        /** Voxel-to-world (RAS+ mm) affine: sform if sform_code > 0, else qform, else the pixdim diagonal. */
        public double[][] affine() {
            if (sformCode > 0) {
                double[][] a = new double[4][4];
                for (int r = 0; r < 3; r++) a[r] = srow[r].clone();
                a[3] = new double[]{0, 0, 0, 1};
                return a;
            }
            if (qformCode > 0) return quaternToAffine(quatern, pixdim);
            return Volume.diagonalAffine(new double[]{pixdim[1], pixdim[2], pixdim[3]}, null);
        }

        public String affineSource() { return sformCode > 0 ? "sform" : qformCode > 0 ? "qform" : "pixdim"; }
    }

    public static Volume read(Path file) throws IOException { return read(file, Options.defaults()); }

    public static Volume read(Path file, Options opt) throws IOException {
        boolean gz = isGzip(file);
        long total = gz ? countGz(file, opt.maxBytes) : Files.size(file);
        try (InputStream in = open(file, gz)) {
            byte[] hb = in.readNBytes(540);
            Header h = parseHeader(file, hb, total);
            long nvol = h.volumes();
            int t = opt.volume;
            if (nvol > 1 && t < 0)
                throw new IOException(file + ": " + h.dim[0] + "D NIfTI with " + nvol + " volumes (dim " + dimString(h)
                        + "); choose one with the volume option");
            if (t >= nvol) throw new IOException(file + ": volume " + t + " requested but the file has " + nvol);
            if (t < 0) t = 0;
            long volBytes = h.voxelsPerVolume() * h.bytesPerVoxel();
            long start = h.voxOffset + t * volBytes;
            if (start + volBytes > total)
                throw new IOException(file + ": truncated: header (dim " + dimString(h) + ", " + h.datatypeName()
                        + ", vox_offset " + h.voxOffset + ") needs " + (h.voxOffset + nvol * volBytes)
                        + " bytes but the " + (gz ? "decompressed " : "") + "file has " + total);
            InputStream rest = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(hb), in);
            skipFully(rest, start, file);
            return readData(file, rest, h, opt);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /** Reads and validates the header only (the data length is still measured). */
    public static Header readHeader(Path file) throws IOException {
        boolean gz = isGzip(file);
        long total = gz ? countGz(file, Options.defaults().maxBytes) : Files.size(file);
        try (InputStream in = open(file, gz)) {
            return parseHeader(file, in.readNBytes(540), total);
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }

    static Header parseHeader(Path file, byte[] hb, long total) throws IOException {
        if (hb.length < 4) throw new IOException(file + ": not a NIfTI-1/2 file (only " + hb.length + " bytes)");
        ByteBuffer b = ByteBuffer.wrap(hb).order(ByteOrder.LITTLE_ENDIAN);
        int size = b.getInt(0);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (size != 348 && size != 540) {
            int swapped = Integer.reverseBytes(size);
            if (swapped != 348 && swapped != 540) throw new IOException(file + ": not a NIfTI-1/2 file (sizeof_hdr=" + size + ")");
            size = swapped;
            order = ByteOrder.BIG_ENDIAN;
            b.order(order);
        }
        if (hb.length < size) throw new IOException(file + ": truncated NIfTI header (" + hb.length + " of " + size + " bytes)");
        return size == 348 ? parse1(file, b, order, total) : parse2(file, b, order, total);
    }

    private static Header parse1(Path file, ByteBuffer b, ByteOrder order, long total) throws IOException {
        String magic = ascii(b, 344, 4);
        if (magic.equals("ni1")) throw new IOException(file + ": NIfTI-1 header with separate .img data (magic ni1) is not supported; convert to single-file .nii");
        if (!magic.equals("n+1")) throw new IOException(file + ": not a NIfTI-1/2 file (sizeof_hdr=348 but magic '" + printable(magic) + "')");
        long[] dim = new long[8];
        for (int d = 0; d < 8; d++) dim[d] = b.getShort(40 + 2 * d);
        double[] pixdim = new double[8];
        for (int d = 0; d < 8; d++) pixdim[d] = b.getFloat(76 + 4 * d);
        double[] q = new double[6];
        for (int k = 0; k < 6; k++) q[k] = b.getFloat(256 + 4 * k);
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
        double vox = b.getFloat(108);
        if (!(vox >= 0) || vox > Long.MAX_VALUE / 2 || vox != Math.rint(vox))
            throw new IOException(file + ": bad vox_offset " + vox);
        long voxOffset = Math.max(352, (long) vox);
        return check(file, new Header(1, order, dim, b.getShort(70), b.getShort(72), pixdim, voxOffset,
                b.getFloat(112), b.getFloat(116), b.getShort(252), b.getShort(254), q, srow, ascii(b, 148, 80), total));
    }

    private static Header parse2(Path file, ByteBuffer b, ByteOrder order, long total) throws IOException {
        String magic = ascii(b, 4, 4);
        if (magic.equals("ni2")) throw new IOException(file + ": NIfTI-2 header with separate .img data (magic ni2) is not supported");
        if (!magic.equals("n+2")) throw new IOException(file + ": not a NIfTI-1/2 file (sizeof_hdr=540 but magic '" + printable(magic) + "')");
        long[] dim = new long[8];
        for (int d = 0; d < 8; d++) dim[d] = b.getLong(16 + 8 * d);
        double[] pixdim = new double[8];
        for (int d = 0; d < 8; d++) pixdim[d] = b.getDouble(104 + 8 * d);
        double[] q = new double[6];
        for (int k = 0; k < 6; k++) q[k] = b.getDouble(352 + 8 * k);
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
        long vox = b.getLong(168);
        if (vox < 0) throw new IOException(file + ": bad vox_offset " + vox);
        return check(file, new Header(2, order, dim, b.getShort(12), b.getShort(14), pixdim, Math.max(544, vox),
                b.getDouble(176), b.getDouble(184), b.getInt(344), b.getInt(348), q, srow, ascii(b, 240, 80), total));
    }

    private static Header check(Path file, Header h) throws IOException {
        long rank = h.dim[0];
        if (rank < 1 || rank > 7) throw new IOException(file + ": bad dim[0]=" + rank + " (must be 1..7)");
        for (int d = 1; d <= 7; d++) {
            if (d > rank) h.dim[d] = 1;
            else if (h.dim[d] < 1) throw new IOException(file + ": bad dim[" + d + "]=" + h.dim[d] + " (dim " + dimString(h) + ")");
        }
        String name = datatypeName(h.datatype);
        if (name.startsWith("unsupported")) throw new IOException(file + ": " + name);
        int expectBits = expectedBitpix(h.datatype);
        if (h.bitpix != expectBits) throw new IOException(file + ": bitpix " + h.bitpix + " does not match datatype " + name + " (" + expectBits + ")");
        // Overflow-safe product of all dims against the measured data length.
        long avail = h.fileBytes - h.voxOffset;
        if (avail < 0) throw new IOException(file + ": vox_offset " + h.voxOffset + " lies beyond the end of the data (" + h.fileBytes + " bytes)");
        long bytes = h.bitpix / 8;
        for (int d = 1; d <= 7; d++) {
            if (bytes > avail / h.dim[d])
                throw new IOException(file + ": truncated or dims do not match: dim " + dimString(h) + " of " + name
                        + " needs more than the " + avail + " data bytes present");
            bytes *= h.dim[d];
        }
        if (h.voxelsPerVolume() > Integer.MAX_VALUE - 8)
            throw new IOException(file + ": volume of " + h.voxelsPerVolume() + " voxels exceeds the Java array limit");
        return h;
    }

    private static Volume readData(Path file, InputStream in, Header h, Options opt) throws IOException {
        int nx = (int) h.dim[1], ny = (int) h.dim[2], nz = (int) h.dim[3];
        int n = (int) h.voxelsPerVolume();
        int bpv = h.bytesPerVoxel();
        boolean keepShorts = !h.scaled() && (h.datatype == DT_INT16 || h.datatype == DT_UINT8 || h.datatype == DT_INT8);
        short[] s = keepShorts ? new short[n] : null;
        float[] f = keepShorts ? null : new float[n];
        double slope = h.scaled() ? h.sclSlope : 1, inter = h.scaled() && Double.isFinite(h.sclInter) ? h.sclInter : 0;
        int chunkVox = Math.max(1, (1 << 20) / bpv);
        byte[] buf = new byte[chunkVox * bpv];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(h.order);
        long nonFinite = 0;
        for (int off = 0; off < n; off += chunkVox) {
            int m = Math.min(chunkVox, n - off);
            int got = in.readNBytes(buf, 0, m * bpv);
            if (got < m * bpv) throw new IOException(file + ": truncated: data ended after " + ((long) off * bpv + got) + " of " + ((long) n * bpv) + " voxel bytes");
            for (int k = 0; k < m; k++) {
                int p = k * bpv;
                double v;
                switch (h.datatype) {
                    case DT_UINT8: v = buf[p] & 0xff; break;
                    case DT_INT8: v = buf[p]; break;
                    case DT_INT16: v = bb.getShort(p); break;
                    case DT_UINT16: v = bb.getShort(p) & 0xffff; break;
                    case DT_INT32: v = bb.getInt(p); break;
                    case DT_FLOAT32: v = bb.getFloat(p); break;
                    default: v = bb.getDouble(p); break;
                }
                if (keepShorts) { s[off + k] = (short) v; continue; }
                float x = (float) (v * slope + inter);
                if (!Float.isFinite(x)) nonFinite++;
                f[off + k] = x;
            }
        }
        if (nonFinite > 0 && !opt.allowNonFinite)
            throw new IOException(file + ": " + nonFinite + " NaN/Inf voxel values (after scl_slope " + slope + ", scl_inter " + inter + ")");
        double[] sp = spacing(h);
        double[][] aff = h.affine();
        return keepShorts ? Volume.ofShorts(nx, ny, nz, s, sp, aff) : Volume.ofFloats(nx, ny, nz, f, sp, aff);
    }

    private static double[] spacing(Header h) {
        double[][] a = h.affine();
        double[] sp = new double[3];
        for (int c = 0; c < 3; c++) {
            double p = Math.abs(h.pixdim[c + 1]);
            sp[c] = p > 0 && Double.isFinite(p) ? p : Math.sqrt(a[0][c] * a[0][c] + a[1][c] * a[1][c] + a[2][c] * a[2][c]);
            if (!(sp[c] > 0)) sp[c] = 1;
        }
        return sp;
    }

    /** qform affine per the NIfTI-1 standard: R(b,c,d) * diag(dx, dy, qfac*dz) plus the offsets. */
    static double[][] quaternToAffine(double[] q, double[] pixdim) {
        double b = q[0], c = q[1], d = q[2];
        double a = 1 - (b * b + c * c + d * d);
        if (a < 1e-7) { // a = 0 means a 180 degree rotation; renormalise b, c, d
            double norm = Math.sqrt(b * b + c * c + d * d);
            b /= norm; c /= norm; d /= norm; a = 0;
        } else a = Math.sqrt(a);
        double qfac = pixdim[0] < 0 ? -1 : 1;
        double dx = pixdim[1], dy = pixdim[2], dz = pixdim[3] * qfac;
        double[][] r = {
                {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
                {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
                {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
        double[] s = {dx, dy, dz};
        double[][] m = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) m[i][j] = r[i][j] * s[j];
            m[i][3] = q[3 + i];
        }
        m[3][3] = 1;
        return m;
    }

    /**
     * Quaternion (b, c, d), offsets and qfac of an affine, as nifti1_io's mat44_to_quatern: columns are
     * normalised and orthogonalised (polar decomposition), a negative determinant goes into qfac.
     * Returns {b, c, d, qx, qy, qz, qfac, dx, dy, dz}.
     */
    static double[] affineToQuatern(double[][] m) {
        double[][] r = new double[3][3];
        double[] sc = new double[3];
        for (int j = 0; j < 3; j++) {
            sc[j] = Math.sqrt(m[0][j] * m[0][j] + m[1][j] * m[1][j] + m[2][j] * m[2][j]);
            if (sc[j] == 0) { sc[j] = 1; r[j][j] = 1; continue; }
            for (int i = 0; i < 3; i++) r[i][j] = m[i][j] / sc[j];
        }
        double qfac = 1;
        if (det3(r) < 0) { qfac = -1; for (int i = 0; i < 3; i++) r[i][2] = -r[i][2]; }
        r = polar(r);
        double a = r[0][0] + r[1][1] + r[2][2] + 1, b, c, d;
        if (a > 0.5) {
            a = 0.5 * Math.sqrt(a);
            b = 0.25 * (r[2][1] - r[1][2]) / a;
            c = 0.25 * (r[0][2] - r[2][0]) / a;
            d = 0.25 * (r[1][0] - r[0][1]) / a;
        } else {
            double xd = 1 + r[0][0] - (r[1][1] + r[2][2]), yd = 1 + r[1][1] - (r[0][0] + r[2][2]), zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
            if (xd > 1) {
                b = 0.5 * Math.sqrt(xd); c = 0.25 * (r[0][1] + r[1][0]) / b; d = 0.25 * (r[0][2] + r[2][0]) / b; a = 0.25 * (r[2][1] - r[1][2]) / b;
            } else if (yd > 1) {
                c = 0.5 * Math.sqrt(yd); b = 0.25 * (r[0][1] + r[1][0]) / c; d = 0.25 * (r[1][2] + r[2][1]) / c; a = 0.25 * (r[0][2] - r[2][0]) / c;
            } else {
                d = 0.5 * Math.sqrt(zd); b = 0.25 * (r[0][2] + r[2][0]) / d; c = 0.25 * (r[1][2] + r[2][1]) / d; a = 0.25 * (r[1][0] - r[0][1]) / d;
            }
            if (a < 0) { b = -b; c = -c; d = -d; }
        }
        return new double[]{b, c, d, m[0][3], m[1][3], m[2][3], qfac, sc[0], sc[1], sc[2]};
    }

    private static double[][] polar(double[][] r) {
        double[][] x = r;
        for (int it = 0; it < 20; it++) {
            double[][] inv = inverse3(x);
            double[][] y = new double[3][3];
            double diff = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
                y[i][j] = 0.5 * (x[i][j] + inv[j][i]);
                diff = Math.max(diff, Math.abs(y[i][j] - x[i][j]));
            }
            x = y;
            if (diff < 1e-14) break;
        }
        return x;
    }

    static double det3(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    static double[][] inverse3(double[][] m) {
        double det = det3(m);
        if (det == 0 || !Double.isFinite(det)) throw new IllegalArgumentException("singular 3x3 matrix " + Arrays.deepToString(m));
        double[][] v = new double[3][3];
        v[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
        v[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
        v[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
        v[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
        v[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
        v[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
        v[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
        v[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
        v[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
        return v;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a NIfTI-1 file, gzip-compressed when the name ends in {@code .gz}: int16 for short volumes, float32
     * otherwise. sform and qform (code 1, scanner) both come from the volume's affine, so the file overlays the
     * scan it was computed from.
     */
    public static void write(Volume v, Path file) throws IOException {
        double[][] a = v.affine();
        for (double[] row : a) for (double x : row)
            if (!Double.isFinite(x)) throw new IllegalArgumentException(file + ": affine has a non-finite entry: " + Arrays.deepToString(a));
        if (Math.abs(det3(a)) < 1e-12) throw new IllegalArgumentException(file + ": singular affine " + Arrays.deepToString(a));
        boolean shorts = v.isShort();
        ByteBuffer h = ByteBuffer.allocate(352).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, 348);
        h.put(38, (byte) 'r');
        short[] dim = {3, (short) v.nx, (short) v.ny, (short) v.nz, 1, 1, 1, 1};
        if (v.nx > Short.MAX_VALUE || v.ny > Short.MAX_VALUE || v.nz > Short.MAX_VALUE)
            throw new IllegalArgumentException(file + ": dimensions " + v.nx + "x" + v.ny + "x" + v.nz + " do not fit NIfTI-1 (max 32767)");
        for (int d = 0; d < 8; d++) h.putShort(40 + 2 * d, dim[d]);
        h.putShort(70, (short) (shorts ? DT_INT16 : DT_FLOAT32));
        h.putShort(72, (short) (shorts ? 16 : 32));
        double[] q = affineToQuatern(a);
        double[] sp = v.spacing();
        h.putFloat(76, (float) q[6]);
        for (int d = 0; d < 3; d++) h.putFloat(80 + 4 * d, (float) q[7 + d]);
        for (int d = 4; d < 8; d++) h.putFloat(76 + 4 * d, 1f);
        h.putFloat(108, 352f);
        h.putFloat(112, 1f);
        h.putFloat(116, 0f);
        h.put(123, (byte) 2); // xyz in mm
        float[] range = v.range();
        h.putFloat(124, 0f);
        h.putFloat(128, 0f);
        h.putInt(140, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.floor(range[1]))));
        h.putInt(144, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.floor(range[0]))));
        byte[] desc = ("screener " + Arrays.toString(sp)).getBytes(StandardCharsets.US_ASCII);
        h.put(148, desc, 0, Math.min(79, desc.length));
        h.putShort(252, (short) 1);
        h.putShort(254, (short) 1);
        for (int k = 0; k < 6; k++) h.putFloat(256 + 4 * k, (float) q[k]);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) h.putFloat(280 + 16 * r + 4 * c, (float) a[r][c]);
        h.put(344, (byte) 'n'); h.put(345, (byte) '+'); h.put(346, (byte) '1');
        boolean gz = file.getFileName().toString().endsWith(".gz");
        org.screener.core.io.AtomicFile.write(file, tmp -> {
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 OutputStream out = gz ? fastGzip(raw) : raw) {
                out.write(h.array());
                int n = (int) v.size();
                int chunk = 1 << 18;
                ByteBuffer buf = ByteBuffer.allocate(chunk * 4).order(ByteOrder.LITTLE_ENDIAN);
                short[] s = v.shorts();
                float[] f = shorts ? null : v.floats();
                for (int off = 0; off < n; off += chunk) {
                    int m = Math.min(chunk, n - off);
                    buf.clear();
                    if (shorts) for (int k = 0; k < m; k++) buf.putShort(s[off + k]);
                    else for (int k = 0; k < m; k++) buf.putFloat(f[off + k]);
                    out.write(buf.array(), 0, buf.position());
                }
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    /** Level 1 deflate: about 3x faster than the default for ~10% larger CT files. */
    private static OutputStream fastGzip(OutputStream raw) throws IOException {
        return new GZIPOutputStream(raw, 1 << 16) {
            { def.setLevel(java.util.zip.Deflater.BEST_SPEED); }
        };
    }

    public static String datatypeName(int dt) {
        switch (dt) {
            case DT_UINT8: return "uint8";
            case DT_INT8: return "int8";
            case DT_INT16: return "int16";
            case DT_UINT16: return "uint16";
            case DT_INT32: return "int32";
            case DT_FLOAT32: return "float32";
            case DT_FLOAT64: return "float64";
            default: return "unsupported datatype code " + dt + " (supported: uint8, int8, int16, uint16, int32, float32, float64)";
        }
    }

    private static int expectedBitpix(int dt) {
        switch (dt) {
            case DT_UINT8: case DT_INT8: return 8;
            case DT_INT16: case DT_UINT16: return 16;
            case DT_INT32: case DT_FLOAT32: return 32;
            default: return 64;
        }
    }

    static String dimString(Header h) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 1; d <= Math.max(1, Math.min(7, h.dim[0])); d++) sb.append(d > 1 ? "x" : "").append(h.dim[d]);
        return sb.append(']').toString();
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(2);
            return m.length == 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b;
        }
    }

    private static InputStream open(Path file, boolean gz) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gz ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /** Decompressed length of a gzip file, streamed; refuses more than cap bytes. */
    static long countGz(Path file, long cap) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = open(file, true)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
                if (n > cap) throw new IOException(file + ": decompresses to more than " + cap + " bytes (cap)");
            }
        } catch (EOFException e) {
            throw new IOException(file + ": truncated gzip stream after " + n + " decompressed bytes", e);
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt gzip stream after " + n + " decompressed bytes (" + e.getMessage() + ")", e);
        }
        return n;
    }

    private static void skipFully(InputStream in, long n, Path file) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new IOException(file + ": truncated before the voxel data");
                s = 1;
            }
            n -= s;
        }
    }

    private static String ascii(ByteBuffer b, int off, int len) {
        byte[] s = new byte[len];
        for (int i = 0; i < len; i++) s[i] = b.get(off + i);
        int end = 0;
        while (end < len && s[end] != 0) end++;
        return new String(s, 0, end, StandardCharsets.ISO_8859_1).trim();
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        return sb.toString();
    }
}
