package org.screener.cli;

import picocli.CommandLine.Command;

/** Describe a NIfTI file or a DICOM folder: dimensions, spacing, orientation, HU range, series. */
@Command(name = "info", description = "Describe a NIfTI file or a DICOM folder: dimensions, spacing, orientation, HU range, series.")
public final class InfoCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() {
        System.err.println("screener info: not implemented yet");
        return 2;
    }
}
