package org.screener.bench;

import java.util.SplittableRandom;
import org.screener.data.Volume;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.data.preprocess.Preprocessed;
import org.screener.data.preprocess.Preprocessor;

/**
 * Preprocessing of a synthetic 512×512×400 int16 CT (0.7×0.7×1.25 mm, body ellipsoid in air) and the inverse
 * mapping of a map back to it: wall time per stage and heap used. Run with a small heap (e.g. -Xmx1g) to
 * check that no stage needs more than a few volume-sized buffers. Args: [nx ny nz].
 */
public final class PreprocessQuickBench {
    public static void main(String[] args) {
        int nx = args.length > 0 ? Integer.parseInt(args[0]) : 512, ny = args.length > 1 ? Integer.parseInt(args[1]) : 512,
                nz = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        double[] sp = {0.7, 0.7, 1.25};
        short[] d = new short[nx * ny * nz];
        SplittableRandom r = new SplittableRandom(1);
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) {
            double ex = (x - nx / 2.0) / (nx * 0.42), ey = (y - ny / 2.0) / (ny * 0.3);
            boolean body = ex * ex + ey * ey < 1;
            d[(z * ny + y) * nx + x] = (short) (body ? 40 + 300 * Math.sin(x * 0.05) * Math.cos(y * 0.04 + z * 0.03) + r.nextInt(40) : -1000 + r.nextInt(30));
        }
        Volume v = Volume.ofShorts(nx, ny, nz, d, sp, Volume.diagonalAffine(sp, null));
        System.out.println("input " + v + ", " + (v.size() * 2 >> 20) + " MiB; max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        for (int rep = 0; rep < 2; rep++) {
            System.gc();
            long t0 = System.nanoTime();
            Preprocessed p = Preprocessor.run(v, null, PreprocessConfig.defaults());
            long t1 = System.nanoTime();
            float[] back = p.geometry().toOriginal(p.image().floats(), 0f);
            long t2 = System.nanoTime();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("run %d: preprocess %.2f s -> %s; inverse map %.2f s (%d voxels); heap used %d MiB%n", rep,
                    (t1 - t0) / 1e9, p.geometry(), (t2 - t1) / 1e9, back.length, (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
    }
}
