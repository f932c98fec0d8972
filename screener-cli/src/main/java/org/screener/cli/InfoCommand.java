package org.screener.cli;

import org.screener.data.Volume;
import org.screener.data.io.Dicom;
import org.screener.data.io.DicomFile;
import org.screener.data.io.Nifti;
import org.screener.data.io.Orientation;
import org.screener.data.io.Volumes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Describe a NIfTI file or a DICOM folder: dimensions, spacing, orientation, HU range, series. */
@Command(name = "info", description = "Describe a NIfTI file or a DICOM folder: dimensions, spacing, orientation, HU range, series.")
public final class InfoCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<file-or-folder>", description = "NIfTI file (.nii, .nii.gz), DICOM file or folder (searched recursively)")
    Path input;

    @Option(names = "--series", paramLabel = "UID", description = "DICOM SeriesInstanceUID to read (default: the largest series)")
    String series;

    @Option(names = "--volume", paramLabel = "T", description = "volume index of a 4D/5D NIfTI (default 0)")
    int volume = 0;

    @Spec CommandSpec spec;

    @Override public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(input)) throw new IOException(input + ": no such file or folder");
        if (!Files.isDirectory(input) && Volumes.looksLikeNifti(input)) nifti(out);
        else dicom(out);
        out.flush();
        return 0;
    }

    private void nifti(PrintWriter out) throws IOException {
        Nifti.Header h = Nifti.readHeader(input);
        long nvol = h.volumes();
        Volume v = Nifti.read(input, Nifti.Options.defaults().volume(nvol > 1 ? volume : -1));
        out.printf(Locale.ROOT, "%s: NIfTI-%d, %s, %s%n", input, h.version,
                h.order == ByteOrder.BIG_ENDIAN ? "big endian" : "little endian", h.datatypeName()
                        + (h.scaled() ? String.format(Locale.ROOT, " (scl_slope %g, scl_inter %g)", h.sclSlope, h.sclInter) : ""));
        if (nvol > 1) out.printf("volumes: %d (dim %s); showing volume %d (--volume)%n", nvol, dims(h), volume);
        describe(out, v, "affine from " + h.affineSource(), "value range");
    }

    private void dicom(PrintWriter out) throws IOException {
        Dicom.Result r = Dicom.read(input, series);
        out.printf("%s: DICOM, %d series found%n", input, r.allSeries.size());
        for (Dicom.SeriesInfo s : r.allSeries) out.printf("  %s %s%n", s.uid.equals(r.series.uid) ? "*" : " ", s);
        out.printf("read: %s (%d slice%s)%n", r.series.uid, r.files.size(), r.files.size() == 1 ? "" : "s");
        boolean ct = "CT".equalsIgnoreCase(r.series.modality);
        describe(out, r.volume, DicomFile.transferSyntaxName(r.series.transferSyntax), ct ? "HU range" : "value range");
        for (String w : r.warnings) out.println("warning: " + w);
    }

    private static void describe(PrintWriter out, Volume v, String note, String rangeLabel) {
        double[] sp = v.spacing();
        out.printf("dimensions: %d x %d x %d (%s)%n", v.nx, v.ny, v.nz, v.isShort() ? "int16" : "float32");
        out.printf(Locale.ROOT, "spacing: %.4g x %.4g x %.4g mm%n", sp[0], sp[1], sp[2]);
        out.printf("orientation: %s (%s)%n", Orientation.codes(v), note);
        double[] o = Orientation.world(v.affine(), 0, 0, 0);
        out.printf(Locale.ROOT, "origin: %.2f, %.2f, %.2f mm (RAS)%n", o[0] + 0.0, o[1] + 0.0, o[2] + 0.0);
        float[] r = v.range();
        out.printf(Locale.ROOT, "%s: %s .. %s%n", rangeLabel, num(r[0]), num(r[1]));
    }

    private static String num(float f) { return f == Math.rint(f) ? String.valueOf((long) f) : String.format(Locale.ROOT, "%.4g", f); }

    private static String dims(Nifti.Header h) {
        StringBuilder sb = new StringBuilder();
        for (int d = 1; d <= h.dim[0]; d++) sb.append(d > 1 ? "x" : "").append(h.dim[d]);
        return sb.toString();
    }
}
