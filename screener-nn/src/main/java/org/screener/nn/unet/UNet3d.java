package org.screener.nn.unet;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.ops.Shapes;
import org.screener.core.ops.Spatial;
import org.screener.nn.Init;
import org.screener.nn.Module;
import org.screener.nn.layers.Conv3d;
import org.screener.nn.layers.ResBlock;
import org.screener.nn.layers.Sequential;

import java.util.Random;

/**
 * The medimm-style 3D UNet of Screener's descriptor model (method notes §2.2) with an FPN-like linear head.
 * <ul>
 * <li>{@code stem}: 3×3×3 conv, in → C0.
 * <li>{@code enc.i}: for i > 0 a stride-2 2×2×2 conv {@code down} (C(i-1) → Ci), then {@code block}: Ni residual blocks.
 * <li>{@code dec.i} (i below the bottleneck): ×2 nearest upsampling of the coarser feature, crop/replicate-pad to the
 * skip's size, concat [upsampled, skip], 1×1×1 conv {@code fuse} back to Ci, then {@code block} as deep as enc.i.
 * <li>{@code head.i}: a 1×1×1 conv Ci → d per level (bottleneck included). From the coarsest, the running sum is
 * upsampled ×2 (trilinear), cropped/padded and added to the next finer projection, down to full resolution.
 * </ul>
 * Output: (N, d, D, H, W) at the input's spatial size. Any input size of at least 2^(L-1) per axis works.
 */
public final class UNet3d extends Module {
    public final UNet3dConfig config;
    private final Conv3d stem;
    private final Level[] enc, dec;
    private final Conv3d[] head;

    /** One resolution level: optional down/fuse conv, then residual blocks. */
    static final class Level extends Module {
        final Conv3d entry; // down (encoder) or fuse (decoder); null at encoder level 0
        final Sequential block;

        Level(Backend be, String entryName, Conv3d entry, int channels, int nBlocks, Random rnd) {
            this.entry = entry == null ? null : registerModule(entryName, entry);
            this.block = registerModule("block", new Sequential());
            for (int b = 0; b < nBlocks; b++) block.add(new ResBlock(be, channels, rnd));
        }

        @Override public Tensor forward(Tensor x) { return block.forward(entry == null ? x : entry.forward(x)); }
    }

    public UNet3d(UNet3dConfig config, Random rnd) { this(Backends.getDefault(), config, rnd); }

    public UNet3d(Backend be, UNet3dConfig config, Random rnd) {
        this.config = config.validate();
        int L = config.levels();
        int[] c = config.channels;
        stem = registerModule("stem", conv(be, config.inChannels, c[0], 3, 1, 1, rnd));
        Sequential encList = registerModule("enc", new Sequential());
        enc = new Level[L];
        for (int i = 0; i < L; i++) {
            Conv3d down = i == 0 ? null : conv(be, c[i - 1], c[i], 2, 2, 0, rnd);
            enc[i] = new Level(be, "down", down, c[i], config.blocks[i], rnd);
            encList.add(enc[i]);
        }
        Sequential decList = registerModule("dec", new Sequential());
        dec = new Level[Math.max(0, L - 1)];
        for (int i = 0; i < L - 1; i++) {
            dec[i] = new Level(be, "fuse", conv(be, c[i + 1] + c[i], c[i], 1, 1, 0, rnd), c[i], config.blocks[i], rnd);
            decList.add(dec[i]);
        }
        Sequential headList = registerModule("head", new Sequential());
        head = new Conv3d[L];
        long sumC = 0;
        for (int ci : c) sumC += ci;
        double bound = Math.sqrt(1.0 / sumC);
        for (int i = 0; i < L; i++) {
            head[i] = conv(be, c[i], config.outChannels, 1, 1, 0, rnd);
            Init.uniform(head[i].weight, bound, rnd);
            Init.zeros(head[i].bias);
            headList.add(head[i]);
        }
    }

    private static Conv3d conv(Backend be, int cin, int cout, int k, int stride, int pad, Random rnd) {
        return new Conv3d(be, cin, cout, new int[]{k, k, k}, new int[]{stride, stride, stride}, new int[]{pad, pad, pad},
                new int[]{1, 1, 1}, 1, true, rnd);
    }

    /** The head's 1×1×1 projections, finest first (e.g. to zero-initialise or re-initialise them). */
    public Conv3d headProjection(int level) { return head[level]; }

    @Override public Tensor forward(Tensor x) {
        int L = config.levels();
        if (x.rank() != 5 || x.dim(1) != config.inChannels)
            throw new IllegalArgumentException("UNet3d: input " + Shape.str(x.shape()) + " is not (N, " + config.inChannels + ", D, H, W)");
        for (int a = 2; a < 5; a++)
            if (x.dim(a) < config.minInputSize())
                throw new IllegalArgumentException("UNet3d: input " + Shape.str(x.shape()) + " has a spatial axis below "
                        + config.minInputSize() + " voxels, the minimum for " + L + " levels");
        Tensor[] skips = new Tensor[L];
        Tensor h = stem.forward(x);
        for (int i = 0; i < L; i++) {
            h = enc[i].forward(h);
            skips[i] = h;
        }
        Tensor[] feats = new Tensor[L];
        feats[L - 1] = h;
        for (int i = L - 2; i >= 0; i--) {
            Tensor up = Shapes.cropOrPad(Spatial.upsampleNearest(h, 2), spatial(skips[i]));
            h = dec[i].forward(Shapes.concat(1, up, skips[i]));
            feats[i] = h;
        }
        Tensor s = head[L - 1].forward(feats[L - 1]);
        for (int i = L - 2; i >= 0; i--) {
            Tensor up = Shapes.cropOrPad(Spatial.upsampleTrilinear(s, 2), spatial(feats[i]));
            s = up.add(head[i].forward(feats[i]));
        }
        return s;
    }

    private static int[] spatial(Tensor t) { return new int[]{t.dim(2), t.dim(3), t.dim(4)}; }

    /** Parameter count of a config, from the architecture alone (no allocation). */
    public static long countParameters(UNet3dConfig cfg) {
        int L = cfg.levels();
        int[] c = cfg.channels;
        long n = convParams(cfg.inChannels, c[0], 27);
        for (int i = 0; i < L; i++) {
            long block = 2 * convParams(c[i], c[i], 27) + c[i] /* bias */ + 4L * c[i] /* norms */ + c[i] /* layer scale */;
            n += cfg.blocks[i] * block * (i < L - 1 ? 2 : 1);
            if (i > 0) n += convParams(c[i - 1], c[i], 8);
            if (i < L - 1) n += convParams(c[i + 1] + c[i], c[i], 1);
            n += convParams(c[i], cfg.outChannels, 1);
        }
        return n;
    }

    private static long convParams(long cin, long cout, long k) { return cin * cout * k + cout; }

}
