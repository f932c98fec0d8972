package org.screener.data.preprocess;

import org.screener.core.cpu.Parallel;

/** Intensity windowing: clip to [lo, hi] and map linearly to [0, 1], in place. */
public final class Intensity {
    private Intensity() {}

    public static float[] clipAndScale(float[] data, double lo, double hi) {
        if (!(hi > lo)) throw new IllegalArgumentException("Intensity.clipAndScale: hi " + hi + " must exceed lo " + lo);
        float flo = (float) lo, scale = (float) (1.0 / (hi - lo));
        Parallel.forRange(data.length, 1 << 16, (a, b) -> {
            for (int i = a; i < b; i++) {
                float v = data[i];
                v = v < flo ? flo : (v > hi ? (float) hi : v);
                float r = (v - flo) * scale;
                data[i] = r > 1f ? 1f : r;
            }
        });
        return data;
    }
}
