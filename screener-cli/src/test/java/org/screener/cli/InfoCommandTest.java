package org.screener.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;
import org.screener.data.io.Nifti;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class InfoCommandTest {
    @TempDir Path tmp;

    static String[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[]{Integer.toString(code), out.toString(), err.toString()};
    }

    @Test void describesANiftiFile() throws Exception {
        short[] d = new short[4 * 3 * 2];
        for (int i = 0; i < d.length; i++) d[i] = (short) (i * 10 - 1000);
        Path f = tmp.resolve("v.nii.gz");
        Nifti.write(Volume.ofShorts(4, 3, 2, d, new double[]{0.5, 0.75, 2}, Volume.diagonalAffine(new double[]{-0.5, -0.75, 2}, null)), f);
        String[] r = run("info", f.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("dimensions: 4 x 3 x 2 (int16)"), r[1]);
        assertTrue(r[1].contains("spacing: 0.5000 x 0.7500 x 2.000 mm"), r[1]);
        assertTrue(r[1].contains("orientation: LPS"), r[1]);
        assertTrue(r[1].contains("value range: -1000 .. -770"), r[1]);
    }

    @Test void badInputIsOneLineAndExitCode2() throws Exception {
        Path junk = tmp.resolve("junk.nii");
        Files.write(junk, new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
        String[] r = run("info", junk.toString());
        assertEquals("2", r[0]);
        assertEquals("screener info: " + junk + ": not a NIfTI-1/2 file (sizeof_hdr=" + 0x04030201 + ")", r[2].strip());
        r = run("info", tmp.resolve("missing").toString());
        assertEquals("2", r[0]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        r = run("info", tmp.toString()); // folder without DICOM
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no DICOM images found"), r[2]);
    }
}
