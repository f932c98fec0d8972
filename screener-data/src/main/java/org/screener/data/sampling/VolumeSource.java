package org.screener.data.sampling;

import java.io.IOException;
import java.util.List;
import org.screener.data.Volume;
import org.screener.data.preprocess.PreprocessedDataset;

/** Indexed, thread-safe access to the (preprocessed) training volumes. */
public interface VolumeSource {
    int size();

    /** Name for messages, e.g. the source file. */
    String name(int i);

    Volume volume(int i) throws IOException;

    static VolumeSource of(List<Volume> volumes, List<String> names) {
        if (volumes.size() != names.size()) throw new IllegalArgumentException("VolumeSource.of: " + volumes.size() + " volumes, " + names.size() + " names");
        List<Volume> v = List.copyOf(volumes);
        List<String> n = List.copyOf(names);
        return new VolumeSource() {
            public int size() { return v.size(); }
            public String name(int i) { return n.get(i); }
            public Volume volume(int i) { return v.get(i); }
        };
    }

    /** Loads each volume through the dataset's cache on every call (memory stays at the batches in flight). */
    static VolumeSource of(PreprocessedDataset ds) {
        return new VolumeSource() {
            public int size() { return ds.size(); }
            public String name(int i) { return ds.get(i).image().toString(); }
            public Volume volume(int i) throws IOException { return ds.load(i).image(); }
        };
    }
}
