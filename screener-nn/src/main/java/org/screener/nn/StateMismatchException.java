package org.screener.nn;

import java.util.List;

/** A state dict does not fit a module: names missing from it, names the module lacks, or shapes that differ. */
public final class StateMismatchException extends IllegalArgumentException {
    private final List<String> missing, unexpected, mismatched;

    public StateMismatchException(String what, List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(what + ": state does not match: missing " + missing + ", unexpected " + unexpected + ", shape mismatch " + mismatched);
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    public List<String> missing() { return missing; }
    public List<String> unexpected() { return unexpected; }
    /** Entries of the form {@code name: checkpoint [a, b] vs model [c, d]}. */
    public List<String> mismatched() { return mismatched; }
}
