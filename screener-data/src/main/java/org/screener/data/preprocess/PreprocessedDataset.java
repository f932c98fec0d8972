package org.screener.data.preprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Cases plus preprocessing with an on-disk cache. The cache file of a case is named by a SHA-256 of the source
 * paths, sizes and modification times, the config's fingerprint and the cache format version, so any change
 * misses the cache. Safe to call from several threads (concurrent misses write the same file atomically).
 */
public final class PreprocessedDataset {
    private final List<Case> cases;
    private final VolumeReader reader;
    private final PreprocessConfig config;
    private final Path cacheDir;

    /** cacheDir may be null: preprocess on every call. */
    public PreprocessedDataset(List<Case> cases, VolumeReader reader, PreprocessConfig config, Path cacheDir) {
        config.validate();
        this.cases = List.copyOf(cases);
        this.reader = reader;
        this.config = config.copy();
        this.cacheDir = cacheDir;
    }

    /** Cases of a folder of NIfTI files or a CSV manifest (see {@link CaseList#of}). */
    public static PreprocessedDataset of(Path folderOrCsv, VolumeReader reader, PreprocessConfig config, Path cacheDir) throws IOException {
        return new PreprocessedDataset(CaseList.of(folderOrCsv), reader, config, cacheDir);
    }

    /** As {@link #of(Path, VolumeReader, PreprocessConfig, Path)}, reading NIfTI or DICOM reoriented to canonical RAS+. */
    public static PreprocessedDataset of(Path folderOrCsv, PreprocessConfig config, Path cacheDir) throws IOException {
        return of(folderOrCsv, org.screener.data.io.Volumes::readCanonical, config, cacheDir);
    }

    /** The rows of a CSV manifest whose 'split' column equals {@code split} (null: a folder or every row), read canonical. */
    public static PreprocessedDataset of(Path folderOrCsv, String split, PreprocessConfig config, Path cacheDir) throws IOException {
        return new PreprocessedDataset(CaseList.of(folderOrCsv, split), org.screener.data.io.Volumes::readCanonical, config, cacheDir);
    }

    public int size() { return cases.size(); }
    public Case get(int i) { return cases.get(i); }
    public List<Case> cases() { return cases; }

    public Preprocessed load(int i) throws IOException {
        Case c = cases.get(i);
        Path cached = cacheDir == null ? null : cacheFile(c);
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                return PreprocessedCache.read(cached);
            } catch (IOException e) {
                Files.deleteIfExists(cached);    // corrupt or old: rebuild it below
            }
        }
        Preprocessed p;
        try {
            p = Preprocessor.run(reader.read(c.image()), c.mask() == null ? null : reader.read(c.mask()), config);
        } catch (IllegalArgumentException e) {
            throw new IOException(c.image() + ": " + e.getMessage(), e);
        }
        if (cached == null) return p;
        PreprocessedCache.write(cached, p, config.cacheHalf);
        // The cache's voxels, not p's: otherwise the numbers a run trains on depend on whether the file existed
        return PreprocessedCache.asRead(p, config.cacheHalf);
    }

    public Path cacheFile(Case c) throws IOException {
        StringBuilder key = new StringBuilder("v").append(PreprocessedCache.VERSION).append('|').append(config.fingerprint());
        appendSource(key, c.image());
        if (c.mask() != null) appendSource(key, c.mask());
        return cacheDir.resolve(c.id() + "-" + sha256(key.toString()).substring(0, 24) + ".scp");
    }

    private static void appendSource(StringBuilder key, Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        key.append('|').append(p.toAbsolutePath().normalize()).append('|').append(a.size()).append('|').append(a.lastModifiedTime().toMillis());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
