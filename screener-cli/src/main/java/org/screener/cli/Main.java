package org.screener.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./screener}. Bad input ends with exit code 2 and a one-line message, never a stack trace. */
@Command(name = "screener", mixinStandardHelpOptions = true, version = "screener 0.1.0",
        description = "Unsupervised pathology segmentation in 3D CT.",
        subcommands = {BenchCommand.class, InfoCommand.class, SynthCommand.class, EvaluateCommand.class, TrainCommand.class, PredictCommand.class, DemoCommand.class})
public final class Main implements Runnable {
    @Override public void run() { CommandLine.usage(this, System.out); }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Every subcommand answers --help and --version, without each having to declare it. */
    private static void addHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().mixinStandardHelpOptions(true);
            addHelpOptions(sub);
        }
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        addHelpOptions(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof IllegalStateException || ex instanceof org.screener.data.sampling.LoaderException) {
                // one line: longer explanations (e.g. both training configs) stay in the exception for API users
                String msg = String.valueOf(ex.getMessage()).lines().findFirst().orElse("");
                cmd.getErr().println("screener " + cmd.getCommandName() + ": " + msg);
                return 2;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("screener: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 2;
        });
        return cl;
    }
}
