package org.screener.pipeline;

import org.screener.nn.train.Trainer;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * While open, a JVM shutdown hook (Ctrl-C, SIGTERM) asks the trainer to stop after its current step and waits
 * until the run has written that step's checkpoint, so an interrupted run resumes where it stopped instead of
 * at the last periodic checkpoint.
 */
final class StopOnShutdown implements AutoCloseable {
    private final Trainer trainer;
    private final PrintStream log;
    private final CountDownLatch done = new CountDownLatch(1);
    final Thread hook;

    StopOnShutdown(Trainer trainer, PrintStream log) {
        this.trainer = trainer;
        this.log = log;
        this.hook = new Thread(this::stopAndWait, "screener-train-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** What the hook does; blocks until {@link #close()}. */
    void stopAndWait() {
        log.println("train: stopping after the current step and writing a checkpoint...");
        log.flush();
        trainer.requestStop();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the checkpoint is written
        }
    }
}
