package org.screener.data.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One parsed DICOM Part 10 file: its transfer syntax and the top-level data elements up to and including the
 * pixel data (sequence contents are skipped). Every length is bounds-checked against the bytes actually
 * present, so a lying length ends in an {@link IOException} naming the file, never in a hang or a huge
 * allocation.
 */
public final class DicomFile {
    public static final String IMPLICIT_LE = "1.2.840.10008.1.2", EXPLICIT_LE = "1.2.840.10008.1.2.1",
            DEFLATED_LE = "1.2.840.10008.1.2.1.99", EXPLICIT_BE = "1.2.840.10008.1.2.2", RLE = "1.2.840.10008.1.2.5";

    public static final int PIXEL_DATA = 0x7FE00010;
    private static final int ITEM = 0xFFFEE000, ITEM_END = 0xFFFEE00D, SEQ_END = 0xFFFEE0DD;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int MAX_DEPTH = 32;
    /** Cap for inflated (deflate transfer syntax) data sets. */
    static final long MAX_INFLATED = 1L << 30;

    /** A top-level element: where its value lies in {@link #data}. */
    static final class Element {
        final String vr;
        final int offset, length;
        Element(String vr, int offset, int length) { this.vr = vr; this.offset = offset; this.length = length; }
    }

    public final Path path;
    public final String transferSyntax;
    final byte[] data;           // the data set bytes (inflated for the deflate syntax)
    final ByteOrder order;
    final boolean explicitVr;
    final Map<Integer, Element> elements = new HashMap<>();
    /** Encapsulated pixel data fragments (offset, length) in {@link #data}; empty for native pixel data. */
    final List<int[]> fragments = new ArrayList<>();
    boolean encapsulated;

    private DicomFile(Path path, String ts, byte[] data, ByteOrder order, boolean explicitVr) {
        this.path = path; this.transferSyntax = ts; this.data = data; this.order = order; this.explicitVr = explicitVr;
    }

    /** Parses a file; {@code IOException} if it is not DICOM or is malformed. */
    public static DicomFile read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) throw new IOException(file + ": file of " + size + " bytes is too large for a DICOM slice");
        return parse(file, Files.readAllBytes(file));
    }

    static DicomFile parse(Path file, byte[] b) throws IOException {
        int pos;
        String ts;
        Map<Integer, Element> meta = new HashMap<>();
        boolean dicm = b.length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M';
        if (dicm) pos = 132;
        else if (b.length >= 8 && leShort(b, 0) == 0x0002 && isVr(b, 4)) pos = 0; // meta group without preamble
        else pos = -1;
        if (pos >= 0) {
            DicomFile m = new DicomFile(file, EXPLICIT_LE, b, ByteOrder.LITTLE_ENDIAN, true);
            while (pos + 8 <= b.length && leShort(b, pos) == 0x0002) pos = m.element(pos, b.length, 0, true);
            Element tse = m.elements.get(0x00020010);
            if (tse == null) throw new IOException(file + ": DICOM meta header has no TransferSyntaxUID (0002,0010)");
            ts = m.string(0x00020010);
            meta.putAll(m.elements);
        } else {
            // No preamble: tolerated for implicit VR little endian starting with a group 0008 element.
            if (b.length < 8 || leShort(b, 0) != 0x0008)
                throw new IOException(file + ": not a DICOM file (no DICM marker and no recognisable data set)");
            pos = 0;
            ts = isVr(b, 4) ? EXPLICIT_LE : IMPLICIT_LE;
        }
        byte[] body = b;
        int start = pos;
        boolean explicit = true;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        switch (ts) {
            case IMPLICIT_LE: explicit = false; break;
            case EXPLICIT_LE: case RLE: break;
            case EXPLICIT_BE: order = ByteOrder.BIG_ENDIAN; break;
            case DEFLATED_LE: body = inflate(file, b, pos); start = 0; break;
            default:
                if (!isKnownEncapsulated(ts)) throw unsupported(ts, file);
        }
        DicomFile f = new DicomFile(file, ts, body, order, explicit);
        if (body == b) f.elements.putAll(meta); // after inflation the meta elements would point into the wrong buffer
        int p = start;
        while (p < body.length && !f.elements.containsKey(PIXEL_DATA)) {
            if (body.length - p < 8) {
                if (allZero(body, p)) break; // trailing padding
                throw new IOException(file + ": truncated element header at byte " + p);
            }
            p = f.element(p, body.length, 0, true);
        }
        return f;
    }

    /** Parses one element at p; returns the position after it. Top-level elements are recorded. */
    private int element(int p, int end, int depth, boolean record) throws IOException {
        if (end - p < 8) throw new IOException(path + ": truncated element header at byte " + p);
        ByteBuffer bb = ByteBuffer.wrap(data).order(order);
        int tag = tagAt(p, order);
        String vr;
        long len;
        int valuePos;
        if (tag == ITEM || tag == ITEM_END || tag == SEQ_END) {
            vr = "";
            len = bb.getInt(p + 4) & UNDEFINED;
            valuePos = p + 8;
        } else if (explicitVr) {
            vr = new String(data, p + 4, 2, StandardCharsets.US_ASCII);
            if (!isVr(data, p + 4)) throw new IOException(path + ": bad VR '" + printable(vr) + "' for tag " + tagString(tag) + " at byte " + p);
            if (longVr(vr)) {
                if (end - p < 12) throw new IOException(path + ": truncated element header at byte " + p);
                len = bb.getInt(p + 8) & UNDEFINED;
                valuePos = p + 12;
            } else {
                len = bb.getShort(p + 6) & 0xFFFF;
                valuePos = p + 8;
            }
        } else {
            vr = implicitVr(tag);
            len = bb.getInt(p + 4) & UNDEFINED;
            valuePos = p + 8;
        }
        if (len == UNDEFINED) {
            if (tag == PIXEL_DATA) {
                if (depth > 0) return skipSequence(valuePos, end, depth + 1);
                return readFragments(valuePos, end);
            }
            if (vr.equals("SQ") || vr.equals("UN") || tag == ITEM || !explicitVr) {
                // UN with undefined length is an implicit VR LE sequence (PS3.5 6.2.2)
                if (vr.equals("UN") && explicitVr) return new DicomFile(path, IMPLICIT_LE, data, ByteOrder.LITTLE_ENDIAN, false).skipSequence(valuePos, end, depth + 1);
                return tag == ITEM ? skipItem(valuePos, end, depth + 1) : skipSequence(valuePos, end, depth + 1);
            }
            throw new IOException(path + ": undefined length for " + vr + " element " + tagString(tag) + " at byte " + p);
        }
        if (len > end - valuePos)
            throw new IOException(path + ": element " + tagString(tag) + " claims " + len + " bytes at byte " + valuePos + " but only " + (end - valuePos) + " remain (truncated or corrupt)");
        if (record && depth == 0) elements.put(tag, new Element(vr, valuePos, (int) len));
        return valuePos + (int) len;
    }

    /** Skips the items of an undefined-length sequence; returns the position after its delimiter. */
    private int skipSequence(int p, int end, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException(path + ": sequences nested deeper than " + MAX_DEPTH + " levels");
        while (true) {
            if (end - p < 8) throw new IOException(path + ": sequence not terminated (truncated) at byte " + p);
            int tag = tagAt(p, order);
            long len = ByteBuffer.wrap(data).order(order).getInt(p + 4) & UNDEFINED;
            if (tag == SEQ_END) return p + 8;
            if (tag != ITEM) throw new IOException(path + ": expected an item in a sequence at byte " + p + ", found " + tagString(tag));
            if (len == UNDEFINED) p = skipItem(p + 8, end, depth);
            else {
                if (len > end - p - 8) throw new IOException(path + ": item claims " + len + " bytes at byte " + p + " but only " + (end - p - 8) + " remain");
                p += 8 + (int) len;
            }
        }
    }

    /** Skips the elements of an undefined-length item; returns the position after its delimiter. */
    private int skipItem(int p, int end, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException(path + ": sequences nested deeper than " + MAX_DEPTH + " levels");
        while (true) {
            if (end - p < 8) throw new IOException(path + ": item not terminated (truncated) at byte " + p);
            if (tagAt(p, order) == ITEM_END) return p + 8;
            p = element(p, end, depth, false);
        }
    }

    /** Encapsulated pixel data: basic offset table item, then fragments, then the sequence delimiter. */
    private int readFragments(int p, int end) throws IOException {
        encapsulated = true;
        boolean first = true;
        while (true) {
            if (end - p < 8) throw new IOException(path + ": encapsulated pixel data not terminated (truncated) at byte " + p);
            int tag = tagAt(p, order);
            long len = ByteBuffer.wrap(data).order(order).getInt(p + 4) & UNDEFINED;
            if (tag == SEQ_END) break;
            if (tag != ITEM) throw new IOException(path + ": expected a pixel data item at byte " + p + ", found " + tagString(tag));
            if (len > end - p - 8) throw new IOException(path + ": pixel data fragment claims " + len + " bytes at byte " + p + " but only " + (end - p - 8) + " remain (truncated)");
            if (!first) fragments.add(new int[]{p + 8, (int) len});
            first = false;
            p += 8 + (int) len;
        }
        elements.put(PIXEL_DATA, new Element("OB", p, 0));
        return p + 8;
    }

    private static byte[] inflate(Path file, byte[] b, int pos) throws IOException {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(b, pos, b.length - pos);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(1024, 4 * (b.length - pos)));
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0) {
                    if (inf.needsInput()) break; // truncated stream: parse what we have, bounds checks catch the rest
                    if (inf.needsDictionary()) throw new IOException(file + ": deflated data set needs a preset dictionary");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED) throw new IOException(file + ": deflated data set inflates to more than " + MAX_INFLATED + " bytes (cap)");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException(file + ": corrupt deflated data set (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }

    /**
     * A copy holding only the bytes before the pixel data (the pixel data element stays listed but empty), so
     * a folder scan keeps kilobytes per file; read the file again to decode pixels.
     */
    DicomFile headerOnly() {
        Element px = elements.get(PIXEL_DATA);
        if (px == null) return this;
        int cut = 0;
        for (Element e : elements.values()) if (e != px) cut = Math.max(cut, e.offset + e.length);
        DicomFile h = new DicomFile(path, transferSyntax, java.util.Arrays.copyOf(data, cut), order, explicitVr);
        for (Map.Entry<Integer, Element> e : elements.entrySet())
            h.elements.put(e.getKey(), e.getValue() == px ? new Element(px.vr, cut, 0) : e.getValue());
        h.encapsulated = encapsulated;
        return h;
    }

    // ---------------------------------------------------------------- values

    public boolean has(int tag) { return elements.containsKey(tag); }

    /** Text value with trailing spaces and NULs removed, or null if absent. */
    public String string(int tag) {
        Element e = elements.get(tag);
        if (e == null) return null;
        int n = e.length;
        while (n > 0 && (data[e.offset + n - 1] == ' ' || data[e.offset + n - 1] == 0)) n--;
        int s = 0;
        while (s < n && data[e.offset + s] == ' ') s++;
        return new String(data, e.offset + s, n - s, StandardCharsets.ISO_8859_1);
    }

    /** Numeric values (DS/IS text, or binary US/SS/UL/SL/FL/FD), or null if absent or empty. */
    public double[] numbers(int tag) throws IOException {
        Element e = elements.get(tag);
        if (e == null || e.length == 0) return null;
        ByteBuffer bb = ByteBuffer.wrap(data, e.offset, e.length).slice().order(order);
        int w;
        switch (e.vr) {
            case "US": case "SS": w = 2; break;
            case "UL": case "SL": case "FL": w = 4; break;
            case "FD": w = 8; break;
            default: w = 0;
        }
        if (w > 0) {
            double[] v = new double[e.length / w];
            for (int i = 0; i < v.length; i++) {
                switch (e.vr) {
                    case "US": v[i] = bb.getShort(i * 2) & 0xFFFF; break;
                    case "SS": v[i] = bb.getShort(i * 2); break;
                    case "UL": v[i] = bb.getInt(i * 4) & UNDEFINED; break;
                    case "SL": v[i] = bb.getInt(i * 4); break;
                    case "FL": v[i] = bb.getFloat(i * 4); break;
                    default: v[i] = bb.getDouble(i * 8);
                }
            }
            return v;
        }
        String s = string(tag);
        if (s.isEmpty()) return null;
        String[] parts = s.split("\\\\");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException ex) {
                throw new IOException(path + ": tag " + tagString(tag) + " holds '" + printable(s) + "', not numbers");
            }
        }
        return v;
    }

    public double number(int tag, double fallback) throws IOException {
        double[] v = numbers(tag);
        return v == null || v.length == 0 ? fallback : v[0];
    }

    /** Integer value of a required attribute. */
    public int requireInt(int tag, String name) throws IOException {
        double[] v = numbers(tag);
        if (v == null || v.length == 0) throw new IOException(path + ": missing " + name + " " + tagString(tag));
        if (v[0] != Math.rint(v[0]) || Math.abs(v[0]) > Integer.MAX_VALUE) throw new IOException(path + ": " + name + " is not an integer: " + v[0]);
        return (int) v[0];
    }

    // ---------------------------------------------------------------- helpers

    static IOException unsupported(String ts, Path file) {
        return new IOException("unsupported transfer syntax " + ts + " (" + transferSyntaxName(ts) + ") in " + file);
    }

    static boolean isKnownEncapsulated(String ts) {
        return ts.startsWith("1.2.840.10008.1.2.4.") || ts.equals("1.2.840.10008.1.2.6.1") || ts.equals("1.2.840.10008.1.2.6.2");
    }

    public static String transferSyntaxName(String ts) {
        switch (ts) {
            case IMPLICIT_LE: return "Implicit VR Little Endian";
            case EXPLICIT_LE: return "Explicit VR Little Endian";
            case DEFLATED_LE: return "Deflated Explicit VR Little Endian";
            case EXPLICIT_BE: return "Explicit VR Big Endian";
            case RLE: return "RLE Lossless";
            case "1.2.840.10008.1.2.4.50": return "JPEG Baseline";
            case "1.2.840.10008.1.2.4.51": return "JPEG Extended";
            case "1.2.840.10008.1.2.4.57": return "JPEG Lossless";
            case "1.2.840.10008.1.2.4.70": return "JPEG Lossless SV1";
            case "1.2.840.10008.1.2.4.80": return "JPEG-LS Lossless";
            case "1.2.840.10008.1.2.4.81": return "JPEG-LS Near-Lossless";
            case "1.2.840.10008.1.2.4.90": return "JPEG 2000 Lossless";
            case "1.2.840.10008.1.2.4.91": return "JPEG 2000";
            case "1.2.840.10008.1.2.4.92": return "JPEG 2000 Part 2 Lossless";
            case "1.2.840.10008.1.2.4.93": return "JPEG 2000 Part 2";
            case "1.2.840.10008.1.2.4.94": return "JPIP";
            case "1.2.840.10008.1.2.4.100": case "1.2.840.10008.1.2.4.101": case "1.2.840.10008.1.2.4.102":
            case "1.2.840.10008.1.2.4.103": case "1.2.840.10008.1.2.4.104": case "1.2.840.10008.1.2.4.105":
            case "1.2.840.10008.1.2.4.106": return "MPEG";
            case "1.2.840.10008.1.2.4.201": case "1.2.840.10008.1.2.4.202": case "1.2.840.10008.1.2.4.203": return "High-Throughput JPEG 2000";
            default: return ts.startsWith("1.2.840.10008.1.2.4.") ? "JPEG family" : "unknown";
        }
    }

    private int tagAt(int p, ByteOrder o) {
        ByteBuffer bb = ByteBuffer.wrap(data).order(o);
        return ((bb.getShort(p) & 0xFFFF) << 16) | (bb.getShort(p + 2) & 0xFFFF);
    }

    static String tagString(int tag) { return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF); }

    private static int leShort(byte[] b, int p) { return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8; }

    private static boolean isVr(byte[] b, int p) {
        return p + 1 < b.length && b[p] >= 'A' && b[p] <= 'Z' && b[p + 1] >= 'A' && b[p + 1] <= 'Z';
    }

    private static boolean longVr(String vr) {
        switch (vr) {
            case "OB": case "OW": case "OF": case "OD": case "OL": case "OV": case "SQ": case "UT": case "UN":
            case "UC": case "UR": case "SV": case "UV": return true;
            default: return false;
        }
    }

    /** VRs of the attributes we read, for implicit VR data sets; everything else is opaque. */
    private static String implicitVr(int tag) {
        switch (tag) {
            case 0x00280002: case 0x00280010: case 0x00280011: case 0x00280100: case 0x00280101: case 0x00280102:
            case 0x00280103: return "US";
            case 0x00280008: case 0x00200013: return "IS";
            case 0x00200032: case 0x00200037: case 0x00280030: case 0x00281052: case 0x00281053: case 0x00180050:
            case 0x00180088: return "DS";
            case PIXEL_DATA: return "OW";
            default: return "UN";
        }
    }

    private static boolean allZero(byte[] b, int p) {
        for (int i = p; i < b.length; i++) if (b[i] != 0) return false;
        return true;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        return sb.length() > 60 ? sb.substring(0, 60) + "..." : sb.toString();
    }
}
