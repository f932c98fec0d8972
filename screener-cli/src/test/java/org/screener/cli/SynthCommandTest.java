package org.screener.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;
import org.screener.data.io.Nifti;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SynthCommandTest {
    @TempDir Path tmp;

    @Test void writesReadableFiles() throws Exception {
        StringWriter err = new StringWriter();
        Path out = tmp.resolve("cohort");
        int rc = Cli.run(err, "synth", "--out", out.toString(), "--cases", "2", "--lesions", "lung_nodule,cyst", "--seed", "3",
                "--size", "small", "--threads", "2", "--png", "first");
        assertEquals(0, rc, err.toString());
        List<String> man = Files.readAllLines(out.resolve("manifest.csv"));
        assertEquals(3, man.size());
        assertTrue(man.get(1).contains(",train,"));
        assertTrue(man.get(2).contains(",test,"));
        Volume img = Nifti.read(out.resolve("images/case_001.nii.gz"));
        Volume mask = Nifti.read(out.resolve("masks/case_001.nii.gz"));
        assertArrayEquals(new int[]{96, 80, 48}, img.dims());
        assertArrayEquals(img.dims(), mask.dims());
        float[] r = img.range();
        assertTrue(r[0] >= -1024 && r[0] < -900 && r[1] > 150, "HU range " + r[0] + ".." + r[1]);
        boolean any = false;
        for (float x : mask.floats()) if (x == 1 || x == 4) any = true; else assertEquals(0, x);
        assertTrue(any, "test case has a lung nodule or cyst label");
        assertTrue(Files.exists(out.resolve("png/case_000.png")));
    }

    @Test void badOptionsExitTwo() {
        for (String[] args : new String[][]{
                {"synth", "--out", tmp.toString(), "--cases", "0"},
                {"synth", "--out", tmp.toString(), "--cases", "2", "--lesions", "tumour"},
                {"synth", "--out", tmp.toString(), "--cases", "2", "--size", "huge"},
                {"synth", "--out", tmp.toString(), "--cases", "2", "--train-lesion-prob", "2"},
                {"synth", "--out", tmp.toString(), "--cases", "2", "--threads", "0"},
                {"synth", "--cases", "2"},
                {"synth", "--out", tmp.toString(), "--cases", "two"}}) {
            StringWriter err = new StringWriter();
            assertEquals(2, Cli.run(err, args), String.join(" ", args));
            assertFalse(err.toString().isBlank());
            assertFalse(err.toString().contains("Exception"), err.toString());
        }
    }
}
