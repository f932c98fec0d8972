package org.screener.pipeline;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.data.Volume;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.density.DensityModel;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The per-step Gaussian noise is drawn on the backend from one long of the step's Random. */
class DensityTrainingNoiseTest {
    private final Backend be = Backends.getDefault();

    /** A Random that counts how the step uses it. */
    static final class Counting extends Random {
        int longs, gaussians;
        Counting(long seed) { super(seed); }
        @Override public long nextLong() { longs++; return super.nextLong(); }
        @Override public synchronized double nextGaussian() { gaussians++; return super.nextGaussian(); }
    }

    private double step(FeatureCache fc, SinCosPosition cond, DensityConfig d, Random rnd) throws Exception {
        DensityModel m = DensityTraining.newModel(be, d, 4, cond.channels(), new Random(5));
        return new DensityTraining(be, fc, cond, m, d).step(0, rnd).get("loss");
    }

    @Test void noiseComesFromOneSeedAndIsReproducible() throws Exception {
        Random r = new Random(3);
        UNet3d unet = new UNet3d(be, new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 4), r);
        DensityConfig d = DensityConfig.cpuSmall();
        d.kind = DensityConfig.GAUSSIAN;
        d.condition = DensityConfig.SINCOS;
        d.sincosFrequencies = 1;
        d.cropSize = new int[]{12, 12, 8};
        d.poolStride = new int[]{3, 3, 2};
        d.gaussianHidden = 4;
        d.noiseStd = 0.1;
        float[] img = new float[8 * 12 * 12];
        for (int j = 0; j < img.length; j++) img[j] = r.nextFloat();
        Volume v = Volume.ofFloats(12, 12, 8, img, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{1, 1, 1}, new double[3]));
        VolumeSource src = VolumeSource.of(List.of(v), List.of("a"));
        SinCosPosition cond = new SinCosPosition(1);
        FeatureCache fc = FeatureCache.build(unet, List.of(cond), src, d.cropDHW(), d.poolDHW(), be, null);

        Counting rnd = new Counting(9);
        double noisy = step(fc, cond, d, rnd);
        assertEquals(1, rnd.longs, "one seed for the backend's generator");
        assertEquals(0, rnd.gaussians, "no noise drawn on the host");
        assertEquals(noisy, step(fc, cond, d, new Random(9)), 0.0, "same Random, same noise, same loss");
        assertNotEquals(noisy, step(fc, cond, d, new Random(10)), "another seed, other noise");
        d.noiseStd = 0;
        Counting quiet = new Counting(9);
        assertNotEquals(noisy, step(fc, cond, d, quiet), "the noise reaches the loss");
        assertEquals(0, quiet.longs, "no seed drawn without noise (the batch draws are as before)");
    }
}
