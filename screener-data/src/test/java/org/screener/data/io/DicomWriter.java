package org.screener.data.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/** Test-only DICOM Part 10 writer, independent of the reader, for building small (and broken) files. */
final class DicomWriter {
    static final class El {
        final int tag; final String vr; final byte[] value; final List<List<El>> items; final byte[][] fragments;
        El(int tag, String vr, byte[] value, List<List<El>> items, byte[][] fragments) {
            this.tag = tag; this.vr = vr; this.value = value; this.items = items; this.fragments = fragments;
        }
    }

    final List<El> els = new ArrayList<>();

    DicomWriter str(int tag, String vr, String v) {
        byte[] b = v.getBytes(StandardCharsets.US_ASCII);
        if (b.length % 2 == 1) { b = Arrays.copyOf(b, b.length + 1); b[b.length - 1] = (byte) (vr.equals("UI") ? 0 : ' '); }
        els.add(new El(tag, vr, b, null, null));
        return this;
    }
    DicomWriter us(int tag, int v) { els.add(new El(tag, "US", new byte[]{(byte) v, (byte) (v >> 8)}, null, null)); return this; }
    DicomWriter raw(int tag, String vr, byte[] v) { els.add(new El(tag, vr, v, null, null)); return this; }
    DicomWriter seq(int tag, List<List<El>> items) { els.add(new El(tag, "SQ", null, items, null)); return this; }
    DicomWriter encapsulated(byte[]... fragments) { els.add(new El(0x7FE00010, "OB", null, null, fragments)); return this; }

    /** Full file: optional preamble + meta header (explicit LE) + data set in the transfer syntax. */
    byte[] file(String ts, boolean preamble) {
        ByteOrder order = ts.equals(DicomFile.EXPLICIT_BE) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        boolean explicit = !ts.equals(DicomFile.IMPLICIT_LE);
        byte[] ds = encode(els, order, explicit);
        if (ts.equals(DicomFile.DEFLATED_LE)) {
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            d.setInput(ds);
            d.finish();
            byte[] buf = new byte[ds.length * 2 + 64];
            int n = d.deflate(buf);
            d.end();
            ds = Arrays.copyOf(buf, n);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (preamble) {
            out.writeBytes(new byte[128]);
            out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
            DicomWriter meta = new DicomWriter().str(0x00020010, "UI", ts);
            out.writeBytes(encode(meta.els, ByteOrder.LITTLE_ENDIAN, true));
        }
        out.writeBytes(ds);
        return out.toByteArray();
    }

    /** Data set only, no preamble or meta header (tolerated for implicit VR LE). */
    byte[] bare() { return encode(els, ByteOrder.LITTLE_ENDIAN, false); }

    static byte[] encode(List<El> els, ByteOrder order, boolean explicit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (El e : els) {
            boolean undefined = e.items != null || e.fragments != null;
            byte[] v = e.value;
            if (e.vr.equals("US") && order == ByteOrder.BIG_ENDIAN) v = new byte[]{v[1], v[0]};
            header(out, e.tag, e.vr, undefined ? -1 : v.length, order, explicit);
            if (e.items != null) {
                for (List<El> item : e.items) {
                    header(out, 0xFFFEE000, null, -1, order, false);
                    out.writeBytes(encode(item, order, explicit));
                    header(out, 0xFFFEE00D, null, 0, order, false);
                }
                header(out, 0xFFFEE0DD, null, 0, order, false);
            } else if (e.fragments != null) {
                header(out, 0xFFFEE000, null, 0, order, false); // empty basic offset table
                for (byte[] f : e.fragments) { header(out, 0xFFFEE000, null, f.length, order, false); out.writeBytes(f); }
                header(out, 0xFFFEE0DD, null, 0, order, false);
            } else out.writeBytes(v);
        }
        return out.toByteArray();
    }

    static void header(ByteArrayOutputStream out, int tag, String vr, int len, ByteOrder order, boolean explicit) {
        ByteBuffer b = ByteBuffer.allocate(12).order(order);
        b.putShort((short) (tag >>> 16)).putShort((short) tag);
        if (explicit && vr != null) {
            b.put((byte) vr.charAt(0)).put((byte) vr.charAt(1));
            if (Arrays.asList("OB", "OW", "SQ", "UN", "UT", "OF").contains(vr)) b.putShort((short) 0).putInt(len);
            else b.putShort((short) len);
        } else b.putInt(len);
        out.write(b.array(), 0, b.position());
    }

    /** PackBits encoder (PS3.5 G.3.1), written for the tests: literal runs and replicate runs. */
    static byte[] packBits(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < in.length) {
            int run = 1;
            while (i + run < in.length && run < 128 && in[i + run] == in[i]) run++;
            if (run >= 3) { out.write(1 - run); out.write(in[i]); i += run; continue; }
            int start = i, len = 0;
            while (i < in.length && len < 128) {
                if (i + 2 < in.length && in[i] == in[i + 1] && in[i] == in[i + 2]) break;
                i++; len++;
            }
            out.write(len - 1);
            out.write(in, start, len);
        }
        return out.toByteArray();
    }

    /** RLE frame of 16-bit pixels: header + high-byte segment + low-byte segment. */
    static byte[] rle16(short[] px) {
        byte[] hi = new byte[px.length], lo = new byte[px.length];
        for (int i = 0; i < px.length; i++) { hi[i] = (byte) (px[i] >> 8); lo[i] = (byte) px[i]; }
        byte[] s0 = pad(packBits(hi)), s1 = pad(packBits(lo));
        ByteBuffer b = ByteBuffer.allocate(64 + s0.length + s1.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2).putInt(64).putInt(64 + s0.length);
        b.position(64);
        b.put(s0).put(s1);
        return b.array();
    }

    private static byte[] pad(byte[] s) { return s.length % 2 == 0 ? s : Arrays.copyOf(s, s.length + 1); }
}
