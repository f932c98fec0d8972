package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.data.sampling.Batch;
import org.screener.data.sampling.CropPairSampler;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.train.StepFunction;

import java.util.Map;
import java.util.Random;

/**
 * One condition training step (method reference §3): as {@link DescriptorTraining}, but each view carries its
 * own block mask from the sampler; masked voxels are zeroed and the mask is the UNet's second input channel.
 * The two views of a pair are masked independently, so the embedding must agree between a view that sees a
 * voxel and one that does not. Batches come from the step's Random, so a resumed run repeats an
 * uninterrupted one (see {@link DescriptorTraining}).
 */
public final class ConditionTraining implements StepFunction {
    private final ConditionModel model;
    private final VolumeSource source;
    private final CropPairSampler sampler;
    private final ConditionConfig cfg;
    private final Backend be;

    public ConditionTraining(Backend be, ConditionModel model, VolumeSource source, ConditionConfig cfg) {
        if (source.size() == 0) throw new IllegalArgumentException("ConditionTraining: no training volumes");
        this.be = be;
        this.model = model;
        this.source = source;
        this.cfg = cfg.validate();
        this.sampler = new CropPairSampler(cfg.cropPairConfig());
    }

    /** The step's batch: m crop pairs drawn with a seed from {@code rnd}. */
    Batch batch(Random rnd) {
        return Batch.make(source, sampler, cfg.pairsPerBatch, rnd.nextLong(), 0);
    }

    /** Network input (2m, 2, D, H, W): view 1 of pair p is crop p, view 2 is crop m + p; channels (image·mask, mask). */
    Tensor input(Batch b) {
        int m = b.m();
        int[] shape = b.shape();
        int vox = shape[2] * shape[3] * shape[4];
        float[] img = new float[2 * m * vox], mask = new float[2 * m * vox];
        System.arraycopy(b.view1(), 0, img, 0, m * vox);
        System.arraycopy(b.view2(), 0, img, m * vox, m * vox);
        System.arraycopy(b.mask1(), 0, mask, 0, m * vox);
        System.arraycopy(b.mask2(), 0, mask, m * vox, m * vox);
        return Tensor.of(be, ConditionModel.input(img, mask, 2 * m, vox), 2 * m, 2, shape[2], shape[3], shape[4]);
    }

    @Override public Map<String, Double> step(long step, Random rnd) throws Exception {
        Batch b = batch(rnd);
        return DescriptorTraining.sslStep(model.forward(input(b)), b, model.head, cfg.objective());
    }
}
