package org.screener.cli;

import org.junit.jupiter.api.Test;
import org.screener.nn.unet.UNet3d;
import org.screener.pipeline.DescriptorConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchTrainStepCommandTest {
    private static String[] run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = Cli.run(err, args);
        } finally {
            System.setOut(old);
        }
        return new String[]{Integer.toString(code), buf.toString(StandardCharsets.UTF_8), err.toString()};
    }

    @Test void oneGrepableLineWithTheModelsParameterCountAndItsTransfers() {
        String[] r = run("bench", "train-step", "--preset", "cpu-small", "--batch", "1", "--steps", "1", "--warmup", "1",
                "--threads", "1", "--counts");
        assertEquals("0", r[0], r[2]);
        Matcher m = Pattern.compile("train-step preset=cpu-small batch=1 threads=1 steps=1 ms=([0-9.]+) transfers=(\\d+) "
                + "transfer_mb=[0-9.]+ reads=(\\d+) read_mb=[0-9.]+ writes=(\\d+) write_mb=[0-9.]+ alloc_mb=([0-9.]+) "
                + "peak_mb=\\d+ params=(\\d+) load=").matcher(r[1]);
        assertTrue(m.find(), r[1]);
        assertTrue(Double.parseDouble(m.group(1)) > 0, r[1]);
        assertEquals(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)) + Long.parseLong(m.group(4)), r[1]);
        // today's step writes at least the batch and reads at least the loss
        assertTrue(Long.parseLong(m.group(3)) >= 1 && Long.parseLong(m.group(4)) >= 1, r[1]);
        assertTrue(Double.parseDouble(m.group(5)) > 0, r[1]);
        // the UNet by its architecture formula plus the VICReg expander (Linear, GroupNorm, Linear, GroupNorm, Linear)
        DescriptorConfig c = DescriptorConfig.cpuSmall();
        long d = c.unet.outChannels, w = c.expanderWidth;
        long expander = (d * w + w) + 2 * w + (w * w + w) + 2 * w + w * w;
        assertEquals(UNet3d.countParameters(c.unet) + expander, Long.parseLong(m.group(6)), r[1]);
        assertTrue(r[1].contains("train-step-counts counting-cpu: reads=") && r[1].contains("conv3dForward="), r[1]);
    }

    @Test void refusesBadCounts() {
        String[] r = run("bench", "train-step", "--steps", "0");
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("steps 0"), r[2]);
        r = run("bench", "train-step", "--preset", "huge");
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("unknown preset 'huge'"), r[2]);
    }
}
