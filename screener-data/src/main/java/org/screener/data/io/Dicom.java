package org.screener.data.io;

import org.screener.data.Volume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * DICOM series to {@link Volume} in Hounsfield units (RescaleSlope/Intercept applied), world = RAS+ mm.
 *
 * <p>A folder is read recursively and grouped by SeriesInstanceUID; one series is read (the largest unless
 * one is named) and the others are listed in the result. Slices are sorted by their position along the slice
 * normal (ImagePositionPatient · (row × column cosines)), never by file name or InstanceNumber.
 * Supported: implicit VR LE, explicit VR LE/BE, deflated explicit VR LE, RLE lossless; anything else is refused
 * with "unsupported transfer syntax &lt;UID&gt; (&lt;name&gt;) in &lt;file&gt;".
 */
public final class Dicom {
    private Dicom() {}

    static final int SERIES_UID = 0x0020000E, SERIES_DESC = 0x0008103E, MODALITY = 0x00080060,
            INSTANCE = 0x00200013, IPP = 0x00200032, IOP = 0x00200037, SAMPLES = 0x00280002, PHOTOMETRIC = 0x00280004,
            FRAMES = 0x00280008, ROWS = 0x00280010, COLS = 0x00280011, PIXEL_SPACING = 0x00280030,
            BITS_ALLOC = 0x00280100, BITS_STORED = 0x00280101, HIGH_BIT = 0x00280102, PIXEL_REP = 0x00280103,
            INTERCEPT = 0x00281052, SLOPE = 0x00281053, SLICE_THICKNESS = 0x00180050, SPACING_BETWEEN = 0x00180088;

    /** Relative deviation of a slice gap from the mean above which spacing is reported as uneven. */
    static final double UNEVEN_TOLERANCE = 0.01;

    /** One series in a folder: UID, file count and a few descriptive attributes. */
    public static final class SeriesInfo {
        public final String uid, modality, description, transferSyntax;
        public final int files, rows, cols;

        SeriesInfo(String uid, String modality, String description, String transferSyntax, int files, int rows, int cols) {
            this.uid = uid; this.modality = modality; this.description = description; this.transferSyntax = transferSyntax;
            this.files = files; this.rows = rows; this.cols = cols;
        }

        @Override public String toString() {
            return uid + " " + (modality == null ? "?" : modality) + " " + files + " file" + (files == 1 ? "" : "s") + " "
                    + cols + "x" + rows + (description == null || description.isEmpty() ? "" : " '" + description + "'")
                    + " [" + DicomFile.transferSyntaxName(transferSyntax) + "]";
        }
    }

    /** The series read, its slices in order, and what else was found. */
    public static final class Result {
        public final Volume volume;
        public final SeriesInfo series;
        /** Files of the series in slice order (k = 0 first). */
        public final List<Path> files;
        /** Every series found (including the one read), largest first. */
        public final List<SeriesInfo> allSeries;
        /** Uneven spacing, missing attributes, skipped files... */
        public final List<String> warnings;
        /** Position of each slice along the slice normal (DICOM LPS mm), ascending. */
        public final double[] slicePositions;

        Result(Volume volume, SeriesInfo series, List<Path> files, List<SeriesInfo> allSeries, List<String> warnings, double[] pos) {
            this.volume = volume; this.series = series; this.files = files; this.allSeries = allSeries;
            this.warnings = warnings; this.slicePositions = pos;
        }

        public List<SeriesInfo> otherSeries() {
            return allSeries.stream().filter(s -> !s.uid.equals(series.uid)).collect(Collectors.toList());
        }
    }

    /** Reads a DICOM file or folder (largest series). */
    public static Result read(Path fileOrFolder) throws IOException { return read(fileOrFolder, null); }

    /** Reads the series with this SeriesInstanceUID (null: the largest) from a file or folder. */
    public static Result read(Path fileOrFolder, String seriesUid) throws IOException {
        List<String> warnings = new ArrayList<>();
        Map<String, List<DicomFile>> groups = scanHeaders(fileOrFolder, warnings);
        List<SeriesInfo> all = describe(groups);
        String uid = seriesUid;
        if (uid == null) uid = all.get(0).uid;
        else if (!groups.containsKey(uid))
            throw new IllegalArgumentException(fileOrFolder + ": no series " + uid + "; found " + all.stream().map(s -> s.uid).collect(Collectors.toList()));
        String chosen = uid;
        SeriesInfo info = all.stream().filter(s -> s.uid.equals(chosen)).findFirst().orElseThrow();
        if (all.size() > 1) warnings.add(all.size() + " series found; read " + uid + " (" + info.files + " files)");
        return assemble(groups.get(uid), info, all, warnings);
    }

    /** Lists the series under a file or folder without decoding pixels. */
    public static List<SeriesInfo> scan(Path fileOrFolder) throws IOException {
        return describe(scanHeaders(fileOrFolder, new ArrayList<>()));
    }

    private static Map<String, List<DicomFile>> scanHeaders(Path root, List<String> warnings) throws IOException {
        if (!Files.exists(root)) throw new IOException(root + ": no such file or folder");
        List<Path> paths;
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.walk(root)) {
                paths = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else paths = List.of(root);
        Map<String, List<DicomFile>> groups = new LinkedHashMap<>();
        int skipped = 0, noImage = 0;
        IOException firstProblem = null;
        for (Path p : paths) {
            DicomFile f;
            try {
                f = DicomFile.read(p).headerOnly();
            } catch (IOException e) {
                if (!Files.isDirectory(root)) throw e;
                skipped++;
                if (firstProblem == null) firstProblem = e;
                continue;
            }
            if (!f.has(DicomFile.PIXEL_DATA) || !f.has(ROWS)) { noImage++; continue; }
            String uid = f.string(SERIES_UID);
            if (uid == null || uid.isEmpty()) uid = "(no SeriesInstanceUID)";
            groups.computeIfAbsent(uid, k -> new ArrayList<>()).add(f);
        }
        if (skipped > 0) warnings.add("skipped " + skipped + " unreadable or non-DICOM file(s), e.g. " + firstProblem.getMessage());
        if (noImage > 0) warnings.add("skipped " + noImage + " DICOM file(s) without pixel data");
        if (groups.isEmpty())
            throw new IOException(root + ": no DICOM images found (" + paths.size() + " file(s) scanned"
                    + (skipped > 0 ? ", " + skipped + " not DICOM or unreadable, e.g. " + firstProblem.getMessage() : "")
                    + (noImage > 0 ? ", " + noImage + " without pixel data" : "") + ")");
        return groups;
    }

    private static List<SeriesInfo> describe(Map<String, List<DicomFile>> groups) throws IOException {
        List<SeriesInfo> all = new ArrayList<>();
        for (Map.Entry<String, List<DicomFile>> e : groups.entrySet()) {
            DicomFile f = e.getValue().get(0);
            all.add(new SeriesInfo(e.getKey(), f.string(MODALITY), f.string(SERIES_DESC), f.transferSyntax,
                    e.getValue().size(), (int) f.number(ROWS, 0), (int) f.number(COLS, 0)));
        }
        all.sort(Comparator.comparingInt((SeriesInfo s) -> -s.files).thenComparing(s -> s.uid));
        return all;
    }

    // ---------------------------------------------------------------- assembly

    private static final class Slice {
        final DicomFile file;
        final double[] ipp;
        final double position;
        Slice(DicomFile file, double[] ipp, double position) { this.file = file; this.ipp = ipp; this.position = position; }
    }

    private static Result assemble(List<DicomFile> files, SeriesInfo info, List<SeriesInfo> all, List<String> warnings) throws IOException {
        DicomFile first = files.get(0);
        int rows = first.requireInt(ROWS, "Rows"), cols = first.requireInt(COLS, "Columns");
        if (rows <= 0 || cols <= 0) throw new IOException(first.path + ": bad image size " + cols + "x" + rows);
        double[] iop = first.numbers(IOP);
        if (iop == null || iop.length != 6) {
            if (iop != null) throw new IOException(first.path + ": ImageOrientationPatient has " + iop.length + " values, expected 6");
            warnings.add("no ImageOrientationPatient: assuming axial 1\\0\\0\\0\\1\\0");
            iop = new double[]{1, 0, 0, 0, 1, 0};
        }
        double[] row = unit(new double[]{iop[0], iop[1], iop[2]}, first.path), col = unit(new double[]{iop[3], iop[4], iop[5]}, first.path);
        if (Math.abs(dot(row, col)) > 1e-3) throw new IOException(first.path + ": ImageOrientationPatient cosines are not orthogonal: " + java.util.Arrays.toString(iop));
        double[] normal = cross(row, col);

        List<Slice> slices = new ArrayList<>();
        boolean missingPos = false;
        for (DicomFile f : files) {
            int r = f.requireInt(ROWS, "Rows"), c = f.requireInt(COLS, "Columns");
            if (r != rows || c != cols) throw new IOException(f.path + ": image size " + c + "x" + r + " differs from " + cols + "x" + rows + " in " + first.path + " (same series)");
            double[] o = f.numbers(IOP);
            if (o != null && o.length == 6) {
                for (int i = 0; i < 6; i++) if (Math.abs(o[i] - iop[i]) > 1e-3)
                    throw new IOException(f.path + ": ImageOrientationPatient " + java.util.Arrays.toString(o) + " differs from " + java.util.Arrays.toString(iop) + " in " + first.path + " (same series)");
            }
            double[] ipp = f.numbers(IPP);
            if (ipp == null || ipp.length != 3) { missingPos = true; ipp = null; }
            slices.add(new Slice(f, ipp, ipp == null ? 0 : dot(ipp, normal)));
        }
        if (missingPos) {
            if (slices.size() > 1) {
                warnings.add("ImagePositionPatient missing: slices ordered by InstanceNumber, spacing from SliceThickness");
                List<Slice> byInstance = new ArrayList<>();
                for (Slice s : slices) byInstance.add(new Slice(s.file, null, s.file.number(INSTANCE, 0)));
                slices = byInstance;
            } else {
                warnings.add("no ImagePositionPatient: origin at 0");
            }
        }
        slices.sort(Comparator.comparingDouble(s -> s.position));
        int n = slices.size();
        if ((long) rows * cols * n > Integer.MAX_VALUE - 8) throw new IOException(first.path + ": series of " + n + " slices of " + cols + "x" + rows + " is too large for one volume");

        double[] pos = new double[n];
        for (int k = 0; k < n; k++) pos[k] = slices.get(k).position;
        for (int k = 1; k < n; k++) {
            if (Math.abs(pos[k] - pos[k - 1]) < 1e-4)
                throw new IOException(slices.get(k).file.path + ": same slice position (" + pos[k] + " mm along the normal) as " + slices.get(k - 1).file.path + "; the series holds overlapping slices or several acquisitions");
        }
        double[] ps = first.numbers(PIXEL_SPACING);
        double dy, dx;
        if (ps == null || ps.length < 2 || !(ps[0] > 0) || !(ps[1] > 0)) {
            warnings.add("no valid PixelSpacing: assuming 1 mm");
            dx = dy = 1;
        } else { dy = ps[0]; dx = ps[1]; } // PixelSpacing = row spacing (between rows, along j), column spacing (along i)

        double dz;
        double[] step; // LPS displacement per slice
        if (n > 1 && !missingPos) {
            double mean = (pos[n - 1] - pos[0]) / (n - 1);
            double lo = Double.POSITIVE_INFINITY, hi = 0;
            for (int k = 1; k < n; k++) { double g = pos[k] - pos[k - 1]; lo = Math.min(lo, g); hi = Math.max(hi, g); }
            if (hi - lo > UNEVEN_TOLERANCE * mean)
                warnings.add(String.format("uneven slice spacing: gaps %.4g..%.4g mm (mean %.4g mm used)", lo, hi, mean));
            dz = mean;
            double[] a = slices.get(0).ipp, b = slices.get(n - 1).ipp;
            step = new double[]{(b[0] - a[0]) / (n - 1), (b[1] - a[1]) / (n - 1), (b[2] - a[2]) / (n - 1)};
            // gantry tilt shows up as a step not parallel to the normal: keep it (sheared affine) but say so
            double along = dot(step, normal);
            double off = Math.sqrt(Math.max(0, dot(step, step) - along * along));
            if (off > 1e-3 * Math.abs(along)) warnings.add(String.format("slices are sheared (gantry tilt?): %.3g mm sideways per slice", off));
        } else {
            // one slice (or no positions): its thickness is its extent; SpacingBetweenSlices only as a fallback
            dz = first.number(SLICE_THICKNESS, 0);
            if (!(dz > 0)) dz = first.number(SPACING_BETWEEN, 0);
            if (!(dz > 0)) dz = 1;
            step = new double[]{normal[0] * dz, normal[1] * dz, normal[2] * dz};
        }
        double[] origin = slices.get(0).ipp != null ? slices.get(0).ipp : new double[3];
        double[][] aff = new double[4][4];
        for (int r = 0; r < 3; r++) {
            double sign = r < 2 ? -1 : 1; // DICOM LPS -> RAS
            aff[r][0] = sign * row[r] * dx + 0.0; // + 0.0 turns -0.0 into 0.0
            aff[r][1] = sign * col[r] * dy + 0.0;
            aff[r][2] = sign * step[r] + 0.0;
            aff[r][3] = sign * origin[r] + 0.0;
        }
        aff[3][3] = 1;
        double[] spacing = {dx, dy, Math.abs(dz)};

        // pixels: stay int16 while every slice's HU are integers in range, else switch to float
        int plane = rows * cols;
        short[] s = new short[plane * n];
        float[] fl = null;
        List<Path> ordered = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            DicomFile f = DicomFile.read(slices.get(k).file.path);
            ordered.add(f.path);
            int[] raw = decode(f, rows, cols);
            double slope = f.number(SLOPE, 1), inter = f.number(INTERCEPT, 0);
            if (!Double.isFinite(slope) || slope == 0) throw new IOException(f.path + ": bad RescaleSlope " + slope);
            if (!Double.isFinite(inter)) throw new IOException(f.path + ": bad RescaleIntercept " + inter);
            int base = k * plane;
            if (fl == null) {
                boolean fits = slope == Math.rint(slope) && inter == Math.rint(inter);
                for (int i = 0; i < plane && fits; i++) {
                    double v = raw[i] * slope + inter;
                    if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) fits = false;
                }
                if (fits) {
                    for (int i = 0; i < plane; i++) s[base + i] = (short) (raw[i] * slope + inter);
                    continue;
                }
                fl = new float[plane * n];
                for (int i = 0; i < base; i++) fl[i] = s[i];
                s = null;
            }
            for (int i = 0; i < plane; i++) fl[base + i] = (float) (raw[i] * slope + inter);
        }
        Volume v = fl == null ? Volume.ofShorts(cols, rows, n, s, spacing, aff) : Volume.ofFloats(cols, rows, n, fl, spacing, aff);
        return new Result(v, info, Collections.unmodifiableList(ordered), all, warnings, pos);
    }

    // ---------------------------------------------------------------- pixels

    /** Stored pixel values of one frame (before rescale), bit-masked and sign-extended per BitsStored. */
    static int[] decode(DicomFile f, int rows, int cols) throws IOException {
        String ts = f.transferSyntax;
        if (!ts.equals(DicomFile.IMPLICIT_LE) && !ts.equals(DicomFile.EXPLICIT_LE) && !ts.equals(DicomFile.EXPLICIT_BE)
                && !ts.equals(DicomFile.DEFLATED_LE) && !ts.equals(DicomFile.RLE))
            throw DicomFile.unsupported(ts, f.path);
        int samples = (int) f.number(SAMPLES, 1);
        if (samples != 1) throw new IOException(f.path + ": " + samples + " samples per pixel (" + f.string(PHOTOMETRIC) + "); only greyscale images are supported");
        int frames = (int) f.number(FRAMES, 1);
        if (frames > 1) throw new IOException(f.path + ": multi-frame image (" + frames + " frames) is not supported");
        int bits = f.requireInt(BITS_ALLOC, "BitsAllocated");
        int stored = (int) f.number(BITS_STORED, bits);
        int high = (int) f.number(HIGH_BIT, stored - 1);
        boolean signed = f.number(PIXEL_REP, 0) == 1;
        if (bits != 8 && bits != 16 && bits != 32) throw new IOException(f.path + ": BitsAllocated " + bits + " is not supported (8, 16 or 32)");
        if (stored < 1 || stored > bits || high < stored - 1 || high >= bits)
            throw new IOException(f.path + ": inconsistent BitsStored " + stored + " / HighBit " + high + " / BitsAllocated " + bits);
        int plane = rows * cols;
        int bpp = bits / 8;
        long need = (long) plane * bpp;
        byte[] px;
        int off;
        ByteOrder order = f.order;
        if (f.encapsulated) {
            if (!ts.equals(DicomFile.RLE)) throw DicomFile.unsupported(ts, f.path);
            px = Rle.decodeFrame(f, rows, cols, bpp);
            off = 0;
            order = ByteOrder.BIG_ENDIAN; // segments are most significant byte first
        } else {
            DicomFile.Element e = f.elements.get(DicomFile.PIXEL_DATA);
            if (e.length < need)
                throw new IOException(f.path + ": truncated pixel data: " + e.length + " bytes for " + cols + "x" + rows + " x " + bits + " bits (" + need + " needed)");
            px = f.data;
            off = e.offset;
        }
        ByteBuffer bb = ByteBuffer.wrap(px).order(order);
        int[] out = new int[plane];
        int shift = high + 1 - stored;
        long mask = stored == 32 ? 0xFFFFFFFFL : (1L << stored) - 1;
        for (int i = 0; i < plane; i++) {
            long raw;
            switch (bpp) {
                case 1: raw = px[off + i] & 0xFF; break;
                case 2: raw = bb.getShort(off + 2 * i) & 0xFFFF; break;
                default: raw = bb.getInt(off + 4 * i) & 0xFFFFFFFFL;
            }
            long v = (raw >>> shift) & mask;
            if (signed && stored < 64 && (v >>> (stored - 1) & 1) == 1) v -= 1L << stored;
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) throw new IOException(f.path + ": 32-bit pixel value " + v + " out of range");
            out[i] = (int) v;
        }
        return out;
    }

    // ---------------------------------------------------------------- vectors

    private static double dot(double[] a, double[] b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

    private static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] unit(double[] a, Path file) throws IOException {
        double n = Math.sqrt(dot(a, a));
        if (!(n > 0.5 && n < 1.5)) throw new IOException(file + ": ImageOrientationPatient direction " + java.util.Arrays.toString(a) + " is not a unit vector");
        return new double[]{a[0] / n, a[1] / n, a[2] / n};
    }
}
