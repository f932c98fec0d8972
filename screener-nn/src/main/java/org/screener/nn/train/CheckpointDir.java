package org.screener.nn.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Layout of a training run's checkpoints: {@code <root>/step-<000000010>/} holds {@value #MODEL},
 * {@value #OPTIMIZER} and, written last, {@value #STATE}. A checkpoint counts as complete only when its
 * state file parses, so a crash between files never pairs new weights with an old step.
 */
public final class CheckpointDir {
    public static final String MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors", STATE = "state.json";
    static final String PREFIX = "step-";

    /** Contents of {@value #STATE}. */
    public static final class State {
        public long step;
        public long totalSteps;
        public long seed;
        public String config;
        public String timestamp;
        public String optimizer;

        public State() {}
    }

    /** A complete checkpoint: its directory and state. */
    public record Entry(Path dir, State state) {}

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public final Path root;

    public CheckpointDir(Path root) { this.root = root; }

    public Path dirFor(long step) { return root.resolve(String.format("%s%09d", PREFIX, step)); }

    /** Complete checkpoints, oldest first. */
    public List<Entry> complete() throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Path d : stepDirs()) {
            State s = readState(d.resolve(STATE));
            if (s != null && Files.isRegularFile(d.resolve(MODEL)) && Files.isRegularFile(d.resolve(OPTIMIZER))) out.add(new Entry(d, s));
        }
        out.sort(Comparator.comparingLong(e -> e.state().step));
        return out;
    }

    public Optional<Entry> newest() throws IOException {
        List<Entry> c = complete();
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get(c.size() - 1));
    }

    /** Step directories (complete or not) by name. */
    List<Path> stepDirs() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path d : ds) if (Files.isDirectory(d)) out.add(d);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The parsed state file, or null when it is absent or unreadable (an incomplete checkpoint). */
    static State readState(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            State s = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), State.class);
            return s != null && s.step > 0 ? s : null;
        } catch (IOException | JsonParseException e) {
            return null;
        }
    }

    static void writeState(Path file, State s) throws IOException {
        writeAtomically(file, GSON.toJson(s).getBytes(StandardCharsets.UTF_8));
    }

    /** Temp file in the same directory, fsync, rename over the target. */
    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        org.screener.core.io.AtomicFile.write(file, bytes);
    }

    /**
     * Deletes every step directory except the newest {@code keep} complete checkpoints. Incomplete directories
     * go too: they are leftovers of a crash and never chosen for resuming.
     */
    void prune(int keep) throws IOException {
        List<Entry> c = complete();
        List<Path> keepDirs = new ArrayList<>();
        for (int i = Math.max(0, c.size() - keep); i < c.size(); i++) keepDirs.add(c.get(i).dir());
        for (Path d : stepDirs()) if (!keepDirs.contains(d)) deleteTree(d);
    }

    static void deleteTree(Path d) throws IOException {
        // state file first, so a half-deleted directory is never taken for a complete checkpoint
        Files.deleteIfExists(d.resolve(STATE));
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
