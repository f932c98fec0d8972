package org.screener.cli;

import picocli.CommandLine.Command;

/** Write a synthetic CT cohort with lesion masks (NIfTI) and a manifest. */
@Command(name = "synth", description = "Write a synthetic CT cohort with lesion masks (NIfTI) and a manifest.")
public final class SynthCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() {
        System.err.println("screener synth: not implemented yet");
        return 2;
    }
}
