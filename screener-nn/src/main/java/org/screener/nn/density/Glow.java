package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Activations;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Per-voxel Glow (method reference §4.2/§4.3): K steps of act-norm → invertible d×d 1×1×1 conv → affine coupling,
 * then a standard normal base. NLL = ½‖f(y)‖² + (d/2) log 2π − Σ log|det ∂f/∂y|.
 * <p>
 * With conditionChannels > 0 it is the conditional flow: the condition is concatenated to every coupling net's
 * input, and every act-norm's shift and log-scale get a 1×1×1 linear map of the condition (zero at the start)
 * added to their data-initialised per-channel values.
 */
public final class Glow extends DensityModel {
    /** One invertible step; forward returns {z, per-voxel log|det| (N, D, H, W)}. */
    public interface Step {
        Tensor[] forward(Tensor x, Tensor c);
        Tensor inverse(Tensor z, Tensor c);
    }

    private final List<Step> steps = new ArrayList<>();
    private final int hidden;

    /**
     * @param conditionChannels 0 for the unconditional flow
     * @param hidden            width of the coupling nets' two hidden 1×1×1 conv layers (512 in the released model)
     */
    public Glow(Backend backend, int channels, int conditionChannels, int numSteps, int hidden, Random rnd) {
        super(channels, conditionChannels);
        if (channels < 2 || numSteps < 1 || hidden < 1)
            throw new IllegalArgumentException("Glow: needs d >= 2, K >= 1, hidden >= 1; got d=" + channels + ", K=" + numSteps + ", hidden=" + hidden);
        this.hidden = hidden;
        for (int k = 0; k < numSteps; k++) {
            steps.add(new ActNorm(backend, "steps." + k + ".actnorm."));
            steps.add(new InvConv(backend, "steps." + k + ".invconv.", rnd));
            steps.add(new Coupling(backend, "steps." + k + ".coupling.", rnd));
        }
    }

    public List<Step> steps() { return Collections.unmodifiableList(steps); }

    /** z = f(y; c) and the summed per-voxel log|det|. */
    public Tensor[] forward(Tensor y, Tensor c) {
        checkInputs(y, c);
        Tensor z = y, logDet = null;
        for (Step s : steps) {
            Tensor[] r = s.forward(z, c);
            z = r[0];
            logDet = logDet == null ? r[1] : logDet.add(r[1]);
        }
        return new Tensor[]{z, logDet};
    }

    /** y = f⁻¹(z; c). */
    public Tensor inverse(Tensor z, Tensor c) {
        checkInputs(z, c);
        Tensor y = z;
        for (int i = steps.size() - 1; i >= 0; i--) y = steps.get(i).inverse(y, c);
        return y;
    }

    @Override public Tensor nll(Tensor y, Tensor c) {
        Tensor[] r = forward(y, c);
        Tensor half = Reductions.sum(r[0].square(), 1).mul(0.5f).add((float) (channels * HALF_LOG_2PI));
        return half.sub(r[1]);
    }

    private static Tensor channelVector(Tensor v, int d) { return Shapes.reshape(v, 1, d, 1, 1, 1); }

    /** 1×1×1 conv without bias, w (Cout, Cin). */
    private static Tensor pointwise(Tensor x, Tensor w) { return Linalg.perVoxelMatmul(w, x); }

    /**
     * Per-channel affine map z = (x + shift)·exp(logScale), initialised from the first batch it sees so that its
     * output has zero mean and unit std per channel (shift = −mean, logScale = −log(std + 1e-6)).
     */
    public final class ActNorm implements Step {
        private final Tensor shift, logScale, condWeight;
        private boolean initialized;

        ActNorm(Backend b, String prefix) {
            shift = param(prefix + "shift", Tensor.zeros(b, channels));
            logScale = param(prefix + "log_scale", Tensor.zeros(b, channels));
            condWeight = conditionChannels > 0 ? param(prefix + "cond.weight", Tensor.zeros(b, 2 * channels, conditionChannels)) : null;
        }

        public boolean isInitialized() { return initialized; }

        private void initFrom(Tensor x) {
            int n = x.dim(0), d = x.dim(1), v = x.dim(2) * x.dim(3) * x.dim(4);
            double[] a = x.toDoubleArray();
            double[] sh = new double[d], ls = new double[d];
            long count = (long) n * v;
            for (int j = 0; j < d; j++) {
                double s = 0, s2 = 0;
                for (int i = 0; i < n; i++) for (int p = 0; p < v; p++) s += a[(i * d + j) * v + p];
                double mean = s / count;
                for (int i = 0; i < n; i++) for (int p = 0; p < v; p++) { double t = a[(i * d + j) * v + p] - mean; s2 += t * t; }
                double std = count > 1 ? Math.sqrt(s2 / (count - 1)) : 0;   // torch.std's unbiased default
                sh[j] = -mean;
                ls[j] = -Math.log(std + 1e-6);
            }
            shift.assign(Tensor.ofDouble(shift.backend(), sh, d));
            logScale.assign(Tensor.ofDouble(logScale.backend(), ls, d));
            initialized = true;
        }

        /** {shift, logScale}, broadcastable to x. */
        private Tensor[] params(Tensor c) {
            Tensor sh = channelVector(shift, channels), ls = channelVector(logScale, channels);
            if (condWeight == null) return new Tensor[]{sh, ls};
            Tensor p = pointwise(c, condWeight);
            return new Tensor[]{sh.add(Shapes.slice(p, 1, 0, channels)), ls.add(Shapes.slice(p, 1, channels, 2 * channels))};
        }

        @Override public Tensor[] forward(Tensor x, Tensor c) {
            if (!initialized) initFrom(x);
            Tensor[] p = params(c);
            Tensor z = x.add(p[0]).mul(p[1].exp());
            Tensor ld = condWeight == null
                    ? Reductions.sum(logScale).add(Tensor.zeros(x.backend(), x.dim(0), x.dim(2), x.dim(3), x.dim(4)))
                    : Reductions.sum(p[1], 1);
            return new Tensor[]{z, ld};
        }

        @Override public Tensor inverse(Tensor z, Tensor c) {
            Tensor[] p = params(c);
            return z.mul(p[1].neg().exp()).sub(p[0]);
        }
    }

    /** Invertible channel mixing z = W·x with W a full d×d matrix, initialised to a random orthogonal one. */
    public final class InvConv implements Step {
        private final Tensor weight;

        InvConv(Backend b, String prefix, Random rnd) {
            weight = param(prefix + "weight", Tensor.ofDouble(b, randomOrthogonal(channels, rnd), channels, channels));
        }

        @Override public Tensor[] forward(Tensor x, Tensor c) {
            Tensor ld = Linalg.logAbsDet(weight).add(Tensor.zeros(x.backend(), x.dim(0), x.dim(2), x.dim(3), x.dim(4)));
            return new Tensor[]{Linalg.perVoxelMatmul(weight, x), ld};
        }

        @Override public Tensor inverse(Tensor z, Tensor c) {
            return Linalg.perVoxelMatmul(Linalg.inverse(weight), z);
        }
    }

    /**
     * Affine coupling: the first ⌊d/2⌋ channels (and the condition) feed a 1×1×1 conv net
     * (→ hidden → ReLU → hidden → ReLU → 2·rest, last layer zero) giving raw scale and shift for the rest:
     * z_b = (x_b + shift)·sigmoid(raw + 2).
     */
    public final class Coupling implements Step {
        private final int half = channels / 2, rest = channels - channels / 2;
        private final Tensor w1, b1, w2, b2, w3, b3;

        Coupling(Backend b, String prefix, Random rnd) {
            int in = half + conditionChannels;
            w1 = param(prefix + "net.0.weight", uniformInit(b, rnd, in, hidden, in));
            b1 = param(prefix + "net.0.bias", uniformInit(b, rnd, in, hidden));
            w2 = param(prefix + "net.2.weight", uniformInit(b, rnd, hidden, hidden, hidden));
            b2 = param(prefix + "net.2.bias", uniformInit(b, rnd, hidden, hidden));
            w3 = param(prefix + "net.4.weight", Tensor.zeros(b, 2 * rest, hidden));
            b3 = param(prefix + "net.4.bias", Tensor.zeros(b, 2 * rest));
        }

        /** {raw + 2, shift} for the second half. */
        private Tensor[] scaleShift(Tensor xa, Tensor c) {
            Tensor in = conditionChannels > 0 ? Shapes.concat(1, xa, c) : xa;
            Tensor h = Activations.relu(pointwise(in, w1).add(channelVector(b1, hidden)));
            h = Activations.relu(pointwise(h, w2).add(channelVector(b2, hidden)));
            Tensor out = pointwise(h, w3).add(channelVector(b3, 2 * rest));
            return new Tensor[]{Shapes.slice(out, 1, 0, rest).add(2f), Shapes.slice(out, 1, rest, 2 * rest)};
        }

        @Override public Tensor[] forward(Tensor x, Tensor c) {
            Tensor xa = Shapes.slice(x, 1, 0, half), xb = Shapes.slice(x, 1, half, channels);
            Tensor[] ss = scaleShift(xa, c);
            Tensor zb = xb.add(ss[1]).mul(Activations.sigmoid(ss[0]));
            Tensor ld = Reductions.sum(Activations.logSigmoid(ss[0]), 1);
            return new Tensor[]{Shapes.concat(1, xa, zb), ld};
        }

        @Override public Tensor inverse(Tensor z, Tensor c) {
            Tensor za = Shapes.slice(z, 1, 0, half), zb = Shapes.slice(z, 1, half, channels);
            Tensor[] ss = scaleShift(za, c);
            Tensor xb = zb.div(Activations.sigmoid(ss[0])).sub(ss[1]);
            return Shapes.concat(1, za, xb);
        }
    }

    /** Q of the QR decomposition of a Gaussian matrix (modified Gram–Schmidt on the columns), row-major d×d. */
    static double[] randomOrthogonal(int d, Random rnd) {
        double[][] col = new double[d][d];
        for (int j = 0; j < d; j++) for (int i = 0; i < d; i++) col[j][i] = rnd.nextGaussian();
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += col[j][i] * col[k][i];
                for (int i = 0; i < d; i++) col[j][i] -= dot * col[k][i];
            }
            double nrm = 0;
            for (int i = 0; i < d; i++) nrm += col[j][i] * col[j][i];
            nrm = Math.sqrt(nrm);
            for (int i = 0; i < d; i++) col[j][i] /= nrm;
        }
        double[] q = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) q[i * d + j] = col[j][i];
        return q;
    }
}
