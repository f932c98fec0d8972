package org.screener.nn.unet;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.util.Arrays;

/**
 * Shape of a {@link UNet3d}: input channels, channels and residual blocks per level, and the head's output
 * dimension. Plain fields so it serialises to JSON as is (stored next to checkpoints).
 */
public final class UNet3dConfig {
    public int inChannels = 1;
    public int[] channels;
    public int[] blocks;
    public int outChannels;

    public UNet3dConfig() {}

    public UNet3dConfig(int inChannels, int[] channels, int[] blocks, int outChannels) {
        this.inChannels = inChannels;
        this.channels = channels.clone();
        this.blocks = blocks.clone();
        this.outChannels = outChannels;
        validate();
    }

    /** medimm UNet3d "base" as used by Screener's descriptor model: ~100 M parameters, 32-d descriptors. */
    public static UNet3dConfig paper() {
        return new UNet3dConfig(1, new int[]{16, 32, 64, 128, 256, 512}, new int[]{1, 1, 2, 2, 4, 4}, 32);
    }

    /** Three small levels that train in minutes on two cores. */
    public static UNet3dConfig cpuSmall() {
        return new UNet3dConfig(1, new int[]{8, 16, 32}, new int[]{1, 1, 1}, 8);
    }

    /** A preset by name: "paper" or "cpu-small". */
    public static UNet3dConfig preset(String name) {
        switch (name) {
            case "paper": return paper();
            case "cpu-small": return cpuSmall();
            default: throw new IllegalArgumentException("UNet3dConfig: unknown preset '" + name + "' (paper, cpu-small)");
        }
    }

    public UNet3dConfig withOutChannels(int d) { return new UNet3dConfig(inChannels, channels, blocks, d); }

    public UNet3dConfig withInChannels(int c) { return new UNet3dConfig(c, channels, blocks, outChannels); }

    public int levels() { return channels.length; }

    /** Every spatial axis must be at least this large (one voxel at the bottleneck). */
    public int minInputSize() { return 1 << (channels.length - 1); }

    public UNet3dConfig validate() {
        if (channels == null || blocks == null || channels.length == 0 || channels.length != blocks.length)
            throw new IllegalArgumentException("UNet3dConfig: channels " + Arrays.toString(channels) + " and blocks "
                    + Arrays.toString(blocks) + " must be non-empty and of equal length");
        for (int i = 0; i < channels.length; i++)
            if (channels[i] <= 0 || blocks[i] < 0)
                throw new IllegalArgumentException("UNet3dConfig: level " + i + " has " + channels[i] + " channels, " + blocks[i] + " blocks");
        if (inChannels <= 0 || outChannels <= 0)
            throw new IllegalArgumentException("UNet3dConfig: in " + inChannels + " / out " + outChannels + " channels must be positive");
        return this;
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    public String toJson() { return GSON.toJson(this); }

    public static UNet3dConfig fromJson(String json) {
        UNet3dConfig c;
        try {
            c = GSON.fromJson(json, UNet3dConfig.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("UNet3dConfig: bad JSON: " + e.getMessage(), e);
        }
        if (c == null) throw new IllegalArgumentException("UNet3dConfig: empty JSON");
        return c.validate();
    }

    @Override public boolean equals(Object o) {
        if (!(o instanceof UNet3dConfig)) return false;
        UNet3dConfig c = (UNet3dConfig) o;
        return inChannels == c.inChannels && outChannels == c.outChannels && Arrays.equals(channels, c.channels)
                && Arrays.equals(blocks, c.blocks);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(channels) + Arrays.hashCode(blocks) + 7 * inChannels + outChannels; }

    @Override public String toString() {
        return "UNet3dConfig{in=" + inChannels + ", channels=" + Arrays.toString(channels) + ", blocks="
                + Arrays.toString(blocks) + ", out=" + outChannels + "}";
    }
}
