package org.screener.data.sampling;

import java.util.SplittableRandom;
import org.screener.data.Volume;

/**
 * Dense-SSL positive-pair sampler (method doc §2.5): shared random flips and axial 90° rotations; two
 * overlapping crops of random physical size, each resized (trilinear) to the crop shape; n voxel positions in
 * the overlap mapped into both crops; per-view colour augmentation and block mask. All randomness comes from
 * the generator passed in, so a seed fixes the result.
 *
 * <p>Resize convention (align-corners off): crop voxel o covers source voxels [lo + o·s/out, lo + (o+1)·s/out)
 * and samples at lo + (o + ½)·s/out − ½; source voxel p falls in crop voxel floor((p − lo + ½)·out/s), whose
 * centre is within ½·s/out source voxels of p.
 */
public final class CropPairSampler {
    private final CropPairConfig cfg;

    public CropPairSampler(CropPairConfig cfg) {
        cfg.validate();
        this.cfg = cfg;
    }

    public CropPairConfig config() { return cfg; }

    public CropPair sample(Volume vol, SplittableRandom rng) {
        int[] out = cfg.cropSize;
        int[] src = vol.dims();
        double[] srcSp = vol.spacing();
        for (int a = 0; a < 3; a++) srcSp[a] = Math.abs(srcSp[a]);

        boolean fx = rng.nextDouble() < cfg.flipProb, fy = rng.nextDouble() < cfg.flipProb, fz = rng.nextDouble() < cfg.flipProb;
        int k = cfg.rotate90 ? rng.nextInt(4) : 0;
        AxisTransform tr = new AxisTransform(src, fx, fy, fz, k);
        int[] dims = tr.dims();
        double[] sp = tr.spacing(srcSp);

        int[] size1 = new int[3], size2 = new int[3];
        for (int v = 0; v < 2; v++) {
            int[] size = v == 0 ? size1 : size2;
            for (int a = 0; a < 3; a++) {
                double s = ColorAugment.uniform(rng, cfg.minSpacing[a], cfg.maxSpacing[a]);
                s = Math.min(s, dims[a] * sp[a] / out[a]);
                size[a] = (int) Math.max(1, Math.min(dims[a], Math.round(out[a] * s / sp[a])));
            }
        }
        int[] lo1 = new int[3], lo2 = new int[3], ovLo = new int[3], ovHi = new int[3];
        for (int a = 0; a < 3; a++) {
            int s1 = size1[a], s2 = size2[a], small = Math.min(s1, s2);
            double frac = ColorAugment.uniform(rng, cfg.minOverlap, cfg.maxOverlap);
            int ov = (int) Math.max(1, Math.round(frac * small));
            ov = Math.min(small, Math.max(ov, s1 + s2 - dims[a]));   // the union must fit in the volume
            int box = s1 + s2 - ov;
            int start = rng.nextInt(dims[a] - box + 1);
            if (rng.nextBoolean()) { lo1[a] = start; lo2[a] = start + box - s2; }
            else { lo2[a] = start; lo1[a] = start + box - s1; }
            ovLo[a] = Math.max(lo1[a], lo2[a]);
            ovHi[a] = Math.min(lo1[a] + s1, lo2[a] + s2);
        }

        int n = cfg.nVoxels;
        int[] pts = new int[3 * n], idx1 = new int[n], idx2 = new int[n];
        for (int i = 0; i < n; i++) {
            int[] o1 = new int[3], o2 = new int[3];
            for (int a = 0; a < 3; a++) {
                int p = ovLo[a] + rng.nextInt(ovHi[a] - ovLo[a]);
                pts[3 * i + a] = p;
                o1[a] = cropIndex(p, lo1[a], size1[a], out[a]);
                o2[a] = cropIndex(p, lo2[a], size2[a], out[a]);
            }
            idx1[i] = (o1[2] * out[1] + o1[1]) * out[0] + o1[0];
            idx2[i] = (o2[2] * out[1] + o2[1]) * out[0] + o2[0];
        }

        float[] data = vol.floats();
        float[] view1 = extract(data, src, tr, lo1, size1, out);
        float[] view2 = extract(data, src, tr, lo2, size2, out);
        double[] sp1 = new double[3], sp2 = new double[3];
        for (int a = 0; a < 3; a++) { sp1[a] = size1[a] * sp[a] / out[a]; sp2[a] = size2[a] * sp[a] / out[a]; }
        if (cfg.colorAugment) {
            ColorAugment.apply(view1, out[0], out[1], out[2], sp1, cfg, rng);
            ColorAugment.apply(view2, out[0], out[1], out[2], sp2, cfg, rng);
        }
        float[] m1 = BlockMask.draw(out, cfg.maskBlock, cfg.maskRatio, cfg.maskProb, rng);
        float[] m2 = BlockMask.draw(out, cfg.maskBlock, cfg.maskRatio, cfg.maskProb, rng);
        return new CropPair(view1, view2, idx1, idx2, m1, m2,
                new CropPair.Geometry(tr, lo1, size1, lo2, size2, ovLo, ovHi, sp1, sp2, pts));
    }

    /** Crop voxel containing source voxel p (see the class comment). */
    static int cropIndex(int p, int lo, int size, int out) {
        int o = (int) Math.floor((p - lo + 0.5) * out / size);
        return Math.max(0, Math.min(out - 1, o));
    }

    /** Trilinear resize of the box [lo, lo + size) of the transformed volume to {@code out} voxels. */
    static float[] extract(float[] data, int[] src, AxisTransform tr, int[] lo, int[] size, int[] out) {
        int[] stride = {1, src[0], src[0] * src[1]};
        int[][] off0 = new int[3][], off1 = new int[3][];
        float[][] w = new float[3][];
        for (int a = 0; a < 3; a++) {
            int sa = tr.axis[a], n = src[sa];
            off0[a] = new int[out[a]]; off1[a] = new int[out[a]]; w[a] = new float[out[a]];
            double scale = (double) size[a] / out[a];
            for (int o = 0; o < out[a]; o++) {
                double t = lo[a] + (o + 0.5) * scale - 0.5;
                double s = tr.flip[a] ? n - 1 - t : t;
                s = Math.min(Math.max(s, 0), n - 1);
                int i0 = (int) Math.floor(s), i1 = Math.min(i0 + 1, n - 1);
                off0[a][o] = i0 * stride[sa]; off1[a][o] = i1 * stride[sa]; w[a][o] = (float) (s - i0);
            }
        }
        int ox = out[0], oy = out[1], oz = out[2];
        float[] dst = new float[ox * oy * oz];
        int[] x0 = off0[0], x1 = off1[0];
        float[] wx = w[0];
        for (int z = 0; z < oz; z++) {
            int z0 = off0[2][z], z1 = off1[2][z];
            float wz = w[2][z];
            for (int y = 0; y < oy; y++) {
                int b00 = z0 + off0[1][y], b01 = z0 + off1[1][y], b10 = z1 + off0[1][y], b11 = z1 + off1[1][y];
                float wy = w[1][y];
                int d = (z * oy + y) * ox;
                for (int x = 0; x < ox; x++) {
                    int a0 = x0[x], a1 = x1[x];
                    float fx = wx[x];
                    float c00 = data[b00 + a0] + fx * (data[b00 + a1] - data[b00 + a0]);
                    float c01 = data[b01 + a0] + fx * (data[b01 + a1] - data[b01 + a0]);
                    float c10 = data[b10 + a0] + fx * (data[b10 + a1] - data[b10 + a0]);
                    float c11 = data[b11 + a0] + fx * (data[b11 + a1] - data[b11 + a0]);
                    float c0 = c00 + wy * (c01 - c00), c1 = c10 + wy * (c11 - c10);
                    dst[d + x] = c0 + wz * (c1 - c0);
                }
            }
        }
        return dst;
    }
}
