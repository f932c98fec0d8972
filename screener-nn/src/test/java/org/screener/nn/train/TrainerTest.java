package org.screener.nn.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Tensor;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Losses;
import org.screener.nn.Module;
import org.screener.core.Backends;
import org.screener.nn.layers.BatchNorm;
import org.screener.nn.layers.Conv3d;
import org.screener.nn.layers.Linear;
import org.screener.nn.layers.Sequential;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.LrSchedule;
import org.screener.nn.optim.Optimizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resumability of {@link Trainer}: interrupted and resumed runs equal uninterrupted ones bit for bit. */
class TrainerTest {
    static final int IN = 5, OUT = 3, BATCH = 8, TOTAL = 20;
    static final String CONFIG = "{\"model\":\"linear 5->3\"}";
    static final long SEED = 42;

    /** Thrown by the step function to simulate an interruption. */
    static final class Interrupted extends RuntimeException {
        Interrupted(long step) { super("interrupted at step " + step); }
    }

    /**
     * A tiny regression problem: learn a fixed random linear map from fresh random batches, with AdamW,
     * warm-up + cosine lr and clipping, checkpoints every 5 steps. The step function throws at failAt (0-based).
     */
    static Trainer linearRun(Path dir, Linear model, long failAt) {
        Optimizer opt = new AdamW(model.namedParameters(), 1e-2, 0.9, 0.999, 1e-8, 0.01);
        Random t = new Random(7);
        float[] truth = new float[OUT * IN];
        for (int i = 0; i < truth.length; i++) truth[i] = (float) t.nextGaussian();
        Tensor w = Tensor.of(truth, OUT, IN);
        StepFunction fn = (step, rnd) -> {
            Tensor x = Tensor.randn(w.backend(), rnd, 1f, BATCH, IN);
            Tensor y = Linalg.matmul(x, w, false, true);
            Tensor loss = Losses.mse(model.forward(x), y);
            loss.backward();
            if (step == failAt) throw new Interrupted(step);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", loss.itemDouble());
            m.put("bias_l2", (double) model.bias.tensor().square().sum().item());
            return m;
        };
        return new Trainer(model, opt, fn, TOTAL, dir).seed(SEED).config(CONFIG)
                .schedule(LrSchedule.warmupCosine(0.1, 3, TOTAL, 1e-3)).clipGradNorm(2.0)
                .checkpointEvery(5).keepLast(2).progress(0, 0, null);
    }

    static Linear linear(long initSeed) { return new Linear(IN, OUT, true, new Random(initSeed)); }

    static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    static void assertSameWeights(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), k); // exact: no tolerance
    }

    static List<String> stepDirs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }

    @Test
    void interruptedAndResumedRunEqualsUninterrupted(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Linear ma = linear(1);
        Map<String, float[]> init = weights(ma);
        Trainer ta = linearRun(a, ma, -1);
        assertEquals(0, ta.resume());
        ta.run();
        assertEquals(TOTAL, ta.step());
        Map<String, float[]> finalA = weights(ma);
        assertNotEquals(init.get("weight")[0], finalA.get("weight")[0]);

        // the log: header once, one row per step in order
        List<String> csv = Files.readAllLines(a.resolve(Trainer.LOSSES));
        assertEquals("step,lr,loss,bias_l2,grad_norm", csv.get(0));
        assertEquals(TOTAL + 1, csv.size());
        for (int i = 1; i <= TOTAL; i++) assertTrue(csv.get(i).startsWith(i + ","), csv.get(i));
        // the model learns: later losses are well below the first
        double first = Double.parseDouble(csv.get(1).split(",")[2]), last = Double.parseDouble(csv.get(TOTAL).split(",")[2]);
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        // keep the last two checkpoints
        assertEquals(List.of("step-000000015", "step-000000020"), stepDirs(a));

        // interrupted in the 13th step (index 12), after checkpoints 5 and 10
        Trainer tb = linearRun(b, linear(1), 12);
        tb.resume();
        assertThrows(Interrupted.class, tb::run);
        assertEquals(List.of("step-000000005", "step-000000010"), stepDirs(b));
        assertEquals(1 + 12, Files.readAllLines(b.resolve(Trainer.LOSSES)).size()); // rows 11 and 12 are beyond the checkpoint

        // resume into a differently initialised model and optimizer: everything comes from the checkpoint
        Linear mb = linear(99);
        Trainer tb2 = linearRun(b, mb, -1);
        assertEquals(10, tb2.resume());
        tb2.run();
        assertSameWeights(finalA, weights(mb));
        assertEquals(Files.readString(a.resolve(Trainer.LOSSES)), Files.readString(b.resolve(Trainer.LOSSES)));
        assertEquals(List.of("step-000000015", "step-000000020"), stepDirs(b));
    }

    /** A requested stop checkpoints the step it stopped at; resuming from there still matches the uninterrupted run. */
    @Test
    void requestedStopCheckpointsAndResumesExactly(@TempDir Path tmp) throws Exception {
        Linear ref = linear(1);
        Trainer tr = linearRun(tmp.resolve("ref"), ref, -1);
        tr.resume();
        assertTrue(tr.run());

        Path dir = tmp.resolve("stop");
        Trainer[] holder = new Trainer[1];
        Linear m = linear(1);
        Trainer inner = linearRun(dir, m, -1);
        // wrap the step function's trainer: stop during the 13th step
        Trainer t = new Trainer(m, inner.optimizer(), (step, rnd) -> {
            Map<String, Double> r = inner.stepFunction().step(step, rnd);
            if (step == 12) holder[0].requestStop();
            return r;
        }, TOTAL, dir).seed(SEED).config(CONFIG).schedule(LrSchedule.warmupCosine(0.1, 3, TOTAL, 1e-3)).clipGradNorm(2.0)
                .checkpointEvery(5).keepLast(2).progress(0, 0, null);
        holder[0] = t;
        t.resume();
        assertFalse(t.run());
        assertEquals(13, t.step());
        assertEquals(List.of("step-000000010", "step-000000013"), stepDirs(dir));

        Linear m2 = linear(3);
        Trainer t2 = linearRun(dir, m2, -1);
        assertEquals(13, t2.resume());
        assertTrue(t2.run());
        assertSameWeights(weights(ref), weights(m2));
        assertEquals(Files.readString(tmp.resolve("ref").resolve(Trainer.LOSSES)), Files.readString(dir.resolve(Trainer.LOSSES)));
    }

    /** Conv3d + BatchNorm: buffers (running statistics) are checkpointed and restored too. */
    static Trainer convRun(Path dir, long initSeed, long failAt) {
        Random init = new Random(initSeed);
        Sequential net = new Sequential(new Conv3d(1, 2, 3, 1, 1, true, init), new BatchNorm(2));
        Optimizer opt = new AdamW(net.namedParameters(), 0.05, 0.9, 0.999, 1e-8, 0);
        StepFunction fn = (step, rnd) -> {
            Tensor x = Tensor.randn(Backends.getDefault(), rnd, 1f, 2, 1, 3, 5, 4);
            Tensor loss = Losses.mse(net.forward(x), x.mul(2f).add(1f).add(Tensor.zeros(2, 2, 3, 5, 4)));
            loss.backward();
            if (step == failAt) throw new Interrupted(step);
            return Map.of("loss", loss.itemDouble());
        };
        return new Trainer(net, opt, fn, 8, dir).seed(SEED).config("conv").checkpointEvery(4).progress(0, 0, null);
    }

    @Test
    void convWithBatchNormResumesExactly(@TempDir Path tmp) throws Exception {
        Trainer a = convRun(tmp.resolve("a"), 1, -1);
        a.resume();
        a.run();
        Map<String, float[]> expected = weights(a.model());
        float[] rm = expected.get("1.running_mean");
        assertTrue(rm != null && rm[0] != 0f, "running statistics should have moved: " + expected.keySet());

        Trainer b = convRun(tmp.resolve("b"), 1, 5);
        b.resume();
        assertThrows(Interrupted.class, b::run);
        Trainer b2 = convRun(tmp.resolve("b"), 2, -1);
        assertEquals(4, b2.resume());
        b2.run();
        assertSameWeights(expected, weights(b2.model()));
        assertEquals(Files.readString(tmp.resolve("a").resolve(Trainer.LOSSES)), Files.readString(tmp.resolve("b").resolve(Trainer.LOSSES)));
    }

    @Test
    void stepRandomDependsOnSeedAndStepOnly() {
        assertEquals(Trainer.stepRandom(3, 17).nextLong(), Trainer.stepRandom(3, 17).nextLong());
        assertNotEquals(Trainer.stepRandom(3, 17).nextLong(), Trainer.stepRandom(3, 18).nextLong());
        assertNotEquals(Trainer.stepRandom(3, 17).nextLong(), Trainer.stepRandom(4, 17).nextLong());
    }

    /** Crash just before each file of the step-20 checkpoint: step 10 stays the one to resume, and resuming finishes the run exactly. */
    @Test
    void crashWhileCheckpointingKeepsPreviousCheckpoint(@TempDir Path tmp) throws Exception {
        Linear ref = linear(1);
        Trainer tr = linearRun(tmp.resolve("ref"), ref, -1).checkpointEvery(10);
        tr.resume();
        tr.run();
        Map<String, float[]> expected = weights(ref);

        for (String victim : List.of(CheckpointDir.MODEL, CheckpointDir.OPTIMIZER, CheckpointDir.STATE)) {
            Path dir = tmp.resolve("crash-" + victim);
            Linear m = linear(1);
            Trainer t = linearRun(dir, m, -1).checkpointEvery(10);
            Map<String, float[]> at10 = new LinkedHashMap<>();
            t.writeHook = f -> {
                if (f.getParent().getFileName().toString().equals("step-000000010") && f.getFileName().toString().equals(CheckpointDir.MODEL))
                    at10.putAll(weights(m));
                if (f.getParent().getFileName().toString().equals("step-000000020") && f.getFileName().toString().equals(victim))
                    throw new IOException("simulated crash before writing " + f);
            };
            t.resume();
            IOException e = assertThrows(IOException.class, t::run);
            assertTrue(e.getMessage().contains("simulated crash"));
            assertEquals(10, new CheckpointDir(dir).newest().orElseThrow().state().step, victim);
            // no temp files left behind by the completed writes
            try (Stream<Path> s = Files.walk(dir)) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), victim);
            }

            Linear m2 = linear(5);
            Trainer t2 = linearRun(dir, m2, -1).checkpointEvery(10);
            assertEquals(10, t2.resume(), victim);
            assertSameWeights(at10, weights(m2));
            t2.run();
            assertSameWeights(expected, weights(m2));
            assertEquals(Files.readString(tmp.resolve("ref").resolve(Trainer.LOSSES)), Files.readString(dir.resolve(Trainer.LOSSES)), victim);
        }
    }

    @Test
    void tornStateFileIsNotACompleteCheckpoint(@TempDir Path tmp) throws Exception {
        Linear m = linear(1);
        Trainer t = linearRun(tmp, m, 12);
        t.resume();
        assertThrows(Interrupted.class, t::run);
        // a later directory whose state file is garbage (torn by a crash) and one with no state at all
        Path torn = new CheckpointDir(tmp).dirFor(15);
        Files.createDirectories(torn);
        Files.copy(tmp.resolve("step-000000010").resolve(CheckpointDir.MODEL), torn.resolve(CheckpointDir.MODEL));
        Files.copy(tmp.resolve("step-000000010").resolve(CheckpointDir.OPTIMIZER), torn.resolve(CheckpointDir.OPTIMIZER));
        Files.writeString(torn.resolve(CheckpointDir.STATE), "{\"step\": 15, \"se");
        Files.createDirectories(new CheckpointDir(tmp).dirFor(20));
        assertEquals(10, linearRun(tmp, linear(2), -1).resume());
    }

    @Test
    void mismatchedResumeIsRefusedClearly(@TempDir Path tmp) throws Exception {
        Trainer t = linearRun(tmp, linear(1), 7);
        t.resume();
        assertThrows(Interrupted.class, t::run); // checkpoint at 5

        IllegalStateException cfg = assertThrows(IllegalStateException.class,
                () -> linearRun(tmp, linear(1), -1).config("{\"model\":\"other\"}").resume());
        assertTrue(cfg.getMessage().contains("config differs") && cfg.getMessage().contains("other"), cfg.getMessage());
        String first = cfg.getMessage().lines().findFirst().orElse("");
        assertTrue(first.contains("vs this run {\"model\":\"other\"}"), "the first line names the difference: " + first);
        assertEquals("checkpoint \"steps\": 600, vs this run \"steps\": 3,",
                Trainer.firstDifference("{\n  \"a\": 1,\n  \"steps\": 600,\n}", "{\n  \"a\": 1,\n  \"steps\": 3,\n}"));
        assertEquals("checkpoint (end) vs this run }", Trainer.firstDifference("{", "{\n}"));

        IllegalStateException seed = assertThrows(IllegalStateException.class, () -> linearRun(tmp, linear(1), -1).seed(SEED + 1).resume());
        assertTrue(seed.getMessage().contains("seed"), seed.getMessage());

        // same config string but a model of another shape
        Linear wide = new Linear(IN + 1, OUT, true, new Random(1));
        Trainer tw = new Trainer(wide, new AdamW(wide.namedParameters(), 1e-2, 0.9, 0.999, 1e-8, 0), (s, r) -> Map.of(), TOTAL, tmp)
                .seed(SEED).config(CONFIG);
        IllegalStateException shape = assertThrows(IllegalStateException.class, tw::resume);
        assertTrue(shape.getMessage().contains("model does not match") && shape.getMessage().contains("weight")
                && shape.getMessage().contains("[3, 5]"), shape.getMessage());

        // starting afresh over an existing run is refused too
        IllegalStateException fresh = assertThrows(IllegalStateException.class, () -> linearRun(tmp, linear(1), -1).run());
        assertTrue(fresh.getMessage().contains("resume()"), fresh.getMessage());
    }

    static final Pattern LINE = Pattern.compile(
            "step (\\d+)/(\\d+) \\((\\d+\\.\\d)%\\) \\| loss (\\S+) \\| lr (\\S+) \\| (\\S+) steps/s \\| ETA (\\d+:\\d\\d:\\d\\d)");

    @Test
    void etaFormatting() {
        assertEquals("0:00:00", Progress.formatEta(0));
        assertEquals("0:01:00", Progress.formatEta(59.6));
        assertEquals("1:02:05", Progress.formatEta(3725));
        assertEquals("100:00:01", Progress.formatEta(360001));
        assertEquals("?:??:??", Progress.formatEta(Double.NaN));
        for (long s : new long[]{0, 1, 59, 60, 3599, 3600, 86399, 360001}) assertEquals(s, Progress.parseEta(Progress.formatEta(s)));
        assertThrows(IllegalArgumentException.class, () -> Progress.parseEta("1:2:3"));
        assertThrows(IllegalArgumentException.class, () -> Progress.parseEta("0:61:00"));
    }

    /** With a fake clock ticking 2 s per step: 0.5 steps/s and ETA = 2 s per remaining step; constant losses stay unbiased. */
    @Test
    void progressLinesWithFakeClock() {
        long[] now = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(100, 40, 25, 0, out, () -> now[0]);
        for (long done = 41; done <= 100; done++) {
            now[0] += 2_000_000_000L;
            p.update(done, Map.of("loss", 2.0), 1e-3);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, String.join("\n", lines)); // steps 50, 75, 100
        long[] steps = {50, 75, 100};
        for (int i = 0; i < 3; i++) {
            Matcher m = LINE.matcher(lines[i]);
            assertTrue(m.matches(), lines[i]);
            assertEquals(steps[i], Long.parseLong(m.group(1)));
            assertEquals(100, Long.parseLong(m.group(2)));
            assertEquals(2.0, Double.parseDouble(m.group(4)), 1e-3);
            assertEquals(1e-3, Double.parseDouble(m.group(5)), 1e-9);
            assertEquals(0.5, Double.parseDouble(m.group(6)), 1e-9);
            assertEquals(2 * (100 - steps[i]), Progress.parseEta(m.group(7)));
        }
        // time-based lines: every 5 s with 2 s steps gives a line every third step
        bytes.reset();
        now[0] = 0;
        Progress q = new Progress(10, 0, 0, 5, out, () -> now[0]);
        for (long done = 1; done <= 10; done++) {
            now[0] += 2_000_000_000L;
            q.update(done, Map.of("loss", 1.0), 1e-3);
        }
        List<Long> printed = new ArrayList<>();
        for (String l : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            Matcher m = LINE.matcher(l);
            assertTrue(m.matches(), l);
            printed.add(Long.parseLong(m.group(1)));
        }
        assertEquals(List.of(3L, 6L, 9L, 10L), printed);
    }

    @Test
    void trainerPrintsProgress(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Trainer t = linearRun(tmp, linear(1), -1).progress(5, 0, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        t.resume();
        t.run();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length);
        Pattern withExtra = Pattern.compile("step (\\d+)/20 \\(\\S+%\\) \\| loss \\S+ bias_l2 \\S+ \\| lr \\S+ \\| \\S+ steps/s \\| ETA (\\S+)");
        for (int i = 0; i < 4; i++) {
            Matcher m = withExtra.matcher(lines[i]);
            assertTrue(m.matches(), lines[i]);
            assertEquals(5 * (i + 1), Integer.parseInt(m.group(1)));
        }
        Matcher last = withExtra.matcher(lines[3]);
        assertTrue(last.matches());
        assertEquals(0, Progress.parseEta(last.group(2)));
    }

    @Test
    void lossLogDropsRowsBeyondTheCheckpointAndTornLines(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("l.csv");
        try (LossLog log = LossLog.create(f)) {
            for (int s = 1; s <= 4; s++) log.append(s, 0.5, Map.of("loss", (double) s));
            assertThrows(IllegalArgumentException.class, () -> log.append(5, 0.5, Map.of("other", 1.0)));
        }
        Files.writeString(f, "5,0.5,5.0\n6,0.5,6", java.nio.file.StandardOpenOption.APPEND);
        try (LossLog log = LossLog.resume(f, 2)) {
            log.append(3, 0.25, Map.of());
        }
        assertEquals(List.of("step,lr,loss", "1,0.5,1.0", "2,0.5,2.0", "3,0.25,"), Files.readAllLines(f));
        try (LossLog log = LossLog.resume(f, 10)) {
            log.append(4, 0.25, Map.of("loss", 4.0));
        }
        assertEquals(List.of("step,lr,loss", "1,0.5,1.0", "2,0.5,2.0", "3,0.25,", "4,0.25,4.0"), Files.readAllLines(f));
    }
}
