package org.screener.nn.io;

import org.screener.core.Tensor;
import org.screener.nn.Module;
import org.screener.nn.optim.Optimizer;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

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

    /** Metadata key under which {@link #saveUNet} stores the network's config as JSON. */
    public static final String UNET_CONFIG_KEY = "unet3d_config";

    /** A UNet3d with its config in the metadata, so {@link #loadUNet} can rebuild it without other input. */
    public static void saveUNet(Path file, UNet3d net, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (extra != null) meta.putAll(extra);
        meta.put(UNET_CONFIG_KEY, net.config.toJson());
        saveModel(file, net, meta);
    }

    /** Builds the UNet3d described in the file's metadata and loads its weights (strictly). */
    public static UNet3d loadUNet(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        String json = c.metadata.get(UNET_CONFIG_KEY);
        if (json == null)
            throw new IOException("checkpoint " + file + ": no '" + UNET_CONFIG_KEY + "' metadata; not saved by saveUNet");
        UNet3d net = new UNet3d(UNet3dConfig.fromJson(json), new Random(0)); // weights are overwritten below
        net.loadStateDict(c.tensors, true);
        return net;
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
