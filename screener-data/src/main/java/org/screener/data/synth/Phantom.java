package org.screener.data.synth;

import org.screener.core.cpu.Parallel;
import org.screener.data.Volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Renders a synthetic CT scan with lesions.
 *
 * <p>Image formation: tissue HU ({@link Anatomy#hu}: nominal plus smooth texture; lung vessels with partial-volume
 * coverage) → lesions blended in →
 * Gaussian partial-volume blur ({@link SynthConfig#blurMm}) → additive noise (Gaussian, in-plane correlated by a
 * [1,2,1]/4 kernel along x and y, rescaled to the subject's sigma) → rounding to int16, clamped to [-1024, 3071].
 *
 * <p>Mask definition: the same scan is also rendered without lesions (same anatomy, same noise). For lesion L,
 * with d(v) = blurred image with lesions − blurred image without (noise-free, float), the mask is
 * {v : v in L's host tissue, v within L's reach, |d(v)| ≥ τ_L} with τ_L = max(10 HU, ½ max_v |d(v)|):
 * the half-contrast iso-surface of the lesion as imaged, but never a change below 10 HU. Lesions are placed
 * so that their shape (plus edge margin) lies in the host organ and so that their reaches do not overlap.
 *
 * <p>Determinism: all random choices come from {@code Random}s seeded by the case seed and run sequentially;
 * per-voxel noise is a counter-based hash of (seed, voxel index); parallel loops only split slices. The output
 * is therefore byte-identical for any thread count.
 */
public final class Phantom {
    private Phantom() {}

    /** Generates a scan with one lesion per entry of {@code lesions} (kinds may repeat; a lesion that fits nowhere is skipped). */
    public static SynthCase generate(SynthConfig cfg, long seed, List<LesionKind> lesions, boolean keepLesionFree) {
        Anatomy an = Anatomy.sample(cfg, seed);
        int nx = cfg.nx, ny = cfg.ny, nz = cfg.nz, n = nx * ny * nz;
        double[] sp = cfg.spacing();
        byte[] tissue = new byte[n];
        float[] clean = new float[n];
        renderAnatomy(cfg, an, tissue, clean);

        float[] withLesions = clean.clone();
        Random lr = new Random(seed * 0x9E3779B97F4A7C15L + 0x5851F42D4C957F2DL);
        List<Shape> shapes = new ArrayList<>();
        int[] reserved = new int[n];
        double blurReach = 3 * cfg.blurMm;
        for (LesionKind k : lesions) {
            Shape s = place(cfg, k, tissue, reserved, lr, blurReach, shapes.size() + 1);
            if (s == null) continue;
            shapes.add(s);
            s.apply(cfg, tissue, withLesions);
        }

        float[] blurFree = blur(cfg, clean);
        float[] blurWith = shapes.isEmpty() ? blurFree : blur(cfg, withLesions);
        double sigma = cfg.noiseMin + (cfg.noiseMax - cfg.noiseMin) * new Random(seed ^ 0x2545F4914F6CDD1DL).nextDouble();
        float[] noise = noise(cfg, seed, sigma);

        short[] img = toShorts(blurWith, noise);
        short[] mask = new short[n];
        List<Lesion> out = new ArrayList<>();
        for (Shape s : shapes) out.add(s.mask(cfg, tissue, blurWith, blurFree, mask));
        double[][] aff = affine(cfg);
        Volume image = Volume.ofShorts(nx, ny, nz, img, sp, aff);
        Volume maskV = Volume.ofShorts(nx, ny, nz, mask, sp, aff);
        Volume free = keepLesionFree ? Volume.ofShorts(nx, ny, nz, shapes.isEmpty() ? img.clone() : toShorts(blurFree, noise), sp, aff) : null;
        return new SynthCase(image, maskV, tissue, out, sigma, free);
    }

    /** Voxel centres at ((i + 0.5) - n/2) * spacing: the field of view is centred on the origin. */
    public static double[][] affine(SynthConfig cfg) {
        double[] sp = cfg.spacing();
        return Volume.diagonalAffine(sp, new double[]{(0.5 - cfg.nx / 2.0) * sp[0], (0.5 - cfg.ny / 2.0) * sp[1], (0.5 - cfg.nz / 2.0) * sp[2]});
    }

    static double wx(SynthConfig c, int i) { return (i + 0.5 - c.nx / 2.0) * c.fovX / c.nx; }
    static double wy(SynthConfig c, int j) { return (j + 0.5 - c.ny / 2.0) * c.fovY / c.ny; }
    static double wz(SynthConfig c, int k) { return (k + 0.5 - c.nz / 2.0) * c.fovZ / c.nz; }

    // ------------------------------------------------------------------ anatomy

    private static void renderAnatomy(SynthConfig cfg, Anatomy an, byte[] tissue, float[] clean) {
        int nx = cfg.nx, ny = cfg.ny;
        double[] sp = cfg.spacing();
        double h = Math.min(sp[0], sp[1]);
        Parallel.forRange(cfg.nz, 1, (lo, hi) -> {
            float[] cover = new float[nx * ny];
            for (int k = lo; k < hi; k++) {
                double z = wz(cfg, k);
                int base = k * nx * ny;
                for (int j = 0; j < ny; j++) {
                    double y = wy(cfg, j);
                    for (int i = 0; i < nx; i++) {
                        double x = wx(cfg, i);
                        byte t = an.classify(x, y, z);
                        tissue[base + j * nx + i] = t;
                        clean[base + j * nx + i] = (float) an.hu(t, x, y, z);
                    }
                }
                // lung vessels: coverage = clamp(0.5 + (r - dist) / h), the partial-volume fraction of a voxel
                java.util.Arrays.fill(cover, 0f);
                for (Anatomy.Segment s : an.lungVessels) {
                    double reach = 0.5 * h;
                    if (z < s.zmin() - reach || z > s.zmax() + reach) continue;
                    double r = s.r + reach;
                    int i0 = Math.max(0, toIndex(Math.min(s.ax, s.bx) - r, cfg.fovX, nx)), i1 = Math.min(nx - 1, toIndex(Math.max(s.ax, s.bx) + r, cfg.fovX, nx) + 1);
                    int j0 = Math.max(0, toIndex(Math.min(s.ay, s.by) - r, cfg.fovY, ny)), j1 = Math.min(ny - 1, toIndex(Math.max(s.ay, s.by) + r, cfg.fovY, ny) + 1);
                    for (int j = j0; j <= j1; j++) {
                        double y = wy(cfg, j);
                        for (int i = i0; i <= i1; i++) {
                            double d = s.axisDistance(wx(cfg, i), y, z);
                            float c = (float) Math.min(1, Math.max(0, 0.5 + (s.r - d) / h));
                            if (c > cover[j * nx + i]) cover[j * nx + i] = c;
                        }
                    }
                }
                for (int p = 0; p < nx * ny; p++) {
                    float c = cover[p];
                    if (c > 0 && tissue[base + p] == Tissue.LUNG) {
                        clean[base + p] += c * (Tissue.hu(Tissue.LUNG_VESSEL) - clean[base + p]);
                        if (c >= 0.5f) tissue[base + p] = Tissue.LUNG_VESSEL;
                    }
                }
            }
        });
    }

    private static int toIndex(double w, double fov, int n) { return (int) Math.floor(w * n / fov + n / 2.0 - 0.5); }

    // ------------------------------------------------------------------ lesions

    /** A lesion's shape: lobulated, rotated ellipsoid. */
    static final class Shape {
        final LesionKind kind;
        final int id;
        final double cx, cy, cz, radius, q2, q3, lob, lp1, lp2, hostHu, target, edgeScale, reach;
        final double[][] rot; // rows: local axes in world coordinates
        final double[] e1, e2;
        int[] box;

        Shape(LesionKind kind, int id, double cx, double cy, double cz, double radius, Random r, double hostHu, double target, SynthConfig cfg) {
            this.kind = kind; this.id = id; this.cx = cx; this.cy = cy; this.cz = cz; this.radius = radius;
            q2 = Anatomy.u(r, 0.7, 1); q3 = Anatomy.u(r, 0.7, 1);
            lob = kind == LesionKind.CYST ? 0 : Anatomy.u(r, 0, 0.15);
            lp1 = Anatomy.u(r, 0, 2 * Math.PI); lp2 = Anatomy.u(r, 0, 2 * Math.PI);
            double[] a = Anatomy.normalize(new double[]{r.nextGaussian(), r.nextGaussian(), r.nextGaussian()});
            double[] b = Anatomy.perpendicular(a, r);
            double[] c = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
            rot = new double[][]{a, b, c};
            e1 = Anatomy.normalize(new double[]{r.nextGaussian(), r.nextGaussian(), r.nextGaussian()});
            e2 = Anatomy.perpendicular(e1, r);
            this.hostHu = hostHu; this.target = target;
            double[] sp = cfg.spacing();
            switch (kind.edge) {
                case SHARP: edgeScale = Math.min(sp[0], sp[1]); reach = 0.5 * edgeScale; break;
                case SOFT: edgeScale = 1.0; reach = 4 * edgeScale; break;
                default: edgeScale = 0.12 * radius + 1; reach = 4 * edgeScale; break;
            }
        }

        /** Signed distance (mm) along the ray from the centre to the surface; negative inside. */
        double sd(double x, double y, double z) {
            double px = x - cx, py = y - cy, pz = z - cz;
            double l0 = rot[0][0] * px + rot[0][1] * py + rot[0][2] * pz;
            double l1 = rot[1][0] * px + rot[1][1] * py + rot[1][2] * pz;
            double l2 = rot[2][0] * px + rot[2][1] * py + rot[2][2] * pz;
            double n0 = l0 / radius, n1 = l1 / (radius * q2), n2 = l2 / (radius * q3);
            double rho = Math.sqrt(n0 * n0 + n1 * n1 + n2 * n2);
            double dist = Math.sqrt(px * px + py * py + pz * pz);
            if (rho < 1e-12) return -radius * Math.min(q2, q3);
            double ux = px / dist, uy = py / dist, uz = pz / dist;
            double g = 0.5 + 0.5 * Math.sin(3 * (ux * e1[0] + uy * e1[1] + uz * e1[2]) * Math.PI + lp1) * Math.cos(3 * (ux * e2[0] + uy * e2[1] + uz * e2[2]) * Math.PI + lp2);
            double rhoL = rho / (1 - lob * g);
            return dist * (1 - 1 / rhoL);
        }

        double weight(double sd) {
            if (sd > reach) return 0;
            if (kind.edge == LesionKind.Edge.SHARP) return Math.min(1, Math.max(0, 0.5 - sd / edgeScale));
            return 1 / (1 + Math.exp(sd / edgeScale));
        }

        boolean applies(int t) { return kind == LesionKind.GGO ? t == Tissue.LUNG : kind.isHost(t); }

        void apply(SynthConfig cfg, byte[] tissue, float[] img) {
            int nx = cfg.nx, ny = cfg.ny;
            for (int k = box[4]; k <= box[5]; k++) for (int j = box[2]; j <= box[3]; j++) for (int i = box[0]; i <= box[1]; i++) {
                int v = (k * ny + j) * nx + i;
                if (!applies(tissue[v])) continue;
                double w = weight(sd(wx(cfg, i), wy(cfg, j), wz(cfg, k)));
                if (w > 0) img[v] += (float) (w * (target - img[v]));
            }
        }

        Lesion mask(SynthConfig cfg, byte[] tissue, float[] with, float[] free, short[] mask) {
            int nx = cfg.nx, ny = cfg.ny;
            double peak = 0;
            for (int k = box[4]; k <= box[5]; k++) for (int j = box[2]; j <= box[3]; j++) for (int i = box[0]; i <= box[1]; i++) {
                int v = (k * ny + j) * nx + i;
                if (applies(tissue[v])) peak = Math.max(peak, Math.abs(with[v] - free[v]));
            }
            double thr = Math.max(10, 0.5 * peak);
            int count = 0;
            for (int k = box[4]; k <= box[5]; k++) for (int j = box[2]; j <= box[3]; j++) for (int i = box[0]; i <= box[1]; i++) {
                int v = (k * ny + j) * nx + i;
                if (applies(tissue[v]) && Math.abs(with[v] - free[v]) >= thr) { mask[v] = (short) kind.label; count++; }
            }
            return new Lesion(kind, cx, cy, cz, 2 * radius, target, hostHu, thr, count, box);
        }
    }

    private static Shape place(SynthConfig cfg, LesionKind kind, byte[] tissue, int[] reserved, Random r, double blurReach, int id) {
        int nx = cfg.nx, ny = cfg.ny, nz = cfg.nz;
        int hostCount = 0;
        for (byte t : tissue) if (kind.isHost(t)) hostCount++;
        if (hostCount == 0) return null;
        int[] hostIdx = new int[hostCount];
        for (int q = 0, c = 0; q < tissue.length; q++) if (kind.isHost(tissue[q])) hostIdx[c++] = q;
        double[] sp = cfg.spacing();
        for (int attempt = 0; attempt < 200; attempt++) {
            // centre: a uniformly drawn host voxel
            int v = hostIdx[r.nextInt(hostCount)];
            int i = v % nx, j = (v / nx) % ny, k = v / (nx * ny);
            double d = Anatomy.u(r, kind.minDiameterMm, kind.maxDiameterMm);
            double contrast = Anatomy.u(r, kind.minContrast, kind.maxContrast);
            double hostHu = kind.isHost(Tissue.LUNG) ? Tissue.hu(Tissue.LUNG) : hostHu(tissue[v]);
            double target = kind.relative ? hostHu + contrast : contrast;
            Shape s = new Shape(kind, id, wx(cfg, i), wy(cfg, j), wz(cfg, k), d / 2, r, hostHu, target, cfg);
            double ext = s.radius + s.reach + blurReach + Math.max(sp[0], Math.max(sp[1], sp[2]));
            int[] box = {clampIdx((int) Math.floor((s.cx - ext) / sp[0] + nx / 2.0 - 0.5), nx), clampIdx((int) Math.ceil((s.cx + ext) / sp[0] + nx / 2.0 - 0.5), nx),
                    clampIdx((int) Math.floor((s.cy - ext) / sp[1] + ny / 2.0 - 0.5), ny), clampIdx((int) Math.ceil((s.cy + ext) / sp[1] + ny / 2.0 - 0.5), ny),
                    clampIdx((int) Math.floor((s.cz - ext) / sp[2] + nz / 2.0 - 0.5), nz), clampIdx((int) Math.ceil((s.cz + ext) / sp[2] + nz / 2.0 - 0.5), nz)};
            s.box = box;
            if (fits(cfg, s, tissue, reserved, blurReach)) {
                for (int kk = box[4]; kk <= box[5]; kk++) for (int jj = box[2]; jj <= box[3]; jj++) for (int ii = box[0]; ii <= box[1]; ii++)
                    reserved[(kk * ny + jj) * nx + ii] = id;
                return s;
            }
        }
        return null;
    }

    /** The shape plus its edge lies in host tissue (and in the volume), and its box touches no other lesion's box. */
    private static boolean fits(SynthConfig cfg, Shape s, byte[] tissue, int[] reserved, double blurReach) {
        int nx = cfg.nx, ny = cfg.ny;
        int[] b = s.box;
        double[] sp = cfg.spacing();
        double margin = s.reach + 0.5 * Math.max(sp[0], Math.max(sp[1], sp[2]));
        double ext = s.radius + margin;
        if (wx(cfg, 0) > s.cx - ext || wx(cfg, cfg.nx - 1) < s.cx + ext || wy(cfg, 0) > s.cy - ext || wy(cfg, cfg.ny - 1) < s.cy + ext
                || wz(cfg, 0) > s.cz - ext || wz(cfg, cfg.nz - 1) < s.cz + ext) return false;
        for (int k = b[4]; k <= b[5]; k++) for (int j = b[2]; j <= b[3]; j++) for (int i = b[0]; i <= b[1]; i++) {
            int v = (k * ny + j) * nx + i;
            if (reserved[v] != 0) return false;
            if (!s.kind.isHost(tissue[v]) && s.sd(wx(cfg, i), wy(cfg, j), wz(cfg, k)) <= margin) return false;
        }
        return true;
    }

    private static int clampIdx(int i, int n) { return Math.max(0, Math.min(n - 1, i)); }

    /** Nominal HU a relative contrast refers to (kidney: mean of cortex and medulla). */
    static double hostHu(int t) {
        if (t == Tissue.KIDNEY_CORTEX || t == Tissue.KIDNEY_MEDULLA) return 30;
        return Tissue.hu(t);
    }

    // ------------------------------------------------------------------ image formation

    /** Separable Gaussian blur, sigma cfg.blurMm per axis (in voxels: blurMm / spacing); clamped edges. */
    static float[] blur(SynthConfig cfg, float[] src) {
        double[] sp = cfg.spacing();
        float[] a = src.clone(), b = new float[src.length];
        int[] n = {cfg.nx, cfg.ny, cfg.nz};
        int[] stride = {1, cfg.nx, cfg.nx * cfg.ny};
        for (int axis = 0; axis < 3; axis++) {
            double s = cfg.blurMm / sp[axis];
            if (s < 0.1) continue;
            int rad = (int) Math.ceil(3 * s);
            float[] w = new float[2 * rad + 1];
            double sum = 0;
            for (int t = -rad; t <= rad; t++) sum += (w[t + rad] = (float) Math.exp(-0.5 * t * t / (s * s)));
            for (int t = 0; t < w.length; t++) w[t] /= sum;
            convolve(a, b, n, stride, axis, w);
            float[] tmp = a; a = b; b = tmp;
        }
        return a;
    }

    private static void convolve(float[] src, float[] dst, int[] n, int[] stride, int axis, float[] w) {
        int rad = w.length / 2, len = n[axis], st = stride[axis];
        int nx = n[0], ny = n[1];
        Parallel.forRange(n[2], 1, (lo, hi) -> {
            for (int k = lo; k < hi; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) {
                int pos = axis == 0 ? i : axis == 1 ? j : k;
                int v = (k * ny + j) * nx + i;
                float acc = 0;
                for (int t = -rad; t <= rad; t++) {
                    int q = Math.max(0, Math.min(len - 1, pos + t));
                    acc += w[t + rad] * src[v + (q - pos) * st];
                }
                dst[v] = acc;
            }
        });
    }

    /** Gaussian noise from a counter-based hash, correlated in-plane by [1,2,1]/4 along x and y, scaled to sigma. */
    static float[] noise(SynthConfig cfg, long seed, double sigma) {
        int nx = cfg.nx, ny = cfg.ny, plane = nx * ny;
        float[] out = new float[plane * cfg.nz];
        // Var of [1,2,1]/4 applied along two axes to white noise: (6/16)^2
        float scale = (float) (sigma / 0.375);
        long key = mix(seed ^ 0xD1B54A32D192ED03L);
        Parallel.forRange(cfg.nz, 1, (lo, hi) -> {
            float[] white = new float[plane], tmp = new float[plane];
            for (int k = lo; k < hi; k++) {
                for (int p = 0; p < plane; p++) white[p] = gauss(key, (long) k * plane + p);
                for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) {
                    int p = j * nx + i;
                    tmp[p] = 0.25f * white[j * nx + Math.max(0, i - 1)] + 0.5f * white[p] + 0.25f * white[j * nx + Math.min(nx - 1, i + 1)];
                }
                for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) {
                    int p = j * nx + i;
                    out[k * plane + p] = scale * (0.25f * tmp[Math.max(0, j - 1) * nx + i] + 0.5f * tmp[p] + 0.25f * tmp[Math.min(ny - 1, j + 1) * nx + i]);
                }
            }
        });
        return out;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static float gauss(long key, long idx) {
        long h1 = mix(key + idx * 0x9E3779B97F4A7C15L), h2 = mix(h1 ^ 0x632BE59BD9B4E019L);
        double u1 = ((h1 >>> 11) + 1) * 0x1.0p-53, u2 = (h2 >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }

    private static short[] toShorts(float[] img, float[] noise) {
        short[] s = new short[img.length];
        for (int v = 0; v < s.length; v++) s[v] = (short) Math.max(-1024, Math.min(3071, Math.round(img[v] + noise[v])));
        return s;
    }
}
