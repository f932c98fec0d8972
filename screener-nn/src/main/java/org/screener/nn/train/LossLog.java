package org.screener.nn.train;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Per-step CSV log {@code step,lr,<value names...>} with the header written once. Reopening for a resumed run
 * drops rows after the checkpointed step (and a torn last line), so the log never holds a step twice.
 */
public final class LossLog implements Closeable {
    private final Path file;
    private List<String> columns; // value names after step and lr; null until the header exists
    private BufferedWriter out;

    private LossLog(Path file, List<String> columns) { this.file = file; this.columns = columns; }

    /** A new log, replacing any existing file. */
    public static LossLog create(Path file) throws IOException {
        Files.deleteIfExists(file);
        return new LossLog(file, null);
    }

    /** Reopens the log of a run resumed after {@code lastStep}: rows with a larger step are dropped. */
    public static LossLog resume(Path file, long lastStep) throws IOException {
        if (!Files.isRegularFile(file)) return new LossLog(file, null);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1; // a line without its newline was torn by a crash
        String[] lines = text.substring(0, end).split("\n");
        if (end == 0 || !lines[0].startsWith("step,lr"))
            return create(file);
        StringBuilder kept = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int comma = l.indexOf(',');
            long s;
            try { s = Long.parseLong(comma < 0 ? l : l.substring(0, comma)); } catch (NumberFormatException e) { continue; }
            if (s <= lastStep) kept.append(l).append('\n');
        }
        CheckpointDir.writeAtomically(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        return new LossLog(file, new ArrayList<>(header.subList(2, header.size())));
    }

    /** Appends one row; the first row fixes the columns, later rows may omit values but not add names. */
    public void append(long step, double lr, Map<String, Double> values) throws IOException {
        if (columns == null) {
            columns = new ArrayList<>(values.keySet());
            for (String c : columns)
                if (c.isEmpty() || c.contains(",") || c.contains("\n") || c.equals("step") || c.equals("lr"))
                    throw new IllegalArgumentException("LossLog " + file + ": bad column name '" + c + "'");
            writer().write("step,lr," + String.join(",", columns) + "\n");
        }
        for (String k : values.keySet())
            if (!columns.contains(k))
                throw new IllegalArgumentException("LossLog " + file + ": step " + step + " reports '" + k
                        + "' which is not among the logged columns " + columns);
        StringBuilder sb = new StringBuilder().append(step).append(',').append(lr);
        for (String c : columns) {
            sb.append(',');
            Double v = values.get(c);
            if (v != null) sb.append(v.doubleValue());
        }
        BufferedWriter w = writer();
        w.write(sb.append('\n').toString());
        w.flush();
    }

    private BufferedWriter writer() throws IOException {
        if (out == null)
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return out;
    }

    @Override public void close() throws IOException {
        if (out != null) out.close();
        out = null;
    }
}
