package org.screener.data.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import org.screener.data.Volume;

/** Reads a scan (e.g. NIfTI, reoriented to canonical RAS+) from a file; the loaders plug in here. */
@FunctionalInterface
public interface VolumeReader {
    Volume read(Path file) throws IOException;
}
