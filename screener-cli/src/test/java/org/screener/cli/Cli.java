package org.screener.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The CLI as the launcher runs it, for tests: exit code returned, error output into {@code err}. */
final class Cli {
    private Cli() {}

    static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }
}
