package org.screener.data.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** RLE Lossless (PS3.5 Annex G): one segment per byte plane, most significant byte first, PackBits coded. */
final class Rle {
    private Rle() {}

    /** Decodes the single frame of f into big-endian bytes: rows*cols*bytesPerSample. */
    static byte[] decodeFrame(DicomFile f, int rows, int cols, int bytes) throws IOException {
        if (f.fragments.isEmpty()) throw new IOException(f.path + ": RLE pixel data has no fragments");
        // a single frame may be split over several fragments: concatenate them
        int total = 0;
        for (int[] fr : f.fragments) total = Math.addExact(total, fr[1]);
        byte[] in = new byte[total];
        int p = 0;
        for (int[] fr : f.fragments) { System.arraycopy(f.data, fr[0], in, p, fr[1]); p += fr[1]; }
        return decode(in, rows, cols, bytes, f.path.toString());
    }

    static byte[] decode(byte[] in, int rows, int cols, int bytes, String name) throws IOException {
        if (in.length < 64) throw new IOException(name + ": RLE header truncated (" + in.length + " bytes)");
        ByteBuffer bb = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        int nseg = bb.getInt(0);
        if (nseg != bytes) throw new IOException(name + ": RLE has " + nseg + " segments, expected " + bytes + " for " + (8 * bytes) + "-bit greyscale");
        int plane = rows * cols;
        // PackBits expands at most 128 bytes per 2 input bytes: refuse sizes the data cannot hold before allocating
        if ((long) plane * bytes > 64L * in.length + 128)
            throw new IOException(name + ": RLE data of " + in.length + " bytes cannot hold " + cols + "x" + rows + " x " + bytes + " bytes");
        long[] offs = new long[nseg + 1];
        for (int s = 0; s < nseg; s++) {
            offs[s] = bb.getInt(4 + 4 * s) & 0xFFFFFFFFL;
            if (offs[s] < 64 || offs[s] > in.length || (s > 0 && offs[s] < offs[s - 1]))
                throw new IOException(name + ": bad RLE segment offset " + offs[s] + " (segment " + s + ", data " + in.length + " bytes)");
        }
        offs[nseg] = in.length;
        byte[] out = new byte[plane * bytes];
        for (int s = 0; s < nseg; s++) {
            int p = (int) offs[s], end = (int) offs[s + 1];
            int o = 0;
            while (o < plane && p < end) {
                int n = in[p++];
                if (n >= 0) {
                    int len = n + 1;
                    if (p + len > end || o + len > plane) throw new IOException(name + ": RLE literal run overflows (segment " + s + ")");
                    for (int i = 0; i < len; i++) out[(o + i) * bytes + s] = in[p + i];
                    p += len; o += len;
                } else if (n != -128) {
                    int len = 1 - n;
                    if (p >= end || o + len > plane) throw new IOException(name + ": RLE replicate run overflows (segment " + s + ")");
                    byte v = in[p++];
                    for (int i = 0; i < len; i++) out[(o + i) * bytes + s] = v;
                    o += len;
                }
            }
            if (o < plane) throw new IOException(name + ": RLE segment " + s + " decodes to " + o + " of " + plane + " bytes (truncated)");
        }
        return out;
    }
}
