package org.screener.nn.layers;

import org.screener.core.Tensor;
import org.screener.nn.Module;

import java.util.ArrayList;
import java.util.List;

/** Modules applied in order; children are named "0", "1", ... */
public final class Sequential extends Module {
    private final List<Module> items = new ArrayList<>();

    public Sequential(Module... modules) { for (Module m : modules) add(m); }

    public Sequential add(Module m) {
        registerModule(Integer.toString(items.size()), m);
        items.add(m);
        return this;
    }

    public Module get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    @Override public Tensor forward(Tensor x) {
        for (Module m : items) x = m.forward(x);
        return x;
    }
}
