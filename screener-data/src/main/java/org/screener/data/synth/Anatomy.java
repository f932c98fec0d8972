package org.screener.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One subject's anatomy: organ sizes, positions and shapes drawn from a seeded distribution, in millimetres.
 * Coordinates: x towards the patient's Right, y Anterior, z Superior (RAS+), origin at the centre of the field
 * of view. {@link #classify} is a pure function of the position, so any slice can be rendered on any thread.
 * Lung vessels are separate tubes ({@link #lungVessels}) drawn with partial-volume coverage by the renderer.
 */
public final class Anatomy {
    /** A tube piece: capsule from a to b with radius r (mm). */
    public static final class Segment {
        public final double ax, ay, az, bx, by, bz, r;
        Segment(double[] a, double[] b, double r) { ax = a[0]; ay = a[1]; az = a[2]; bx = b[0]; by = b[1]; bz = b[2]; this.r = r; }

        /** Distance from p to the axis segment. */
        public double axisDistance(double x, double y, double z) {
            double dx = bx - ax, dy = by - ay, dz = bz - az;
            double len2 = dx * dx + dy * dy + dz * dz;
            double t = len2 == 0 ? 0 : ((x - ax) * dx + (y - ay) * dy + (z - az) * dz) / len2;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double ex = x - (ax + t * dx), ey = y - (ay + t * dy), ez = z - (az + t * dz);
            return Math.sqrt(ex * ex + ey * ey + ez * ez);
        }
        public double zmin() { return Math.min(az, bz) - r; }
        public double zmax() { return Math.max(az, bz) + r; }
    }

    // body
    final double bodyA, bodyB, bodyCy, bodyWaveAmp, bodyWaveLen, bodyWavePhase, fatT, muscleT;
    // spine
    final double spineY, vbR, vertH, discH, vertPhase;
    // ribs
    final double ribSpacing, ribPhase, ribDrop, ribHalfW, ribHalfH;
    // diaphragm
    final double diaZ, diaRightExtra, domeH;
    // chest
    final double heartX, heartY, heartZ, heartRx, heartRy, heartRz, mediastinumW, tracheaX, tracheaY, tracheaZ;
    // abdomen
    final double liverX, liverY, liverZ, liverRx, liverRy, liverRz;
    final double spleenX, spleenY, spleenZ, spleenRx, spleenRy, spleenRz;
    final double kidX, kidY, kidZR, kidZL, kidRx, kidRy, kidRz, cortexT;
    final double[][] bowelWaves; // each: kx, ky, kz, phase
    final double bowelThreshold;
    final double[][] textureWaves; // smooth within-organ density variation
    /** Extra HU of the most dependent (posterior) lung. */
    final double lungGradient;
    final List<Segment> aorta = new ArrayList<>();
    public final List<Segment> lungVessels = new ArrayList<>();

    private Anatomy(Random r, SynthConfig cfg) {
        bodyA = u(r, 122, 146); bodyB = u(r, 86, 100); bodyCy = u(r, -8, 4);
        bodyWaveAmp = u(r, 0.02, 0.06); bodyWaveLen = u(r, 180, 320); bodyWavePhase = u(r, 0, 2 * Math.PI);
        fatT = u(r, 6, 24); muscleT = u(r, 8, 14);
        spineY = bodyCy - 0.85 * bodyB + fatT + muscleT + u(r, 22, 28);
        vbR = u(r, 15, 19); vertH = u(r, 21, 27); discH = u(r, 5, 8); vertPhase = u(r, 0, 40);
        ribSpacing = u(r, 24, 30); ribPhase = u(r, 0, 30); ribDrop = u(r, 60, 90); ribHalfW = u(r, 3.5, 5); ribHalfH = u(r, 5, 7);
        diaZ = u(r, -30, 0); diaRightExtra = u(r, 5, 15); domeH = u(r, 15, 25);
        double dl = diaZ, dr = diaZ + diaRightExtra;
        heartX = u(r, -28, -12); heartY = bodyCy + u(r, 28, 38); heartZ = dl + u(r, 25, 38);
        heartRx = u(r, 48, 60); heartRy = u(r, 34, 42); heartRz = u(r, 42, 55);
        mediastinumW = u(r, 14, 22);
        tracheaX = u(r, -3, 5); tracheaY = spineY + vbR + u(r, 12, 18);
        liverX = u(r, 45, 58); liverY = bodyCy + u(r, 5, 15); liverZ = dr - u(r, 35, 50);
        liverRx = u(r, 75, 90); liverRy = u(r, 60, 75); liverRz = u(r, 55, 70);
        spleenX = -u(r, 72, 88); spleenY = spineY + u(r, 5, 20); spleenZ = dl - u(r, 28, 42);
        spleenRx = u(r, 20, 28); spleenRy = u(r, 38, 50); spleenRz = u(r, 40, 55);
        kidX = u(r, 62, 74); kidY = spineY + u(r, -4, 6); kidZR = dr - u(r, 90, 110); kidZL = kidZR + u(r, 5, 20);
        kidRx = u(r, 24, 30); kidRy = u(r, 21, 26); kidRz = u(r, 48, 58); cortexT = u(r, 5, 7);
        bowelWaves = new double[7][4];
        for (double[] w : bowelWaves) {
            double len = u(r, 28, 50), th = u(r, 0, Math.PI), ph = u(r, 0, 2 * Math.PI);
            double k = 2 * Math.PI / len;
            w[0] = k * Math.sin(th) * Math.cos(ph); w[1] = k * Math.sin(th) * Math.sin(ph); w[2] = k * Math.cos(th) * 0.6; w[3] = u(r, 0, 2 * Math.PI);
        }
        bowelThreshold = u(r, -0.3, 0.3);
        textureWaves = new double[3][4];
        for (double[] w : textureWaves) {
            double len = u(r, 40, 90), th = u(r, 0, Math.PI), ph = u(r, 0, 2 * Math.PI);
            double k = 2 * Math.PI / len;
            w[0] = k * Math.sin(th) * Math.cos(ph); w[1] = k * Math.sin(th) * Math.sin(ph); w[2] = k * Math.cos(th); w[3] = u(r, 0, 2 * Math.PI);
        }
        lungGradient = u(r, 20, 50);
        // aorta: abdominal + descending thoracic aorta left-anterior of the spine, arch, ascending into the heart
        double aoR = u(r, 10, 13);
        double[] low = {-u(r, 8, 16), spineY + vbR + aoR - 2, -cfg.fovZ};
        double[] archBack = {low[0] - 4, low[1] + 6, heartZ + heartRz + u(r, 20, 35)};
        double[] archTop = {0, bodyCy + 15, archBack[2] + 18};
        double[] archFront = {12, heartY + 10, archBack[2]};
        double[] root = {heartX + 20, heartY, heartZ + 10};
        tracheaZ = archBack[2] - 10;
        aorta.add(new Segment(low, archBack, aoR));
        aorta.add(new Segment(archBack, archTop, aoR));
        aorta.add(new Segment(archTop, archFront, aoR));
        aorta.add(new Segment(archFront, root, aoR + 1));
        for (int side = -1; side <= 1; side += 2) {
            double[] hilum = {side * (mediastinumW + 12), bodyCy + u(r, -5, 8), dl + diaRightExtra * (side > 0 ? 1 : 0) + u(r, 45, 60)};
            int branches = 12;
            for (int b = 0; b < branches; b++) {
                double[] start = {hilum[0], hilum[1] + u(r, -10, 10), hilum[2] + u(r, -15, 15)};
                double ang = -1.2 + 2.4 * (b + u(r, 0.1, 0.9)) / branches;    // fan from caudal to cranial
                double[] dir = {side * Math.cos(ang), u(r, -0.4, 0.4), Math.sin(ang) * 1.2};
                grow(r, start, normalize(dir), u(r, 22, 32), u(r, 2.8, 4), 0);
            }
        }
    }

    public static Anatomy sample(SynthConfig cfg, long seed) { return new Anatomy(new Random(seed), cfg); }

    private void grow(Random r, double[] p, double[] d, double len, double rad, int depth) {
        if (rad < 0.35 || depth > 10) return;
        // a branch that would leave the lung is bent (up to 4 tries), then shortened, then dropped
        double[] q = null;
        for (int t = 0; t < 6 && q == null; t++) {
            double l = t < 4 ? len : len * 0.5;
            double[] dd = t == 0 || t >= 4 ? d : rotate(d, perpendicular(d, r), u(r, -0.8, 0.8));
            double[] e = {p[0] + dd[0] * l, p[1] + dd[1] * l, p[2] + dd[2] * l};
            double[] m = {p[0] + dd[0] * l * 0.5, p[1] + dd[1] * l * 0.5, p[2] + dd[2] * l * 0.5};
            if (inLungSpace(e[0], e[1], e[2]) && (depth == 0 || inLungSpace(m[0], m[1], m[2]))) { q = e; d = dd; }
        }
        if (q == null) return;
        lungVessels.add(new Segment(p, q, rad));
        // two children, bent apart around a random axis perpendicular to d
        double[] a = perpendicular(d, r);
        double spread = u(r, 0.35, 0.6);
        for (int c = -1; c <= 1; c += 2) {
            double ang = c * spread * u(r, 0.6, 1.0);
            double[] nd = rotate(d, a, ang);
            grow(r, q, nd, len * u(r, 0.75, 0.9), rad * u(r, 0.7, 0.8), depth + 1);
        }
    }

    // ----------------------------------------------------------------- geometry

    double bodyA(double z) { return bodyA * (1 + bodyWaveAmp * Math.sin(2 * Math.PI * z / bodyWaveLen + bodyWavePhase)); }
    double bodyB(double z) { return bodyB * (1 + 0.5 * bodyWaveAmp * Math.cos(2 * Math.PI * z / bodyWaveLen + bodyWavePhase)); }

    /** Ellipse test with a flatter back (posterior semi-axis 0.85 b). */
    private static boolean inBody(double x, double y, double a, double b, double cy) {
        double bb = y < cy ? 0.85 * b : b;
        double nx = x / a, ny = (y - cy) / bb;
        return nx * nx + ny * ny <= 1;
    }

    /** Diaphragm height below (x, y): two domes, right one higher. */
    double diaphragm(double x, double y) {
        double best = Double.NEGATIVE_INFINITY;
        for (int side = -1; side <= 1; side += 2) {
            double base = diaZ + (side > 0 ? diaRightExtra : 0);
            double nx = (x - side * 55) / 80, ny = (y - bodyCy - 5) / 85;
            double h = base + domeH * (1 - nx * nx - ny * ny);
            best = Math.max(best, Math.max(h, base - 30));
        }
        return best;
    }

    /** Where lung may be (ignores vessels): chest cavity minus mediastinum, heart, aorta and spine. */
    boolean inLungSpace(double x, double y, double z) {
        return classify(x, y, z) == Tissue.LUNG;
    }

    private static double ell(double x, double y, double z, double cx, double cy, double cz, double rx, double ry, double rz) {
        double a = (x - cx) / rx, b = (y - cy) / ry, c = (z - cz) / rz;
        return a * a + b * b + c * c;
    }

    /** Amplitude (HU) of the smooth texture per tissue; the texture stays within ±{@link #TEXTURE_SPAN} times it. */
    static final float[] TEXTURE = new float[Tissue.COUNT];
    static final double TEXTURE_SPAN = 3 / Math.sqrt(1.5);
    static {
        TEXTURE[Tissue.FAT] = 4; TEXTURE[Tissue.MUSCLE] = 4; TEXTURE[Tissue.LIVER] = 4; TEXTURE[Tissue.SPLEEN] = 3;
        TEXTURE[Tissue.KIDNEY_CORTEX] = 3; TEXTURE[Tissue.KIDNEY_MEDULLA] = 3; TEXTURE[Tissue.HEART] = 2;
        TEXTURE[Tissue.BOWEL] = 6; TEXTURE[Tissue.LUNG] = 8; TEXTURE[Tissue.BONE_CANCELLOUS] = 15;
    }

    /**
     * Noise-free HU of tissue t at a point: nominal value plus a smooth texture (a few long sine waves, phase
     * shifted per tissue) and, for lung, a density gradient towards the dependent (posterior) side.
     */
    public double hu(byte t, double x, double y, double z) {
        double hu = Tissue.hu(t);
        float amp = TEXTURE[t];
        if (amp != 0) {
            double f = 0;
            for (double[] w : textureWaves) f += Math.sin(w[0] * x + w[1] * y + w[2] * z + w[3] + 1.7 * t);
            hu += amp * f / Math.sqrt(1.5);
        }
        if (t == Tissue.LUNG) {
            double b = bodyB(z), frac = (bodyCy + b - y) / (1.85 * b);
            frac = Math.max(0, Math.min(1, frac));
            hu += lungGradient * frac * frac;
        }
        return hu;
    }

    /** Bounds of {@link #hu} for tissue t: {min, max}. */
    public static double[] huBounds(byte t) {
        double span = TEXTURE[t] * TEXTURE_SPAN;
        return new double[]{Tissue.hu(t) - span, Tissue.hu(t) + span + (t == Tissue.LUNG ? 50 : 0)};
    }

    /** Tissue at a point, without lung vessels and lesions. */
    public byte classify(double x, double y, double z) {
        double a = bodyA(z), b = bodyB(z);
        if (!inBody(x, y, a, b, bodyCy)) return Tissue.AIR;
        byte sp = spine(x, y, z);
        if (sp >= 0) return sp;
        boolean inFatLine = inBody(x, y, a - fatT, b - fatT, bodyCy);
        double wall = fatT + muscleT;
        boolean inCavity = inBody(x, y, a - wall, b - wall, bodyCy);
        if (inFatLine) {
            byte rib = rib(x, y, z, a, b);
            if (rib >= 0) return rib;
        }
        if (!inFatLine) return Tissue.FAT;
        if (!inCavity) return Tissue.MUSCLE;
        // paraspinal muscles behind the vertebral bodies
        if (y < spineY - vbR + 4 && Math.abs(x) < 55) return Tissue.MUSCLE;
        for (Segment s : aorta) if (z >= s.zmin() && z <= s.zmax() && s.axisDistance(x, y, z) <= s.r) return Tissue.AORTA;
        double dz = diaphragm(x, y);
        if (z > dz) {
            if (ell(x, y, z, heartX, heartY, heartZ, heartRx, heartRy, heartRz) <= 1) return Tissue.HEART;
            if (Math.abs(x - tracheaX) < 9 && Math.abs(y - tracheaY) < 9 && z > tracheaZ) {
                double tr = Math.hypot(x - tracheaX, y - tracheaY);
                if (tr < 7) return Tissue.AIR;
                if (tr < 9) return Tissue.MUSCLE;
            }
            double mx = (x - 0.3 * heartX) / (mediastinumW + 8), my = (y - bodyCy - 5) / (0.8 * b);
            if (mx * mx + my * my <= 1) return Tissue.FAT;
            if (Math.abs(x) < vbR + 10 && y < spineY + vbR + 6) return Tissue.FAT;
            if (!inBody(x, y, a - wall - 2, b - wall - 2, bodyCy)) return Tissue.FAT;
            if (z < dz + 2) return Tissue.MUSCLE; // diaphragm muscle
            return Tissue.LUNG;
        }
        if (z > dz - 4) return Tissue.MUSCLE;
        for (int side = -1; side <= 1; side += 2) {
            double kz = side > 0 ? kidZR : kidZL;
            double e = ell(x, y, z, side * kidX, kidY, kz, kidRx, kidRy, kidRz);
            if (e <= 1) {
                double rho = Math.sqrt(e);
                double medial = -side * (x - side * kidX) / kidRx; // > 0 towards the hilum
                if (rho < 0.55 && medial > 0.15) return Tissue.RENAL_SINUS;
                if (rho > 1 - cortexT / Math.min(kidRx, kidRy)) return Tissue.KIDNEY_CORTEX;
                double ang = Math.atan2((z - kz) / kidRz, (y - kidY) / kidRy);
                return Math.cos(7 * ang) > -0.3 && rho > 0.35 ? Tissue.KIDNEY_MEDULLA : Tissue.KIDNEY_CORTEX;
            }
        }
        // perirenal fat keeps the kidneys apart from liver, spleen and bowel
        for (int side = -1; side <= 1; side += 2) {
            double kz = side > 0 ? kidZR : kidZL;
            if (ell(x, y, z, side * kidX, kidY, kz, kidRx + 8, kidRy + 8, kidRz + 8) <= 1) return Tissue.FAT;
        }
        // psoas grows towards the pelvis
        double pr = 6 + 0.14 * (diaZ - 40 - z);
        if (pr > 6) {
            pr = Math.min(pr, 22);
            for (int side = -1; side <= 1; side += 2) {
                double px = x - side * (vbR + pr * 0.8), py = y - (spineY + 2);
                if (px * px + py * py <= pr * pr) return Tissue.MUSCLE;
            }
        }
        if (ell(x, y, z, spleenX, spleenY, spleenZ, spleenRx, spleenRy, spleenRz) <= 1) return Tissue.SPLEEN;
        if (ell(x, y, z, liverX, liverY, liverZ, liverRx, liverRy, liverRz) <= 1 && x > -45 + 0.6 * (liverZ - z)) return Tissue.LIVER;
        double f = 0;
        for (double[] w : bowelWaves) f += Math.sin(w[0] * x + w[1] * y + w[2] * z + w[3]);
        return f / Math.sqrt(bowelWaves.length / 2.0) > bowelThreshold ? Tissue.BOWEL : Tissue.FAT;
    }

    /** Vertebral body, disc, posterior arch and canal; -1 if none. */
    private byte spine(double x, double y, double z) {
        double period = vertH + discH;
        double uz = ((z - vertPhase) % period + period) % period;
        boolean disc = uz < discH;
        double ex = x / (vbR * 1.15), ey = (y - spineY) / vbR;
        double e = ex * ex + ey * ey;
        if (e <= 1) {
            if (disc) return Tissue.DISC;
            double rim = 1 - 2.0 / vbR;
            boolean endplate = uz < discH + 1.5 || uz > period - 1.5;
            return e > rim * rim || endplate ? Tissue.BONE_CORTICAL : Tissue.BONE_CANCELLOUS;
        }
        double canalY = spineY - vbR - 8;
        double cx = x, cy = y - canalY;
        double rr = Math.sqrt(cx * cx + cy * cy);
        if (rr <= 7.5) return Tissue.CSF;
        if (disc) return -1;
        boolean arch = rr <= 13 && cy < 4;
        boolean spinous = Math.abs(x) < 3.5 && cy < 0 && cy > -36;
        boolean transverse = Math.abs(cy - 1) < 4 && Math.abs(x) < 34 && Math.abs(x) > 8;
        if (arch || spinous || transverse) return rr <= 11.5 && arch ? Tissue.BONE_CANCELLOUS : Tissue.BONE_CORTICAL;
        return -1;
    }

    /** Ribs: flattened tubes just inside the body wall that descend towards the front; -1 if none. */
    private byte rib(double x, double y, double z, double a, double b) {
        double dy = y - bodyCy;
        double theta = Math.atan2(dy, x);
        double psi = Math.acos(Math.max(-1, Math.min(1, -dy / Math.hypot(x, dy)))); // 0 at the back, pi at the front
        if (psi < 0.22 || psi > 2.35) return -1;
        double ra = a - fatT - muscleT * 0.5, rb = (dy < 0 ? 0.85 * b : b) - fatT - muscleT * 0.5;
        double c = Math.cos(theta), s = Math.sin(theta);
        double rPath = 1 / Math.sqrt(c * c / (ra * ra) + s * s / (rb * rb));
        double dr = Math.hypot(x, dy) - rPath;
        if (Math.abs(dr) > ribHalfW) return -1;
        double zr = z + ribDrop * psi / Math.PI - ribPhase;
        double n = Math.rint(zr / ribSpacing);
        double ribZ = n * ribSpacing + ribPhase - ribDrop * psi / Math.PI;
        if (ribZ < diaZ - 90) return -1;
        double dz = zr - n * ribSpacing;
        double q = (dr / ribHalfW) * (dr / ribHalfW) + (dz / ribHalfH) * (dz / ribHalfH);
        if (q > 1) return -1;
        return q > 0.45 ? Tissue.BONE_CORTICAL : Tissue.BONE_CANCELLOUS;
    }

    // ----------------------------------------------------------------- small vector helpers

    static double u(Random r, double lo, double hi) { return lo + (hi - lo) * r.nextDouble(); }

    static double[] normalize(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[]{v[0] / n, v[1] / n, v[2] / n};
    }

    static double[] perpendicular(double[] d, Random r) {
        double[] t = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        double dot = t[0] * d[0] + t[1] * d[1] + t[2] * d[2];
        double[] p = {t[0] - dot * d[0], t[1] - dot * d[1], t[2] - dot * d[2]};
        return normalize(p);
    }

    /** Rodrigues rotation of v about unit axis k by angle t. */
    static double[] rotate(double[] v, double[] k, double t) {
        double c = Math.cos(t), s = Math.sin(t);
        double dot = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
        double[] x = {k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]};
        return normalize(new double[]{v[0] * c + x[0] * s + k[0] * dot * (1 - c), v[1] * c + x[1] * s + k[1] * dot * (1 - c), v[2] * c + x[2] * s + k[2] * dot * (1 - c)});
    }
}
