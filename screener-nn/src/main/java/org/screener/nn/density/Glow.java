package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Storage;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ext.DensityExtension;
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

    /**
     * Without autograd, on a backend that offers {@link DensityExtension}, its fused kernel (same math, e.g. one
     * pass per voxel block on the CPU); otherwise, or while an act-norm still waits for its first batch, the
     * op-composed {@link #nllOps}.
     */
    @Override public Tensor nll(Tensor y, Tensor c) {
        if (!Autograd.isEnabled() && allInitialized()) {
            DensityExtension ext = y.backend().extension(DensityExtension.class);
            if (ext != null) return fusedNll(ext, y, c);
        }
        return nllOps(y, c);
    }

    /** Whether every act-norm has had its data-dependent initialisation (a Java-side flag: no backend read). */
    public boolean allInitialized() {
        for (Step s : steps) if (s instanceof ActNorm && !((ActNorm) s).isInitialized()) return false;
        return true;
    }

    /** The NLL by {@code ext}'s fused kernel; the caller makes sure autograd is off and every act-norm is initialised. */
    Tensor fusedNll(DensityExtension ext, Tensor y, Tensor c) {
        checkInputs(y, c);
        Tensor out = Tensor.zeros(y.backend(), y.dim(0), y.dim(2), y.dim(3), y.dim(4));
        ext.glowNll(fusedWeights(), y.storage(), c == null ? null : c.storage(), y.dim(0), (long) y.dim(2) * y.dim(3) * y.dim(4), out.storage());
        return out;
    }

    /**
     * The weights as {@link DensityExtension.GlowWeights}: the parameters' own storages (nothing is read to the
     * host) and each invertible conv's log|det| as a one-element tensor of the backend.
     */
    DensityExtension.GlowWeights fusedWeights() {
        int k = steps.size() / 3;
        Storage[] sh = new Storage[k], ls = new Storage[k], cw = conditionChannels > 0 ? new Storage[k] : null, inv = new Storage[k],
                lad = new Storage[k], w1 = new Storage[k], b1 = new Storage[k], w2 = new Storage[k], b2 = new Storage[k],
                w3 = new Storage[k], b3 = new Storage[k];
        try (Autograd.Scope g = Autograd.noGrad()) {
            for (int i = 0; i < k; i++) {
                ActNorm a = (ActNorm) steps.get(3 * i);
                InvConv ic = (InvConv) steps.get(3 * i + 1);
                Coupling cp = (Coupling) steps.get(3 * i + 2);
                sh[i] = a.shift.tensor().storage();
                ls[i] = a.logScale.tensor().storage();
                if (cw != null) cw[i] = a.cond.weight.tensor().storage();
                inv[i] = ic.weight.tensor().storage();
                lad[i] = Linalg.logAbsDet(ic.weight.tensor()).storage();
                w1[i] = cp.l1.weight.tensor().storage();
                b1[i] = cp.l1.bias.tensor().storage();
                w2[i] = cp.l2.weight.tensor().storage();
                b2[i] = cp.l2.bias.tensor().storage();
                w3[i] = cp.l3.weight.tensor().storage();
                b3[i] = cp.l3.bias.tensor().storage();
            }
        }
        return new DensityExtension.GlowWeights(channels, conditionChannels, hidden, k, sh, ls, cw, inv, lad, w1, b1, w2, b2, w3, b3);
    }

    /** The NLL composed of tensor ops (differentiable; the definition the fused kernels are tested against). */
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
     * "initialized" buffer travels with checkpoints; a Java-side mirror of it answers {@link #isInitialized}, so a
     * forward reads nothing from the backend. The one host read left is the initialisation itself (the first
     * batch's channel moments, once per model).
     */
    public final class ActNorm extends Step {
        private final Parameter shift, logScale;
        private final Pointwise cond;
        private boolean initialized;   // = buffer "initialized" != 0; set by initFrom, refreshed by onStateLoaded

        ActNorm(Backend b) {
            shift = registerParameter("shift", Tensor.zeros(b, channels));
            logScale = registerParameter("log_scale", Tensor.zeros(b, channels));
            registerBuffer("initialized", Tensor.zeros(b, 1));
            cond = conditionChannels > 0 ? registerModule("cond", new Pointwise(b, conditionChannels, 2 * channels, false, true, null)) : null;
        }

        public boolean isInitialized() { return initialized; }

        /** A checkpoint may carry either value of the flag, into a fresh or an already initialised model. */
        @Override protected void onStateLoaded() { initialized = buffer("initialized").item() != 0; }

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
            initialized = true;
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
        private final Pointwise l1, l2, l3;

        Coupling(Backend b, Random rnd) {
            int in = half + conditionChannels;
            l1 = new Pointwise(b, in, hidden, true, false, rnd);
            l2 = new Pointwise(b, hidden, hidden, true, false, rnd);
            l3 = new Pointwise(b, hidden, 2 * rest, true, true, rnd);
            net = registerModule("net", new Sequential(l1, Activation.relu(), l2, Activation.relu(), l3));
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
