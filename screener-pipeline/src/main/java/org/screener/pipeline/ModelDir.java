package org.screener.pipeline;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import org.screener.core.io.AtomicFile;
import org.screener.data.preprocess.PreprocessConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A self-describing model directory:
 * <pre>
 * config.json                    {@link Config}: format version, seed, data, preprocessing, descriptor training
 * descriptor.safetensors         the trained descriptor UNet (its config in the metadata)
 * losses-descriptor.csv          the descriptor stage's loss log
 * checkpoints/descriptor/        resumable checkpoints of the descriptor stage
 * density.safetensors            the trained density model (kind, condition and sizes in the metadata)
 * losses-density.csv             the density stage's loss log
 * checkpoints/density/           resumable checkpoints of the density stage
 * condition.safetensors          the trained condition UNet (2 input channels: image, mask)
 * losses-condition.csv           the condition stage's loss log
 * checkpoints/condition/         resumable checkpoints of the condition stage
 * cache/                         preprocessed volumes
 * </pre>
 */
public final class ModelDir {
    public static final int VERSION = 1;
    public static final String CONFIG = "config.json", DESCRIPTOR = "descriptor.safetensors",
            LOSSES_DESCRIPTOR = "losses-descriptor.csv", DENSITY = "density.safetensors", LOSSES_DENSITY = "losses-density.csv";
    public static final String CONDITION = "condition.safetensors", LOSSES_CONDITION = "losses-condition.csv";
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** Contents of {@value #CONFIG}. */
    public static final class Config {
        public int version = VERSION;
        public long seed;
        /** Training data (folder or manifest) as given; informational. */
        public String data;
        /** Rows of the data manifest used for training: those whose 'split' column equals this; null: all rows. */
        public String split;
        public PreprocessConfig preprocess;
        public DescriptorConfig descriptor;
        /** Density stage settings (kind, condition, ...); null until that stage has been started. */
        public DensityConfig density;
        /** Condition training; null in a directory made before the condition stage existed. */
        public ConditionConfig condition;

        /** A deep copy (through JSON). */
        public Config copy() { return GSON.fromJson(GSON.toJson(this), Config.class); }

        public Config validate(Path where) {
            if (version != VERSION)
                throw new IllegalArgumentException(where + ": model directory format version " + version + ", this build reads " + VERSION);
            if (preprocess == null || descriptor == null)
                throw new IllegalArgumentException(where + ": needs 'preprocess' and 'descriptor' sections");
            preprocess.validate();
            descriptor.validate();
            if (density != null) density.validate();
            if (condition != null) condition.validate();
            return this;
        }
    }

    public final Path root;

    public ModelDir(Path root) { this.root = root; }

    public Path config() { return root.resolve(CONFIG); }
    public Path descriptor() { return root.resolve(DESCRIPTOR); }
    public Path descriptorLosses() { return root.resolve(LOSSES_DESCRIPTOR); }
    public Path descriptorCheckpoints() { return root.resolve("checkpoints").resolve("descriptor"); }
    public Path density() { return root.resolve(DENSITY); }
    public Path densityLosses() { return root.resolve(LOSSES_DENSITY); }
    public Path densityCheckpoints() { return root.resolve("checkpoints").resolve("density"); }
    public Path condition() { return root.resolve(CONDITION); }
    public Path conditionLosses() { return root.resolve(LOSSES_CONDITION); }
    public Path conditionCheckpoints() { return root.resolve("checkpoints").resolve("condition"); }
    public Path cache() { return root.resolve("cache"); }

    public boolean hasConfig() { return Files.isRegularFile(config()); }

    public Config readConfig() throws IOException {
        Config c;
        try {
            c = GSON.fromJson(Files.readString(config(), StandardCharsets.UTF_8), Config.class);
        } catch (JsonParseException e) {
            throw new IOException(config() + ": not a valid model config: " + e.getMessage(), e);
        }
        if (c == null) throw new IOException(config() + ": empty");
        return c.validate(config());
    }

    /** Written atomically ({@link AtomicFile}). */
    public void writeConfig(Config c) throws IOException {
        Files.createDirectories(root);
        writeAtomically(config(), GSON.toJson(c));
    }

    static void writeAtomically(Path file, String text) throws IOException {
        AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
