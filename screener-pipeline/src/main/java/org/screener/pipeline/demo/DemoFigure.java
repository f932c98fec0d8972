package org.screener.pipeline.demo;

import org.screener.data.Volume;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One axial slice of a test scan (the one with the most lesion voxels), as panels: the scan with the lesion
 * outlines, then each anomaly map over the scan. Canonical RAS+ input, radiological view (patient's right on
 * the left, anterior up), 1 pixel per mm. Each map, drawn inside the body only, is shown from its body median (transparent) to its 99.9th
 * body percentile (opaque yellow), so maps in different units compare by rank, as AUROC does.
 */
final class DemoFigure {
    private DemoFigure() {}

    static final int COLUMNS = 4;

    /** Axial slice with the most positive voxels (the middle slice when there are none). */
    static int lesionSlice(boolean[] mask, int nx, int ny, int nz) {
        int best = nz / 2, bestCount = 0;
        for (int k = 0; k < nz; k++) {
            int c = 0;
            for (int p = k * nx * ny; p < (k + 1) * nx * ny; p++) if (mask[p]) c++;
            if (c > bestCount) { bestCount = c; best = k; }
        }
        return best;
    }

    static BufferedImage render(Volume scan, boolean[] mask, boolean[] body, List<float[]> maps, List<String> titles, int k) {
        return render(scan, mask, body, maps, titles, k, "lesions outlined");
    }

    /** As above; {@code outlined} names what the cyan outline shows. */
    static BufferedImage render(Volume scan, boolean[] mask, boolean[] body, List<float[]> maps, List<String> titles, int k, String outlined) {
        int nx = scan.nx, ny = scan.ny;
        double[] sp = scan.spacing();
        int pw = (int) Math.round(nx * sp[0]), ph = (int) Math.round(ny * sp[1]);
        int panels = maps.size() + 1, cols = Math.min(COLUMNS, panels), rows = (panels + cols - 1) / cols;
        BufferedImage out = new BufferedImage(cols * (pw + 4), rows * (ph + 16), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        float[] hu = scan.floats();
        for (int p = 0; p < panels; p++) {
            int x0 = (p % cols) * (pw + 4), y0 = (p / cols) * (ph + 16);
            float[] map = p == 0 ? null : maps.get(p - 1);
            float lo = 0, hi = 0;
            if (map != null) {
                float[] inBody = new float[map.length];
                int n = 0;
                for (int i = 0; i < map.length; i++) if (body[i]) inBody[n++] = map[i];
                Arrays.sort(inBody, 0, n);
                lo = n == 0 ? 0 : inBody[n / 2];
                hi = n == 0 ? 0 : inBody[(int) (0.999 * (n - 1))];
            }
            for (int py = 0; py < ph; py++)
                for (int px = 0; px < pw; px++) {
                    int i = nx - 1 - Math.min(nx - 1, (int) (px / sp[0]));
                    int j = ny - 1 - Math.min(ny - 1, (int) (py / sp[1]));
                    int v = scan.index(i, j, k);
                    double t = Math.max(0, Math.min(1, (hu[v] + 160) / 400.0));
                    double r = t, gr = t, b = t;
                    if (map != null && body[v] && hi > lo && map[v] > lo) {
                        double a = Math.min(1, (map[v] - lo) / (hi - lo));
                        double alpha = 0.8 * a;
                        r = (1 - alpha) * r + alpha;
                        gr = (1 - alpha) * gr + alpha * a;
                        b = (1 - alpha) * b;
                    }
                    if (mask[v] && isEdge(mask, scan, i, j, k)) { r = 0.2; gr = 1; b = 1; }
                    out.setRGB(x0 + px, y0 + 16 + py, rgb(r, gr, b));
                }
            g.setColor(Color.WHITE);
            g.drawString(p == 0 ? String.format(Locale.ROOT, "scan, k=%d, %s", k, outlined) : titles.get(p - 1), x0 + 2, y0 + 12);
        }
        g.dispose();
        return out;
    }

    private static boolean isEdge(boolean[] m, Volume v, int i, int j, int k) {
        return i == 0 || j == 0 || i == v.nx - 1 || j == v.ny - 1
                || !m[v.index(i - 1, j, k)] || !m[v.index(i + 1, j, k)] || !m[v.index(i, j - 1, k)] || !m[v.index(i, j + 1, k)];
    }

    private static int rgb(double r, double g, double b) {
        return ((int) Math.round(255 * r) << 16) | ((int) Math.round(255 * g) << 8) | (int) Math.round(255 * b);
    }
}
