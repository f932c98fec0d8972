package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Shapes;
import org.screener.data.sampling.Batch;
import org.screener.data.sampling.CropPairSampler;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.Module;
import org.screener.nn.ssl.DenseInfoNCE;
import org.screener.nn.ssl.DenseVICReg;
import org.screener.nn.train.StepFunction;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One descriptor training step (method reference §2.3): a batch of m crop pairs, the UNet on both views at
 * once (2m crops), the descriptors gathered at the n voxel correspondences of every pair (M = m·n rows per
 * view), the expander, and DenseVICReg over all M pairs; backward on the total.
 *
 * <p>The batch is built synchronously from the step's Random ({@code Batch.make} with a seed drawn from it)
 * rather than taken from a {@link org.screener.data.sampling.PrefetchLoader}: the step then depends on
 * (run seed, step) alone, so a resumed run sees exactly the batches of an uninterrupted one, with no loader
 * position to save or fast-forward. On two shared cores the UNet's forward/backward dominates the step, so
 * prefetching would buy little.
 */
public final class DescriptorTraining implements StepFunction {
    private final DescriptorModel model;
    private final VolumeSource source;
    private final CropPairSampler sampler;
    private final DescriptorConfig cfg;
    private final Backend be;

    public DescriptorTraining(Backend be, DescriptorModel model, VolumeSource source, DescriptorConfig cfg) {
        if (source.size() == 0) throw new IllegalArgumentException("DescriptorTraining: no training volumes");
        this.be = be;
        this.model = model;
        this.source = source;
        this.cfg = cfg.validate();
        this.sampler = new CropPairSampler(cfg.cropPairConfig());
    }

    @Override public Map<String, Double> step(long step, Random rnd) throws Exception {
        int m = cfg.pairsPerBatch;
        Batch b = Batch.make(source, sampler, m, rnd.nextLong(), 0);
        int[] shape = b.shape();
        int vox = shape[2] * shape[3] * shape[4];
        float[] both = new float[2 * m * vox];
        System.arraycopy(b.view1(), 0, both, 0, m * vox);
        System.arraycopy(b.view2(), 0, both, m * vox, m * vox);
        Tensor x = Tensor.of(be, both, 2 * m, 1, shape[2], shape[3], shape[4]);
        return sslStep(model.unet.forward(x), b, model.head, cfg.objective());
    }

    /**
     * The SSL loss on the embeddings y of a batch's 2m views (view 1 of pair p is crop p, view 2 crop m + p):
     * gathers the paired voxels, passes them through the head, back-propagates the loss and returns it (with
     * its three terms for VICReg). InfoNCE's negatives are all other sampled voxels of both views, of the same
     * and of the other crops. Public for {@code bench train-step}, which times exactly this step.
     */
    public static Map<String, Double> sslStep(Tensor y, Batch b, Module head, String objective) {
        int m = b.m();
        int[] shape = b.shape();
        int vox = shape[2] * shape[3] * shape[4], n = b.voxelsPerPair();
        int[] g1 = new int[m * n], g2 = new int[m * n];
        int[] i1 = b.idx1(), i2 = b.idx2();
        for (int p = 0; p < m; p++)
            for (int i = 0; i < n; i++) {
                g1[p * n + i] = i1[p * n + i] + p * vox;
                g2[p * n + i] = i2[p * n + i] + (m + p) * vox;
            }
        Tensor z1 = head.forward(Shapes.gatherVoxels(y, g1));
        Tensor z2 = head.forward(Shapes.gatherVoxels(y, g2));
        Map<String, Double> out = new LinkedHashMap<>();
        if (DescriptorConfig.INFONCE.equals(objective)) {
            Tensor loss = DenseInfoNCE.loss(z1, z2);
            loss.backward();
            out.put("loss", loss.itemDouble());
            return out;
        }
        Tensor inv = DenseVICReg.invariance(z1, z2);
        Tensor var = DenseVICReg.variance(z1).add(DenseVICReg.variance(z2)).mul(0.5f);
        Tensor cov = DenseVICReg.covariance(z1).add(DenseVICReg.covariance(z2)).mul(0.5f);
        Tensor loss = inv.mul(DenseVICReg.INVARIANCE_WEIGHT).add(var.mul(DenseVICReg.VARIANCE_WEIGHT))
                .add(cov.mul(DenseVICReg.COVARIANCE_WEIGHT));
        loss.backward();
        out.put("loss", loss.itemDouble());
        out.put("invariance", inv.itemDouble());
        out.put("variance", var.itemDouble());
        out.put("covariance", cov.itemDouble());
        return out;
    }
}
