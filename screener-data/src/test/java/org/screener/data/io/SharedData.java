package org.screener.data.io;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates ../shared/data (system property screener.sharedData, else relative to the module's parent). */
final class SharedData {
    private SharedData() {}

    static Path dir() {
        String prop = System.getProperty("screener.sharedData");
        Path p = prop != null ? Paths.get(prop) : Paths.get("").toAbsolutePath().getParent().resolve("../shared/data");
        return p.normalize();
    }

    /** The file or folder under the shared data, or a skipped test saying what is missing. */
    static Path require(String rel) {
        Path p = dir().resolve(rel);
        Assumptions.assumeTrue(Files.exists(p), "shared test data missing: " + p + " (set -Dscreener.sharedData)");
        return p;
    }
}
