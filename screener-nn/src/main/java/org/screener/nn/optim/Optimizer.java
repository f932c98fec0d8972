package org.screener.nn.optim;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.nn.Parameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Base of the optimizers: named parameters, a learning rate that schedules may change, a step counter and
 * per-parameter state held as tensors on the parameter's backend. A step runs one backend kernel per parameter
 * ({@link Backend#sgdUpdate}, {@link Backend#adamUpdate}) and reads nothing back to the host. State is exported
 * as named tensors plus string metadata so it can be checkpointed with {@code Safetensors}.
 *
 * <p>State is allocated when the optimizer is made, for every parameter, never inside {@link #step}: a step may
 * run inside a memory scope that frees everything allocated during it. Which parameters have been stepped is
 * recorded separately, so that {@link #stateTensors} exports exactly the parameters that have state in
 * PyTorch's sense (those that have had a gradient) and SGD knows its first step.
 */
public abstract class Optimizer {
    protected final Map<String, Parameter> params;
    protected double lr;
    protected long step;
    /** Per parameter name, per state key ("momentum_buffer", "exp_avg", ...), a tensor of the parameter's shape. */
    protected final Map<String, Map<String, Tensor>> state = new LinkedHashMap<>();
    /** Parameters updated at least once (or restored from a checkpoint that had their state). */
    private final Set<String> stepped = new HashSet<>();
    private List<String> stateKeys = List.of();

    protected Optimizer(Map<String, Parameter> params, double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate " + lr);
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
    }

    /** Names parameters by their position ("0", "1", ...). */
    protected static Map<String, Parameter> indexed(List<Parameter> ps) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (int i = 0; i < ps.size(); i++) m.put(Integer.toString(i), ps.get(i));
        return m;
    }

    /**
     * Allocates the zeroed state tensors {@code keys} for every parameter; subclasses call it once at the end of
     * their constructor (their fields decide which keys exist, so the base constructor cannot).
     */
    protected final void initState(String... keys) {
        if (!state.isEmpty()) throw new IllegalStateException(getClass().getSimpleName() + ": state already initialised");
        stateKeys = List.of(keys);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor w = e.getValue().tensor();
            Map<String, Tensor> st = new LinkedHashMap<>();
            for (String k : keys) st.put(k, Tensor.zeros(w.backend(), w.shape()));
            state.put(e.getKey(), st);
        }
    }

    public double lr() { return lr; }

    public void setLr(double lr) { this.lr = lr; }

    /** Steps taken so far. */
    public long stepCount() { return step; }

    public void zeroGrad() { for (Parameter p : params.values()) p.zeroGrad(); }

    /** One update of every parameter that has a gradient. */
    public void step() {
        step++;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            Tensor g = p.grad();
            if (g == null) continue;
            Tensor w = p.tensor();
            if (g.backend() != w.backend())
                throw new IllegalStateException(getClass().getSimpleName() + ": parameter '" + e.getKey() + "' lives on "
                        + w.backend().name() + " but its gradient on " + g.backend().name());
            Map<String, Tensor> st = stateOn(e.getKey(), w.backend());
            boolean first = stepped.add(e.getKey());
            update(e.getKey(), w, g, st, first);
        }
    }

    /**
     * This parameter's state, moved first if the parameter moved to another backend after the optimizer was made
     * (Module.to). That move allocates, so make the optimizer after moving the model when steps run in a scope.
     */
    private Map<String, Tensor> stateOn(String name, Backend b) {
        Map<String, Tensor> st = state.get(name);
        for (Map.Entry<String, Tensor> s : st.entrySet())
            if (s.getValue().backend() != b) s.setValue(s.getValue().to(b));
        return st;
    }

    /**
     * Updates weights w in place from gradient g on their backend; st holds this parameter's state tensors (the
     * keys given to {@link #initState}); first is true on the parameter's first update since it was made or
     * restored without state. Implementations run backend kernels only: no host reads or writes, no allocation
     * that must outlive the step.
     */
    protected abstract void update(String name, Tensor w, Tensor g, Map<String, Tensor> st, boolean first);

    // ---- resumable state -------------------------------------------------------------------------------

    /** State tensors named {@code <param>.<key>} for the parameters stepped so far (copies, on their backend). */
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Tensor>> e : state.entrySet()) {
            if (!stepped.contains(e.getKey())) continue;
            for (Map.Entry<String, Tensor> s : e.getValue().entrySet()) {
                Tensor t = s.getValue();
                out.put(e.getKey() + "." + s.getKey(), Tensor.zeros(t.backend(), t.shape()).assign(t));
            }
        }
        return out;
    }

    /** Hyper-parameters and counters as strings (type, lr, step, ...). */
    public Map<String, String> stateMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("optimizer", getClass().getSimpleName());
        m.put("lr", Double.toString(lr));
        m.put("step", Long.toString(step));
        return m;
    }

    /**
     * Restores what {@link #stateTensors} and {@link #stateMetadata} exported. Parameters without saved state
     * start afresh (zero state; SGD's next step is its first for them); a parameter with some of its keys saved
     * gets zeros for the others.
     */
    public void loadState(Map<String, Tensor> tensors, Map<String, String> meta) {
        String type = meta.get("optimizer");
        if (!getClass().getSimpleName().equals(type))
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: state was saved by '" + type + "'");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String k = e.getKey();
            int dot = k.lastIndexOf('.');
            String pname = dot < 0 ? "" : k.substring(0, dot);
            Parameter p = params.get(pname);
            if (p == null) { problems.add("unexpected " + k); continue; }
            if (!stateKeys.contains(k.substring(dot + 1))) {
                problems.add("unexpected " + k + " (" + getClass().getSimpleName() + " keeps " + stateKeys + ")");
                continue;
            }
            if (!Arrays.equals(p.shape(), e.getValue().shape()))
                problems.add(k + ": saved " + Arrays.toString(e.getValue().shape()) + " vs parameter " + Arrays.toString(p.shape()));
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: " + problems);
        stepped.clear();
        for (Map.Entry<String, Map<String, Tensor>> e : state.entrySet()) {
            Backend b = params.get(e.getKey()).tensor().backend();
            for (Map.Entry<String, Tensor> s : e.getValue().entrySet()) {
                Tensor dst = s.getValue();
                if (dst.backend() != b) { dst = Tensor.zeros(b, dst.shape()); s.setValue(dst); }
                Tensor saved = tensors.get(e.getKey() + "." + s.getKey());
                if (saved == null) {
                    b.fill(dst.storage(), 0, dst.numel(), 0f);
                } else {
                    dst.assign(saved.to(b));
                    stepped.add(e.getKey());
                }
            }
        }
        lr = Double.parseDouble(meta.get("lr"));
        step = Long.parseLong(meta.get("step"));
    }
}
