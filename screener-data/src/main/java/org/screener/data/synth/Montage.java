package org.screener.data.synth;

import org.screener.data.Volume;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * PNG overview of a case: four axial slices and one coronal reformat, window [-1000, 400] HU (top row) and a
 * soft-tissue window [-160, 240] HU (bottom row, where organs and hypodense lesions are visible), in radiological
 * view (patient's right on the left, anterior / superior up), 1 pixel per mm, with mask outlines in colour.
 * Axial slices go through lesion centres when there are lesions.
 */
public final class Montage {
    private Montage() {}

    static final int[] COLORS = {0, 0xFF3030, 0xFFD000, 0x30FF30, 0x30C0FF, 0xFF40FF, 0xFF8000, 0xFFFFFF};
    static final double[][] WINDOWS = {{-1000, 400}, {-160, 240}};

    public static void write(Volume image, Volume mask, List<Lesion> lesions, Path png) throws IOException {
        ImageIO.write(render(image, mask, lesions), "png", png.toFile());
    }

    public static BufferedImage render(Volume image, Volume mask, List<Lesion> lesions) {
        int nx = image.nx, ny = image.ny, nz = image.nz;
        double[] sp = image.spacing();
        TreeSet<Integer> ks = new TreeSet<>();
        for (Lesion l : lesions) if (ks.size() < 4) ks.add(Math.max(0, Math.min(nz - 1, (int) Math.round(l.cz / sp[2] + nz / 2.0 - 0.5))));
        double[] fr = {0.3, 0.55, 0.75, 0.15, 0.9, 0.45};
        for (int t = 0; ks.size() < Math.min(4, nz) && t < fr.length; t++) ks.add((int) (fr[t] * (nz - 1)));
        int jc = ny / 2;
        if (!lesions.isEmpty()) jc = Math.max(0, Math.min(ny - 1, (int) Math.round(lesions.get(0).cy / sp[1] + ny / 2.0 - 0.5)));
        int pw = (int) Math.round(nx * sp[0]), ph = (int) Math.round(ny * sp[1]), ch = (int) Math.round(nz * sp[2]);
        List<Integer> kl = new ArrayList<>(ks);
        int rowH = Math.max(ph, ch) + 16;
        int width = pw * (kl.size() + 1) + 4 * kl.size(), height = 2 * rowH;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int row = 0; row < 2; row++) {
            double[] win = WINDOWS[row];
            int y0 = row * rowH, x0 = 0;
            for (int k : kl) {
                final int kk = k;
                panel(out, x0, y0 + 16, pw, ph, (px, py) -> {
                    int i = nx - 1 - (int) (px / sp[0]), j = ny - 1 - (int) (py / sp[1]);
                    return image.index(i, j, kk);
                }, image, mask, win);
                g.setColor(Color.WHITE);
                g.drawString("axial k=" + k + "  [" + (int) win[0] + "," + (int) win[1] + "]", x0 + 2, y0 + 12);
                x0 += pw + 4;
            }
            final int jj = jc;
            panel(out, x0, y0 + 16, pw, ch, (px, py) -> {
                int i = nx - 1 - (int) (px / sp[0]), k = nz - 1 - (int) (py / sp[2]);
                return image.index(i, jj, k);
            }, image, mask, win);
            g.setColor(Color.WHITE);
            g.drawString("coronal j=" + jc, x0 + 2, y0 + 12);
        }
        g.dispose();
        return out;
    }

    private interface Sampler { int voxel(int px, int py); }

    private static void panel(BufferedImage out, int ox, int oy, int w, int h, Sampler s, Volume image, Volume mask, double[] win) {
        double lo = win[0], hi = win[1];
        short[] img = image.shorts();
        short[] m = mask == null ? null : mask.shorts();
        int[] lab = new int[w * h];
        for (int py = 0; py < h; py++) for (int px = 0; px < w; px++) {
            int v = s.voxel(px, py);
            double t = ((img != null ? img[v] : image.get(v % image.nx, (v / image.nx) % image.ny, v / (image.nx * image.ny))) - lo) / (hi - lo);
            int gray = (int) Math.round(255 * Math.max(0, Math.min(1, t)));
            out.setRGB(ox + px, oy + py, gray * 0x010101);
            lab[py * w + px] = m == null ? 0 : m[v];
        }
        for (int py = 0; py < h; py++) for (int px = 0; px < w; px++) {
            int l = lab[py * w + px];
            if (l == 0) continue;
            boolean edge = px == 0 || py == 0 || px == w - 1 || py == h - 1
                    || lab[py * w + px - 1] != l || lab[py * w + px + 1] != l || lab[(py - 1) * w + px] != l || lab[(py + 1) * w + px] != l;
            if (edge) out.setRGB(ox + px, oy + py, COLORS[Math.min(l, COLORS.length - 1)]);
        }
    }
}
