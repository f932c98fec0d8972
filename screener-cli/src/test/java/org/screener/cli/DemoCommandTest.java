package org.screener.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DemoCommandTest {
    @TempDir Path tmp;

    /** The whole chain on a tiny cohort with a few steps per stage: every artefact the report points to exists. */
    @Test void writesTheReportAndEveryRowsModelAndMaps() throws Exception {
        Path out = tmp.resolve("demo");
        StringWriter err = new StringWriter();
        Path cranium = Path.of(System.getProperty("screener.sharedData", "../../shared/data"), "ct", "cranium_ct.nii.gz");
        boolean haveCranium = Files.isRegularFile(cranium);
        if (!haveCranium) System.err.println("NOTE: real head CT not found at " + cranium.toAbsolutePath() + "; the demo's cranium check is tested as skipped");
        int rc = Cli.run(err, "demo", "--out", out.toString(), "--size", "tiny", "--cases", "3", "--test-cases", "1",
                "--descriptor-steps", "2", "--condition-steps", "2", "--density-steps", "2", "--seed", "3",
                "--descriptor-dim", "5", "--unet-channels", "4,6", haveCranium ? "--cranium=" + cranium : "--no-cranium");
        assertEquals(0, rc, err.toString());
        String config = Files.readString(out.resolve("model/config.json"));
        assertTrue(config.replaceAll("\\s", "").contains("\"channels\":[4,6],\"blocks\":[1,1],\"outChannels\":5"), config);
        String report = Files.readString(out.resolve("report.md"));
        for (String row : new String[]{"Intensity baseline", "None + Gaussian", "Sin-cos pos. + Gaussian", "Masking-invariant + Gaussian",
                "None + Norm. flow", "Sin-cos pos. + Norm. flow", "Masking-invariant + Norm. flow (Screener)"})
            assertTrue(report.contains("| " + row), "report row " + row);
        assertTrue(report.contains("**Met**") || report.contains("**Not met**"), report);
        assertTrue(report.contains("95 % CI (scans)") && report.contains("d = 5"), report);
        assertTrue(report.contains("## The real head CT"), report);
        if (haveCranium) {
            assertTrue(report.contains("Does the Screener map light up the hypodensity?") && report.contains("680,935 voxels"), report);
            assertTrue(Files.isRegularFile(out.resolve("figures/cranium.png")) && Files.isRegularFile(out.resolve("maps/cranium/learned-flow.nii.gz")));
        } else assertTrue(report.contains("Skipped: not asked for"), report);
        assertTrue(Files.isRegularFile(out.resolve("figures/case_002.png")));
        for (String m : new String[]{"intensity", "none-gaussian", "sincos-gaussian", "learned-gaussian", "none-flow", "sincos-flow", "learned-flow"})
            assertTrue(Files.isRegularFile(out.resolve("maps").resolve(m).resolve("case_002.nii.gz")), m);
        assertTrue(Files.isRegularFile(out.resolve("models/learned-flow/density.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("cohort/train.csv")));

        // the row's model dir is a complete model: predict takes it
        StringWriter err2 = new StringWriter();
        assertEquals(0, Cli.run(err2, "predict", "--model", out.resolve("models/learned-flow").toString(), "--image",
                out.resolve("cohort/images/case_002.nii.gz").toString(), "--out", tmp.resolve("map.nii.gz").toString()), err2.toString());

        // rerun: everything is finished, nothing is retrained
        StringWriter err3 = new StringWriter();
        assertEquals(0, Cli.run(err3, "demo", "--out", out.toString(), "--size", "tiny", "--cases", "3", "--test-cases", "1",
                "--descriptor-steps", "2", "--condition-steps", "2", "--density-steps", "2", "--seed", "3",
                "--descriptor-dim", "5", "--unet-channels", "4,6", "--cranium", out.resolve("cohort/images/case_000.nii.gz").toString()),
                err3.toString());
        assertFalse(err3.toString().contains("step 1/"), err3.toString());
        // a scan that is not the head CT: the check says why, the report is still written
        assertTrue(Files.readString(out.resolve("report.md")).contains("could not be checked: CraniumCheck: no brain voxels in the box"),
                Files.readString(out.resolve("report.md")));
    }

    @Test void badSettingsExitWith2() {
        StringWriter err = new StringWriter();
        assertEquals(2, Cli.run(err, "demo", "--out", tmp.resolve("d").toString(), "--cases", "1"));
        assertTrue(err.toString().contains("at least one training and one test scan"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, Cli.run(err2, "demo", "--out", tmp.resolve("d").toString(), "--spacing", "3,0,4"));
        assertTrue(err2.toString().contains("spacing"), err2.toString());
        StringWriter err3 = new StringWriter();
        assertEquals(2, Cli.run(err3, "demo", "--out", tmp.resolve("d").toString(), "--descriptor-dim", "0"));
        assertTrue(err3.toString().contains("descriptor dimension"), err3.toString());
        StringWriter err4 = new StringWriter();
        assertEquals(2, Cli.run(err4, "demo", "--out", tmp.resolve("d").toString(), "--unet-channels", "8,0"));
        assertTrue(err4.toString().contains("UNet channels"), err4.toString());
    }
}
