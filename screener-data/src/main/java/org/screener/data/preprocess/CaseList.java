package org.screener.data.preprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists the cases of a dataset: every {@code .nii} / {@code .nii.gz} file of a folder (sorted by name, no
 * masks), or a CSV manifest with a header naming an {@code image} column and optionally a {@code mask}
 * column; relative paths are resolved against the CSV's folder.
 */
public final class CaseList {
    private CaseList() {}

    /** A folder or a {@code .csv} file. */
    public static List<Case> of(Path source) throws IOException {
        if (Files.isDirectory(source)) return fromFolder(source);
        if (source.getFileName().toString().toLowerCase().endsWith(".csv")) return fromCsv(source);
        throw new IllegalArgumentException("CaseList: " + source + " is neither a folder nor a .csv manifest");
    }

    public static List<Case> fromFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("CaseList: not a folder: " + dir);
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isRegularFile(p) && isNifti(p)).sorted().forEach(p -> cases.add(new Case(stem(p), p, null)));
        }
        return cases;
    }

    public static List<Case> fromCsv(Path csv) throws IOException { return fromCsv(csv, null); }

    /**
     * A folder (split must be null) or the rows of a CSV manifest whose {@code split} column equals {@code split}
     * (null: every row).
     */
    public static List<Case> of(Path source, String split) throws IOException {
        if (split == null) return of(source);
        if (Files.isDirectory(source))
            throw new IllegalArgumentException("CaseList: a split ('" + split + "') needs a CSV manifest with a 'split' column, " + source + " is a folder");
        return fromCsv(source, split);
    }

    /** Whether the manifest's header names a {@code split} column. */
    public static boolean hasSplitColumn(Path csv) throws IOException {
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            List<String> cells = split(line);
            for (int c = 0; c < cells.size(); c++) if (headerName(cells, c).equals("split")) return true;
            return false;
        }
        return false;
    }

    /** Header cell c, trimmed and lower-cased, without a UTF-8 byte-order mark in front of the first. */
    private static String headerName(List<String> cells, int c) {
        String name = cells.get(c).trim().toLowerCase();
        return c == 0 && name.startsWith("\ufeff") ? name.substring(1) : name;
    }

    /** The rows whose {@code split} column equals {@code split} (null: all rows). */
    public static List<Case> fromCsv(Path csv, String split) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        Path base = csv.toAbsolutePath().getParent();
        int imageCol = -1, maskCol = -1, splitCol = -1, lineNo = 0, rows = 0;
        List<Case> cases = new ArrayList<>();
        for (String line : lines) {
            lineNo++;
            if (line.isBlank()) continue;
            List<String> cells = split(line);
            if (imageCol < 0) {
                for (int c = 0; c < cells.size(); c++) {
                    String name = headerName(cells, c);
                    if (name.equals("image")) imageCol = c;
                    if (name.equals("mask")) maskCol = c;
                    if (name.equals("split")) splitCol = c;
                }
                if (imageCol < 0) throw new IOException(csv + ": header line " + lineNo + " has no 'image' column: " + line);
                if (split != null && splitCol < 0) throw new IOException(csv + ": no 'split' column to select split '" + split + "' from");
                continue;
            }
            rows++;
            if (split != null && (splitCol >= cells.size() || !cells.get(splitCol).trim().equals(split))) continue;
            if (imageCol >= cells.size() || cells.get(imageCol).isBlank()) throw new IOException(csv + ": line " + lineNo + " has no image path: " + line);
            Path img = base.resolve(cells.get(imageCol).trim()).normalize();
            Path mask = null;
            if (maskCol >= 0 && maskCol < cells.size() && !cells.get(maskCol).isBlank()) mask = base.resolve(cells.get(maskCol).trim()).normalize();
            cases.add(new Case(stem(img), img, mask));
        }
        if (imageCol < 0) throw new IOException(csv + ": empty manifest (no header with an 'image' column)");
        if (split != null && cases.isEmpty()) throw new IOException(csv + ": none of its " + rows + " rows has split '" + split + "'");
        return cases;
    }

    static boolean isNifti(Path p) {
        String n = p.getFileName().toString().toLowerCase();
        return n.endsWith(".nii") || n.endsWith(".nii.gz");
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        String l = n.toLowerCase();
        if (l.endsWith(".nii.gz")) return n.substring(0, n.length() - 7);
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Comma-separated cells; double quotes group a cell and "" escapes a quote. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; } else quoted = false;
                } else cur.append(ch);
            } else if (ch == '"') quoted = true;
            else if (ch == ',') { out.add(cur.toString()); cur.setLength(0); }
            else cur.append(ch);
        }
        out.add(cur.toString());
        return out;
    }
}
