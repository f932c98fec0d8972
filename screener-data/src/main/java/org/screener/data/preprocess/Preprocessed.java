package org.screener.data.preprocess;

import org.screener.data.Volume;

/**
 * A preprocessed scan: float image in [0, 1] on the target grid, optional int16 label mask on the same grid,
 * and the geometry that maps results back to the original scan.
 */
public record Preprocessed(Volume image, Volume mask, PreprocessGeometry geometry) {
    public Preprocessed {
        if (image == null || geometry == null) throw new IllegalArgumentException("Preprocessed: image and geometry are required");
        if (mask != null && (mask.nx != image.nx || mask.ny != image.ny || mask.nz != image.nz))
            throw new IllegalArgumentException("Preprocessed: mask " + mask + " does not match image " + image);
    }
}
