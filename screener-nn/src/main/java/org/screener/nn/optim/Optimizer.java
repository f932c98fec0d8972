package org.screener.nn.optim;

import org.screener.core.Tensor;
import org.screener.nn.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimizers: named parameters, a learning rate that schedules may change, a step counter and
 * per-parameter state held as float arrays (updates are computed in double per element). State is exported
 * as named tensors plus string metadata so it can be checkpointed with {@code Safetensors}.
 */
public abstract class Optimizer {
    protected final Map<String, Parameter> params;
    protected double lr;
    protected long step;
    /** Per parameter name, per state key ("momentum_buffer", "exp_avg", ...), a float array of the parameter's size. */
    protected final Map<String, Map<String, float[]>> state = new LinkedHashMap<>();

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
            float[] w = p.tensor().toArray();
            float[] ga = g.toArray();
            update(e.getKey(), w, ga, state.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()));
            p.tensor().assign(Tensor.of(p.tensor().backend(), w, p.shape()));
        }
    }

    /** Updates weights w in place from gradient g; st holds this parameter's state arrays. */
    protected abstract void update(String name, float[] w, float[] g, Map<String, float[]> st);

    protected static float[] buffer(Map<String, float[]> st, String key, int n) { return st.computeIfAbsent(key, k -> new float[n]); }

    // ---- resumable state -------------------------------------------------------------------------------

    /** State tensors named {@code <param>.<key>}. */
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, float[]>> e : state.entrySet())
            for (Map.Entry<String, float[]> s : e.getValue().entrySet())
                out.put(e.getKey() + "." + s.getKey(), Tensor.of(params.get(e.getKey()).tensor().backend(), s.getValue().clone(),
                        params.get(e.getKey()).shape()));
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

    /** Restores what {@link #stateTensors} and {@link #stateMetadata} exported. */
    public void loadState(Map<String, Tensor> tensors, Map<String, String> meta) {
        String type = meta.get("optimizer");
        if (!getClass().getSimpleName().equals(type))
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: state was saved by '" + type + "'");
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, float[]>> fresh = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String k = e.getKey();
            int dot = k.lastIndexOf('.');
            String pname = dot < 0 ? "" : k.substring(0, dot);
            Parameter p = params.get(pname);
            if (p == null) { problems.add("unexpected " + k); continue; }
            if (!java.util.Arrays.equals(p.shape(), e.getValue().shape())) {
                problems.add(k + ": saved " + java.util.Arrays.toString(e.getValue().shape()) + " vs parameter " + java.util.Arrays.toString(p.shape()));
                continue;
            }
            fresh.computeIfAbsent(pname, x -> new LinkedHashMap<>()).put(k.substring(dot + 1), e.getValue().toArray());
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: " + problems);
        state.clear();
        state.putAll(fresh);
        lr = Double.parseDouble(meta.get("lr"));
        step = Long.parseLong(meta.get("step"));
    }
}
