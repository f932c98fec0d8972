package org.screener.data.io;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Locates the shared test data: system property screener.sharedData (set by surefire), else
 * {@code ../shared/data} relative to the module's parent, else {@code shared/data} next to any ancestor
 * (a git worktree sits one level deeper than the main checkout).
 */
final class SharedData {
    private SharedData() {}

    static List<Path> candidates() {
        List<Path> c = new ArrayList<>();
        String prop = System.getProperty("screener.sharedData");
        if (prop != null && !prop.isBlank()) c.add(Paths.get(prop).toAbsolutePath().normalize());
        Path module = Paths.get("").toAbsolutePath();
        for (Path p = module.getParent(); p != null; p = p.getParent()) c.add(p.resolveSibling("shared").resolve("data").normalize());
        return c;
    }

    static Path dir() {
        for (Path p : candidates()) if (Files.isDirectory(p)) return p;
        return null;
    }

    /** The file or folder under the shared data, or a skipped test saying what is missing. */
    static Path require(String rel) {
        Path d = dir();
        if (d == null) skip("shared test data not found (looked in " + candidates() + "); set -Dscreener.sharedData");
        Path p = d.resolve(rel);
        if (!Files.exists(p)) skip("shared test data missing: " + p);
        return p;
    }

    /** Surefire's console hides assumption messages, so the reason is also printed. */
    private static void skip(String why) {
        System.err.println("SKIPPED: " + why);
        Assumptions.assumeTrue(false, why);
    }
}
