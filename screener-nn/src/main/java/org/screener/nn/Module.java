package org.screener.nn;

import org.screener.core.Backend;
import org.screener.core.Shape;
import org.screener.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network part with named parameters, buffers (non-trained state such as batch-norm running statistics)
 * and sub-modules, all kept in registration order. Full names are dotted paths like
 * {@code enc.0.block.1.conv1.weight}, as in PyTorch's state dicts, so checkpoints can be exchanged by name.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    public abstract Tensor forward(Tensor x);

    // ---- registration -------------------------------------------------------------------------------------

    protected Parameter registerParameter(String name, Tensor value) {
        checkName(name);
        Parameter p = new Parameter(value);
        params.put(name, p);
        return p;
    }

    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    protected <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": bad member name '" + name + "' (empty or dotted)");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": member '" + name + "' registered twice");
    }

    /** The direct buffer of this module (for layers that read their running statistics). */
    protected Tensor buffer(String name) { return buffers.get(name); }

    // ---- traversal ----------------------------------------------------------------------------------------

    /** All parameters with dotted names, depth first in registration order (own parameters before children's). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParams("", out);
        return out;
    }

    private void collectParams(String prefix, Map<String, Parameter> out) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collectParams(prefix + e.getKey() + ".", out);
    }

    public List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collectBuffers(prefix + e.getKey() + ".", out);
    }

    public Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children); }

    /** The sub-module at a dotted path ("" is this module). */
    public Module submodule(String path) {
        Module m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.")) {
            Module next = m.children.get(part);
            if (next == null) throw new IllegalArgumentException("no sub-module '" + path + "' (missing '" + part + "')");
            m = next;
        }
        return m;
    }

    /** Total number of trainable scalars. */
    public long numParameters() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    // ---- modes and gradients ----------------------------------------------------------------------------

    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public Module eval() { return train(false); }

    public boolean isTraining() { return training; }

    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** Moves parameters and buffers to another backend (parameter wrappers stay the same objects). */
    public Module to(Backend backend) {
        for (Parameter p : params.values()) p.set(p.tensor().to(backend));
        buffers.replaceAll((k, v) -> v.to(backend));
        for (Module c : children.values()) c.to(backend);
        return this;
    }

    // ---- state ----------------------------------------------------------------------------------------

    /** Parameters then buffers, by dotted name (the tensors themselves, detached; not copies). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) out.put(e.getKey(), e.getValue().tensor().detach());
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Copies values by name. Every name of the module must be present with the same shape and no unexpected
     * name may be given (unless strict is false, when missing and unexpected names are tolerated but shape
     * mismatches still fail). The exception lists every problem at once.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Parameter> ps = namedParameters();
        Map<String, Tensor> bs = namedBuffers();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : ps.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : bs.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String k = e.getKey();
            int[] have;
            if (ps.containsKey(k)) have = ps.get(k).shape();
            else if (bs.containsKey(k)) have = bs.get(k).shape();
            else { unexpected.add(k); continue; }
            if (!Arrays.equals(have, e.getValue().shape()))
                mismatched.add(k + ": checkpoint " + Shape.str(e.getValue().shape()) + " vs model " + Shape.str(have));
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty())))
            throw new StateMismatchException(getClass().getSimpleName(), missing, unexpected, mismatched);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Parameter p = ps.get(e.getKey());
            if (p != null) p.tensor().assign(e.getValue().to(p.tensor().backend()));
            Tensor b = bs.get(e.getKey());
            if (b != null) b.assign(e.getValue().to(b.backend()));
        }
        notifyStateLoaded();
    }

    /**
     * Called on every module of the tree (children first) after {@link #loadStateDict} copied the values in,
     * whichever module it was called on: a module that mirrors a buffer on the Java side (a flag it would
     * otherwise read from the backend at every forward) refreshes the mirror here, once per load.
     */
    protected void onStateLoaded() {}

    private void notifyStateLoaded() {
        for (Module c : children.values()) c.notifyStateLoaded();
        onStateLoaded();
    }
}
