package org.screener.data.preprocess;

import java.nio.file.Path;

/** One scan of a dataset: image file, optional mask file, and an id (file name without extension). */
public record Case(String id, Path image, Path mask) {
    public Case {
        if (image == null) throw new IllegalArgumentException("Case " + id + ": image path is required");
    }
}
