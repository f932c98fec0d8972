package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Activations;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;
import org.screener.nn.Init;
import org.screener.nn.Module;
import org.screener.nn.Parameter;
import org.screener.nn.layers.Activation;
import org.screener.nn.layers.Sequential;

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
 * <p>
 * Parameter names: steps.{k}.actnorm.{shift, log_scale, initialized (buffer), cond.weight},
 * steps.{k}.invconv.weight, steps.{k}.coupling.net.{0,2,4}.{weight, bias}; 1×1×1 conv weights are (out, in, 1, 1, 1).
 */
public final class Glow extends DensityModel {
    /** One invertible step; forward returns {z, per-voxel log|det| (N, D, H, W)}. */
    public abstract static class Step extends Module {
        public abstract Tensor[] forward(Tensor x, Tensor c);
        public abstract Tensor inverse(Tensor z, Tensor c);
        /** z of an unconditional step. */
        @Override public Tensor forward(Tensor x) { return forward(x, null)[0]; }
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
        Container all = registerModule("steps", new Container());
        for (int k = 0; k < numSteps; k++) {
            Container step = all.add(Integer.toString(k), new Container());
            steps.add(step.add("actnorm", new ActNorm(backend)));
            steps.add(step.add("invconv", new InvConv(backend, rnd)));
            steps.add(step.add("coupling", new Coupling(backend, rnd)));
        }
    }

    /** All steps in application order (act-norm, invertible conv, coupling, act-norm, ...). */
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

    /** Without autograd on the CPU backend, the fused {@link GlowCpu} kernel (same math, one pass per voxel block). */
    @Override public Tensor nll(Tensor y, Tensor c) {
        if (GlowCpu.applies(this, y, c)) return GlowCpu.nll(this, y, c);
        return nllOps(y, c);
    }

    /** The NLL composed of tensor ops (differentiable; the definition {@link GlowCpu} is tested against). */
    public Tensor nllOps(Tensor y, Tensor c) {
        Tensor[] r = forward(y, c);
        Tensor half = Reductions.sum(r[0].square(), 1).mul(0.5f).add((float) (channels * HALF_LOG_2PI));
        return half.sub(r[1]);
    }

    private static Tensor channelVector(Tensor v, int d) { return Shapes.reshape(v, 1, d, 1, 1, 1); }

    private Tensor zerosPerVoxel(Tensor x) { return Tensor.zeros(x.backend(), x.dim(0), x.dim(2), x.dim(3), x.dim(4)); }

    /** Named holder of sub-modules (no computation of its own). */
    private static final class Container extends Module {
        <M extends Module> M add(String name, M m) { return registerModule(name, m); }
        @Override public Tensor forward(Tensor x) { throw new UnsupportedOperationException("Glow: a step container has no forward"); }
    }

    /** 1×1×1 conv as a per-voxel matrix product; weight (out, in, 1, 1, 1) as PyTorch's Conv3d. */
    private static final class Pointwise extends Module {
        final int in, out;
        final Parameter weight, bias;

        Pointwise(Backend b, int in, int out, boolean bias, boolean zero, Random rnd) {
            this.in = in;
            this.out = out;
            weight = registerParameter("weight", Tensor.zeros(b, out, in, 1, 1, 1));
            this.bias = bias ? registerParameter("bias", Tensor.zeros(b, out)) : null;
            if (!zero) {   // PyTorch's default conv init
                Init.uniform(weight, 1 / Math.sqrt(in), rnd);
                if (bias) Init.uniform(this.bias, 1 / Math.sqrt(in), rnd);
            }
        }

        @Override public Tensor forward(Tensor x) {
            Tensor y = Linalg.perVoxelMatmul(Shapes.reshape(weight.tensor(), out, in), x);
            return bias == null ? y : y.add(channelVector(bias.tensor(), out));
        }
    }

    /**
     * Per-channel affine map z = (x + shift)·exp(logScale), initialised from the first batch it sees so that its
     * output has zero mean and unit std per channel (shift = −mean, logScale = −log(std + 1e-6)). The
     * "initialized" buffer travels with checkpoints.
     */
    public final class ActNorm extends Step {
        private final Parameter shift, logScale;
        private final Pointwise cond;

        ActNorm(Backend b) {
            shift = registerParameter("shift", Tensor.zeros(b, channels));
            logScale = registerParameter("log_scale", Tensor.zeros(b, channels));
            registerBuffer("initialized", Tensor.zeros(b, 1));
            cond = conditionChannels > 0 ? registerModule("cond", new Pointwise(b, conditionChannels, 2 * channels, false, true, null)) : null;
        }

        public boolean isInitialized() { return buffer("initialized").item() != 0; }

        private void initFrom(Tensor x) {
            int d = x.dim(1);
            double[][] mv = channelMoments(x);
            double[] sh = new double[d], ls = new double[d];
            for (int j = 0; j < d; j++) {
                sh[j] = -mv[0][j];
                ls[j] = -Math.log(Math.sqrt(mv[1][j]) + 1e-6);
            }
            shift.tensor().assign(Tensor.ofDouble(x.backend(), sh, d));
            logScale.tensor().assign(Tensor.ofDouble(x.backend(), ls, d));
            buffer("initialized").assign(Tensor.full(x.backend(), 1f, 1));
        }

        /** {shift, logScale}, broadcastable to x. */
        private Tensor[] params(Tensor c) {
            Tensor sh = channelVector(shift.tensor(), channels), ls = channelVector(logScale.tensor(), channels);
            if (cond == null) return new Tensor[]{sh, ls};
            Tensor p = cond.forward(c);
            return new Tensor[]{sh.add(Shapes.slice(p, 1, 0, channels)), ls.add(Shapes.slice(p, 1, channels, 2 * channels))};
        }

        @Override public Tensor[] forward(Tensor x, Tensor c) {
            if (!isInitialized()) initFrom(x);
            Tensor[] p = params(c);
            Tensor z = x.add(p[0]).mul(p[1].exp());
            Tensor ld = cond == null ? Reductions.sum(logScale.tensor()).add(zerosPerVoxel(x)) : Reductions.sum(p[1], 1);
            return new Tensor[]{z, ld};
        }

        @Override public Tensor inverse(Tensor z, Tensor c) {
            Tensor[] p = params(c);
            return z.mul(p[1].neg().exp()).sub(p[0]);
        }
    }

    /** Invertible channel mixing z = W·x with W a full d×d matrix, initialised to a random orthogonal one. */
    public final class InvConv extends Step {
        private final Parameter weight;

        InvConv(Backend b, Random rnd) {
            weight = registerParameter("weight", Tensor.ofDouble(b, randomOrthogonal(channels, rnd), channels, channels));
        }

        @Override public Tensor[] forward(Tensor x, Tensor c) {
            Tensor w = weight.tensor();
            return new Tensor[]{Linalg.perVoxelMatmul(w, x), Linalg.logAbsDet(w).add(zerosPerVoxel(x))};
        }

        @Override public Tensor inverse(Tensor z, Tensor c) {
            return Linalg.perVoxelMatmul(Linalg.inverse(weight.tensor()), z);
        }
    }

    /**
     * Affine coupling: the first ⌊d/2⌋ channels (and the condition) feed a 1×1×1 conv net
     * (→ hidden → ReLU → hidden → ReLU → 2·rest, last layer zero) giving raw scale and shift for the rest:
     * z_b = (x_b + shift)·sigmoid(raw + 2).
     */
    public final class Coupling extends Step {
        private final int half = channels / 2, rest = channels - channels / 2;
        private final Sequential net;

        Coupling(Backend b, Random rnd) {
            int in = half + conditionChannels;
            net = registerModule("net", new Sequential(
                    new Pointwise(b, in, hidden, true, false, rnd), Activation.relu(),
                    new Pointwise(b, hidden, hidden, true, false, rnd), Activation.relu(),
                    new Pointwise(b, hidden, 2 * rest, true, true, rnd)));
        }

        /** {raw + 2, shift} for the second half. */
        private Tensor[] scaleShift(Tensor xa, Tensor c) {
            Tensor out = net.forward(conditionChannels > 0 ? Shapes.concat(1, xa, c) : xa);
            return new Tensor[]{Shapes.slice(out, 1, 0, rest).add(2f), Shapes.slice(out, 1, rest, 2 * rest)};
        }

        @Override public Tensor[] forward(Tensor x, Tensor c) {
            Tensor xa = Shapes.slice(x, 1, 0, half), xb = Shapes.slice(x, 1, half, channels);
            Tensor[] ss = scaleShift(xa, c);
            Tensor zb = xb.add(ss[1]).mul(Activations.sigmoid(ss[0]));
            return new Tensor[]{Shapes.concat(1, xa, zb), Reductions.sum(Activations.logSigmoid(ss[0]), 1)};
        }

        @Override public Tensor inverse(Tensor z, Tensor c) {
            Tensor za = Shapes.slice(z, 1, 0, half), zb = Shapes.slice(z, 1, half, channels);
            Tensor[] ss = scaleShift(za, c);
            return Shapes.concat(1, za, zb.div(Activations.sigmoid(ss[0])).sub(ss[1]));
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
