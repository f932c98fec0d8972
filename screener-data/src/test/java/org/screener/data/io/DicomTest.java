package org.screener.data.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** DICOM reading on small files the test writes itself (with {@link DicomWriter}, independent of the reader). */
class DicomTest {
    @TempDir Path tmp;

    static final int ROWS = 6, COLS = 5;
    // oblique orientation: row and column cosines rotated about x by 20 degrees
    static final double TH = Math.toRadians(20);
    static final double[] ROW = {1, 0, 0}, COL = {0, Math.cos(TH), Math.sin(TH)};
    static final double[] NORMAL = {0, -Math.sin(TH), Math.cos(TH)};
    static final double[] ORIGIN = {-40.5, 12.25, 100};
    static final double DX = 0.7, DY = 0.9, DZ = 2.5;

    static String ds(double... v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) sb.append(sb.length() == 0 ? "" : "\\").append(String.format(Locale.ROOT, "%.6f", x));
        return sb.toString();
    }

    /** Stored 12-bit signed value of voxel (i, j) of slice k. */
    static int stored(int i, int j, int k) { return ((i * 7 + j * 13 + k * 31) % 400) - 200; }

    static DicomWriter slice(String series, int k, int instance, double slope, double intercept, boolean withSequence) {
        double[] ipp = new double[3];
        for (int r = 0; r < 3; r++) ipp[r] = ORIGIN[r] + k * DZ * NORMAL[r];
        DicomWriter w = new DicomWriter()
                .str(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.2")
                .str(0x00080060, "CS", "CT");
        if (withSequence) {
            // undefined-length sequence with nested undefined-length items and a nested sequence
            List<DicomWriter.El> inner = new DicomWriter().str(0x00080100, "SH", "T-D1100").els;
            List<DicomWriter.El> item = new ArrayList<>(new DicomWriter().str(0x00080104, "LO", "Head").els);
            item.addAll(new DicomWriter().seq(0x00082228, List.of(inner, inner)).els);
            w.seq(0x00082218, List.of(item, new DicomWriter().str(0x00080104, "LO", "again").els));
        }
        return w.str(0x0020000E, "UI", series)
                .str(0x00200013, "IS", Integer.toString(instance))
                .str(0x00200032, "DS", ds(ipp))
                .str(0x00200037, "DS", ds(ROW[0], ROW[1], ROW[2], COL[0], COL[1], COL[2]))
                .us(0x00280002, 1).str(0x00280004, "CS", "MONOCHROME2")
                .us(0x00280010, ROWS).us(0x00280011, COLS)
                .str(0x00280030, "DS", ds(DY, DX))
                .us(0x00280100, 16).us(0x00280101, 12).us(0x00280102, 11).us(0x00280103, 1)
                .str(0x00281052, "DS", ds(intercept)).str(0x00281053, "DS", ds(slope));
    }

    /** 12-bit signed pixels in 16-bit words, with junk in the 4 unused high bits (must be masked). */
    static short[] pixels(int k) {
        short[] px = new short[ROWS * COLS];
        for (int j = 0; j < ROWS; j++) for (int i = 0; i < COLS; i++)
            px[j * COLS + i] = (short) ((stored(i, j, k) & 0xFFF) | 0xA000);
        return px;
    }

    static byte[] native16(short[] px, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(px.length * 2).order(order);
        for (short s : px) b.putShort(s);
        return b.array();
    }

    static final String[] SYNTAXES = {DicomFile.IMPLICIT_LE, DicomFile.EXPLICIT_LE, DicomFile.EXPLICIT_BE, DicomFile.DEFLATED_LE, DicomFile.RLE};

    /** Writes n slices; file names and instance numbers deliberately disagree with the position order. */
    void writeSeries(Path dir, String series, int n, double slope, double intercept) throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        for (int k = 0; k < n; k++) {
            String ts = SYNTAXES[k % SYNTAXES.length];
            DicomWriter w = slice(series, k, 100 - 3 * ((k * 2) % n), slope, intercept, k % 2 == 0);
            short[] px = pixels(k);
            if (ts.equals(DicomFile.RLE)) w.encapsulated(DicomWriter.rle16(px));
            else w.raw(0x7FE00010, "OW", native16(px, ts.equals(DicomFile.EXPLICIT_BE) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN));
            Path f = (k % 3 == 0 ? dir.resolve("sub") : dir).resolve(String.format("z%02d.dcm", (k * 7) % n));
            Files.write(f, w.file(ts, true));
        }
    }

    @Test void mixedSyntaxSeriesSortedByPositionWithRescale() throws IOException {
        int n = 11;
        writeSeries(tmp, "1.2.3.4", n, 2, -1000);
        Files.writeString(tmp.resolve("README.txt"), "not dicom");
        Dicom.Result r = Dicom.read(tmp);
        Volume v = r.volume;
        assertArrayEquals(new int[]{COLS, ROWS, n}, v.dims());
        assertTrue(v.isShort());
        for (int k = 0; k < n; k++) for (int j = 0; j < ROWS; j++) for (int i = 0; i < COLS; i++)
            assertEquals(stored(i, j, k) * 2 - 1000, v.get(i, j, k), "voxel " + i + "," + j + "," + k);
        assertArrayEquals(new double[]{DX, DY, DZ}, v.spacing(), 1e-5);
        // world coordinate of every corner: LPS = origin + i*DX*row + j*DY*col + k*DZ*normal, then x,y negated
        double[][] a = v.affine();
        for (int[] c : new int[][]{{0, 0, 0}, {COLS - 1, 0, 0}, {0, ROWS - 1, 0}, {0, 0, n - 1}, {COLS - 1, ROWS - 1, n - 1}}) {
            double[] w = Orientation.world(a, c[0], c[1], c[2]);
            for (int d = 0; d < 3; d++) {
                double lps = ORIGIN[d] + c[0] * DX * ROW[d] + c[1] * DY * COL[d] + c[2] * DZ * NORMAL[d];
                assertEquals(d < 2 ? -lps : lps, w[d], 1e-4, "corner " + Arrays.toString(c) + " axis " + d);
            }
        }
        for (int k = 1; k < n; k++) assertTrue(r.slicePositions[k] > r.slicePositions[k - 1]);
        assertTrue(r.warnings.stream().anyMatch(s -> s.contains("skipped 1")), r.warnings.toString());
        assertFalse(r.warnings.stream().anyMatch(s -> s.contains("uneven")), r.warnings.toString());
    }

    @Test void floatWhenRescaleIsFractional() throws IOException {
        writeSeries(tmp, "1.2.3", 3, 0.5, 0.25);
        Volume v = Dicom.read(tmp).volume;
        assertFalse(v.isShort());
        assertEquals(stored(4, 5, 2) * 0.5f + 0.25f, v.get(4, 5, 2), 1e-6);
    }

    @Test void unevenSpacingIsAWarning() throws IOException {
        for (int k = 0; k < 4; k++) {
            double z = k < 3 ? k * 2.0 : 9.0;
            DicomWriter w = new DicomWriter().str(0x0020000E, "UI", "9.9")
                    .str(0x00200032, "DS", ds(0, 0, z)).str(0x00200037, "DS", ds(1, 0, 0, 0, 1, 0))
                    .us(0x00280010, 2).us(0x00280011, 2).us(0x00280100, 16).us(0x00280103, 0)
                    .raw(0x7FE00010, "OW", new byte[8]);
            Files.write(tmp.resolve("s" + k), w.file(DicomFile.EXPLICIT_LE, true));
        }
        Dicom.Result r = Dicom.read(tmp);
        assertTrue(r.warnings.stream().anyMatch(s -> s.contains("uneven slice spacing")), r.warnings.toString());
        assertEquals(3.0, r.volume.spacing()[2], 1e-9);
    }

    @Test void mixedSeriesLargestByDefaultOthersListed() throws IOException {
        writeSeries(tmp.resolve("a"), "1.1", 4, 1, 0);
        writeSeries(tmp.resolve("b"), "2.2", 6, 1, 0);
        Dicom.Result r = Dicom.read(tmp);
        assertEquals("2.2", r.series.uid);
        assertEquals(6, r.volume.nz);
        assertEquals(1, r.otherSeries().size());
        assertEquals("1.1", r.otherSeries().get(0).uid);
        assertEquals(4, r.otherSeries().get(0).files);
        assertEquals(4, Dicom.read(tmp, "1.1").volume.nz);
        assertThrows(IllegalArgumentException.class, () -> Dicom.read(tmp, "3.3"));
        assertEquals(2, Dicom.scan(tmp).size());
    }

    @Test void emptyOrNonDicomFolderRefused() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> Dicom.read(empty));
        assertTrue(e.getMessage().contains("no DICOM images"), e.getMessage());
        Path junk = Files.createDirectories(tmp.resolve("junk"));
        Files.writeString(junk.resolve("a.dcm"), "hello world, definitely not a dicom file at all ".repeat(5));
        e = assertThrows(IOException.class, () -> Dicom.read(junk));
        assertTrue(e.getMessage().contains("no DICOM images") && e.getMessage().contains("not a DICOM file"), e.getMessage());
        // a DICOM file without pixel data (like a DICOMDIR) is no image either
        Files.write(junk.resolve("DICOMDIR"), new DicomWriter().str(0x00041130, "CS", "X").file(DicomFile.EXPLICIT_LE, true));
        e = assertThrows(IOException.class, () -> Dicom.read(junk));
        assertTrue(e.getMessage().contains("without pixel data"), e.getMessage());
    }

    @Test void noPreambleImplicitLittleEndian() throws IOException {
        short[] px = pixels(0);
        byte[] b = slice("5.5", 0, 1, 1, 0, true).raw(0x7FE00010, "OW", native16(px, ByteOrder.LITTLE_ENDIAN)).bare();
        Path f = tmp.resolve("bare.dcm");
        Files.write(f, b);
        Volume v = Dicom.read(f).volume;
        assertEquals(stored(3, 2, 0), v.get(3, 2, 0));
    }

    @Test void unsupportedSyntaxMessage() throws IOException {
        String ts = "1.2.840.10008.1.2.4.80";
        Path f = tmp.resolve("jls.dcm");
        Files.write(f, slice("6.6", 0, 1, 1, 0, false).encapsulated(new byte[]{(byte) 0xFF, (byte) 0xD8, 0, 0}).file(ts, true));
        IOException e = assertThrows(IOException.class, () -> Dicom.read(f));
        assertEquals("unsupported transfer syntax " + ts + " (JPEG-LS Lossless) in " + f, e.getMessage());
        // a transfer syntax nobody knows is refused the same way
        Path g = tmp.resolve("odd.dcm");
        Files.write(g, slice("6.6", 0, 1, 1, 0, false).raw(0x7FE00010, "OW", new byte[ROWS * COLS * 2]).file("1.2.3.4.5", true));
        e = assertThrows(IOException.class, () -> Dicom.read(g));
        assertEquals("unsupported transfer syntax 1.2.3.4.5 (unknown) in " + g, e.getMessage());
    }

    @Test void truncatedAndLyingFilesRefusedNamingTheFile() throws IOException {
        Random rnd = new Random(11);
        for (String ts : SYNTAXES) {
            DicomWriter w = slice("7.7", 0, 1, 1, 0, true);
            short[] px = pixels(0);
            if (ts.equals(DicomFile.RLE)) w.encapsulated(DicomWriter.rle16(px));
            else w.raw(0x7FE00010, "OW", native16(px, ts.equals(DicomFile.EXPLICIT_BE) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN));
            byte[] full = w.file(ts, true);
            Path ok = tmp.resolve("ok.dcm");
            Files.write(ok, full);
            assertEquals(stored(1, 1, 0), Dicom.read(ok).volume.get(1, 1, 0), ts);
            // every truncation point must fail cleanly (IOException naming the file), never hang or crash
            for (int cut = 1; cut < full.length; cut += 1 + cut / 10) {
                Path f = tmp.resolve("cut.dcm");
                Files.write(f, Arrays.copyOf(full, cut));
                IOException e = assertThrows(IOException.class, () -> Dicom.read(f), ts + " cut at " + cut);
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            }
            // random byte corruption: an IOException or a volume, nothing else
            for (int t = 0; t < 200; t++) {
                byte[] bad = full.clone();
                for (int m = 0; m < 3; m++) bad[132 + rnd.nextInt(bad.length - 132)] = (byte) rnd.nextInt(256);
                Path f = tmp.resolve("bad.dcm");
                Files.write(f, bad);
                try { Dicom.read(f); } catch (IOException expected) { assertTrue(expected.getMessage().contains(f.toString())); }
            }
        }
        // a length field claiming 2 GB
        byte[] b = slice("8.8", 0, 1, 1, 0, false).raw(0x7FE00010, "OW", new byte[ROWS * COLS * 2]).file(DicomFile.EXPLICIT_LE, true);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - ROWS * COLS * 2 - 4, 0x7FFFFFF0);
        Path liar = tmp.resolve("liar.dcm");
        Files.write(liar, b);
        IOException e = assertThrows(IOException.class, () -> Dicom.read(liar));
        assertTrue(e.getMessage().startsWith(liar + ": element (7FE0,0010) claims"), e.getMessage());
        // pixel data shorter than rows x cols
        byte[] s = slice("8.8", 0, 1, 1, 0, false).raw(0x7FE00010, "OW", new byte[ROWS * COLS]).file(DicomFile.EXPLICIT_LE, true);
        Path shortPx = tmp.resolve("short.dcm");
        Files.write(shortPx, s);
        e = assertThrows(IOException.class, () -> Dicom.read(shortPx));
        assertTrue(e.getMessage().contains("truncated pixel data"), e.getMessage());
    }

    @Test void deepNestingRefusedNotStackOverflow() throws IOException {
        List<DicomWriter.El> item = new DicomWriter().str(0x00080100, "SH", "x").els;
        for (int d = 0; d < 200; d++) item = new DicomWriter().seq(0x00082228, List.of(item)).els;
        DicomWriter w = new DicomWriter().str(0x00080060, "CS", "CT");
        w.els.addAll(item);
        Path f = tmp.resolve("deep.dcm");
        Files.write(f, w.raw(0x7FE00010, "OW", new byte[4]).file(DicomFile.EXPLICIT_LE, true));
        IOException e = assertThrows(IOException.class, () -> DicomFile.read(f));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @Test void rleDecoderOnKnownRuns() throws IOException {
        // PS3.5 G.3.1 PackBits: literal run of 3, replicate 4 x 0x07, no-op (-128), literal 1
        byte[] seg = {2, 1, 2, 3, -3, 7, -128, 0, 9};
        ByteBuffer b = ByteBuffer.allocate(64 + seg.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(64);
        b.position(64);
        b.put(seg);
        byte[] out = Rle.decode(b.array(), 2, 4, 1, "t");
        assertArrayEquals(new byte[]{1, 2, 3, 7, 7, 7, 7, 9}, out);
        assertThrows(IOException.class, () -> Rle.decode(b.array(), 3, 4, 1, "t")); // too few bytes
        short[] px = new short[1000];
        Random rnd = new Random(3);
        for (int i = 0; i < px.length; i++) px[i] = (short) (i < 500 ? -1024 : rnd.nextInt(65536));
        byte[] dec = Rle.decode(DicomWriter.rle16(px), 10, 100, 2, "t");
        ByteBuffer d = ByteBuffer.wrap(dec).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < px.length; i++) assertEquals(px[i], d.getShort(2 * i));
    }
}
