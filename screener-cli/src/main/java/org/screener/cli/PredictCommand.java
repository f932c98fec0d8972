package org.screener.cli;

import org.screener.data.Volume;
import org.screener.data.io.Nifti;
import org.screener.data.io.Orientation;
import org.screener.data.io.Volumes;
import org.screener.pipeline.Screener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Anomaly map of one scan with a trained model directory, plus a PNG of its highest-scoring axial slices. */
@Command(name = "predict", description = {
        "Anomaly map (float32 NLL in nats, higher = more anomalous) of one CT scan with a trained model directory.",
        "The map has the scan's grid and affine. A PNG beside it shows the highest-scoring axial slices with the map over the scan."})
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<dir>", description = "trained model directory (descriptor and density stages)")
    Path model;

    @Option(names = "--image", required = true, paramLabel = "<nifti|dicom-folder>", description = "CT scan in HU")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "<map.nii.gz>", description = "output anomaly map (NIfTI)")
    Path out;

    @Option(names = "--overlap", paramLabel = "F", description = "sliding-window overlap in [0, 1) (default ${DEFAULT-VALUE})")
    double overlap = 0.5;

    @Option(names = "--sigma", paramLabel = "S", description = "Gaussian blending of overlapping windows, sigma = S x window size (default ${DEFAULT-VALUE})")
    double sigma = 0.125;

    @Option(names = "--slices", paramLabel = "N", description = "axial slices in the PNG (default ${DEFAULT-VALUE})")
    int slices = 4;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!(overlap >= 0 && overlap < 1)) throw new IllegalArgumentException("--overlap must be in [0, 1), got " + overlap);
        if (!(sigma > 0)) throw new IllegalArgumentException("--sigma must be > 0, got " + sigma);
        if (slices < 1) throw new IllegalArgumentException("--slices must be >= 1, got " + slices);
        String name = out.getFileName().toString();
        if (!name.endsWith(".nii") && !name.endsWith(".nii.gz"))
            throw new IllegalArgumentException("--out must end in .nii or .nii.gz, got " + out);
        Screener s = Screener.load(model).overlap(overlap).sigmaScale(sigma);
        Volume scan = Volumes.read(image);
        long t0 = System.nanoTime();
        err.printf(Locale.ROOT, "predict: %s %s, window %s, overlap %.2f%n", image, Arrays.toString(scan.dims()),
                Arrays.toString(s.patchDHW()), overlap);
        long[] lastPrint = {t0};
        s.progress((done, total) -> {
            long now = System.nanoTime();
            if (done < total && now - lastPrint[0] < 2_000_000_000L) return;   // a line every 2 s, and the last
            lastPrint[0] = now;
            double el = (now - t0) / 1e9, per = el / done;
            err.printf(Locale.ROOT, "predict: %d/%d windows, elapsed %.1f s, ETA %.1f s%n", done, total, el, per * (total - done));
        });
        Volume map = s.score(scan);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Nifti.write(map, out);
        Path png = out.resolveSibling(name.replaceFirst("\\.nii(\\.gz)?$", "") + ".png");
        ImageIO.write(render(scan, map, slices), "png", png.toFile());
        float[] r = map.range();
        err.printf(Locale.ROOT, "predict: done in %.1f s; map %s (NLL %.3f..%.3f), overview %s%n",
                (System.nanoTime() - t0) / 1e9, out, r[0], r[1], png);
        return 0;
    }

    /**
     * Up to {@code n} axial slices (canonical orientation, radiological view) with the highest map maximum:
     * soft-tissue window [-160, 240] HU, the map's top 5 % as a red-to-yellow overlay.
     */
    static BufferedImage render(Volume scan, Volume map, int n) {
        Volume img = Orientation.toCanonical(scan), m = Orientation.toCanonical(map);
        int nx = img.nx, ny = img.ny, nz = img.nz;
        float[] iv = img.floats(), mv = m.floats();
        Integer[] ks = new Integer[nz];
        float[] sliceMax = new float[nz];
        for (int k = 0; k < nz; k++) {
            ks[k] = k;
            float mx = Float.NEGATIVE_INFINITY;
            for (int p = k * nx * ny; p < (k + 1) * nx * ny; p++) mx = Math.max(mx, mv[p]);
            sliceMax[k] = mx;
        }
        Arrays.sort(ks, (a, b) -> Float.compare(sliceMax[b], sliceMax[a]));
        // the highest slices, at least nz / (2n) apart so neighbours of one peak do not fill the row
        int gap = Math.max(1, nz / (2 * n));
        int[] chosen = new int[Math.min(n, nz)];
        int count = 0;
        for (int c = 0; c < nz && count < chosen.length; c++) {
            boolean near = false;
            for (int q = 0; q < count; q++) near |= Math.abs(chosen[q] - ks[c]) < gap;
            if (!near) chosen[count++] = ks[c];
        }
        float[] sorted = mv.clone();
        Arrays.sort(sorted);
        float lo = sorted[(int) (0.95 * (sorted.length - 1))], hi = sorted[sorted.length - 1];
        double[] sp = img.spacing();
        double scale = Math.max(1, 256.0 / Math.max(nx * sp[0], ny * sp[1]));   // at least ~256 px per panel
        int pw = (int) Math.round(nx * sp[0] * scale), ph = (int) Math.round(ny * sp[1] * scale);
        BufferedImage out = new BufferedImage(count * (pw + 4), ph + 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int s = 0; s < count; s++) {
            int k = chosen[s], x0 = s * (pw + 4);
            for (int py = 0; py < ph; py++)
                for (int px = 0; px < pw; px++) {
                    int i = nx - 1 - Math.min(nx - 1, (int) (px / (sp[0] * scale)));
                    int j = ny - 1 - Math.min(ny - 1, (int) (py / (sp[1] * scale)));
                    int v = img.index(i, j, k);
                    double t = Math.max(0, Math.min(1, (iv[v] + 160) / 400.0));
                    double r = t, gr = t, b = t;
                    if (hi > lo && mv[v] > lo) {
                        double a = (mv[v] - lo) / (hi - lo);     // 0..1 over the top 5 %
                        double alpha = 0.35 + 0.5 * a;
                        r = (1 - alpha) * r + alpha;
                        gr = (1 - alpha) * gr + alpha * a;
                        b = (1 - alpha) * b;
                    }
                    out.setRGB(x0 + px, 16 + py, rgb(r, gr, b));
                }
            g.setColor(Color.WHITE);
            g.drawString(String.format(Locale.ROOT, "axial k=%d  max %.2f", k, sliceMax[k]), x0 + 2, 12);
        }
        g.dispose();
        return out;
    }

    private static int rgb(double r, double g, double b) {
        return ((int) Math.round(255 * r) << 16) | ((int) Math.round(255 * g) << 8) | (int) Math.round(255 * b);
    }
}
