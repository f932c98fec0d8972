package org.screener.nn.train;

import java.util.Map;
import java.util.Random;

/**
 * One training step of a {@link Trainer}: draw a batch with {@code rnd}, run forward, call backward on the
 * total loss and return the named scalar losses to log (insertion order is the CSV column order). The
 * trainer then clips, schedules, steps the optimizer and zeroes the gradients.
 *
 * <p>{@code rnd} is seeded from (run seed, step) alone, so drawing every random choice of the step from it
 * makes a resumed run see exactly the data of an uninterrupted one.
 */
@FunctionalInterface
public interface StepFunction {
    Map<String, Double> step(long step, Random rnd) throws Exception;
}
