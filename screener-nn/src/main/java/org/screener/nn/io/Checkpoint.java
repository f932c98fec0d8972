package org.screener.nn.io;

import org.screener.core.Tensor;
import org.screener.nn.Module;
import org.screener.nn.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model and optimizer checkpoints as safetensors files. A model file holds the module's state dict
 * (parameters and buffers by dotted name); an optimizer file holds its state tensors and its counters in
 * the metadata, so training can resume.
 */
public final class Checkpoint {
    private Checkpoint() {}

    public static void saveModel(Path file, Module model, Map<String, String> metadata) throws IOException {
        Safetensors.write(file, model.stateDict(), metadata);
    }

    /**
     * Loads a model file into the module; throws {@link org.screener.nn.StateMismatchException} listing every
     * missing, unexpected and shape-mismatched name. Returns the file's metadata.
     */
    public static Map<String, String> loadModel(Path file, Module model, boolean strict) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        model.loadStateDict(c.tensors, strict);
        return c.metadata;
    }

    public static void saveOptimizer(Path file, Optimizer opt, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(opt.stateMetadata());
        if (extra != null) meta.putAll(extra);
        Safetensors.write(file, opt.stateTensors(), meta);
    }

    public static Map<String, String> loadOptimizer(Path file, Optimizer opt) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, Tensor> t = c.tensors;
        opt.loadState(t, c.metadata);
        return c.metadata;
    }
}
