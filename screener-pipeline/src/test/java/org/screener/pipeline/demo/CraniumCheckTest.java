package org.screener.pipeline.demo;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.screener.data.Volume;
import org.screener.data.io.Volumes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class CraniumCheckTest {
    /** A "head" of parenchyma (30 HU) on slices k 30..89 of a grid that holds the whole box, air elsewhere. */
    static Volume phantom() {
        int nx = 130, ny = 210, nz = 90;
        float[] hu = new float[nx * ny * nz];
        for (int k = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) hu[(k * ny + j) * nx + i] = k >= 30 && j >= 20 ? 30 : -1000;
        double[] sp = {1, 1, 1};
        return Volume.ofFloats(nx, ny, nz, hu, sp, Volume.diagonalAffine(sp, null));
    }

    @Test void aMapOfTheBoxIsFoundAndAFlatMapIsNot() {
        Volume v = phantom();
        boolean[] brain = CraniumCheck.brain(v), box = CraniumCheck.box(v);
        long nBrain = 0, nBox = 0;
        for (int p = 0; p < brain.length; p++) { if (brain[p]) nBrain++; if (brain[p] && box[p]) nBox++; }
        assertEquals(130L * 190 * (90 - 40), nBrain);   // slices k 40..89, rows j 20..209
        assertEquals(46L * 51 * 25, nBox);

        float[] inBox = new float[brain.length];
        Random r = new Random(1);
        for (int p = 0; p < inBox.length; p++) inBox[p] = (box[p] ? 1 : 0) + 0.01f * (float) r.nextDouble();
        CraniumCheck.Result found = CraniumCheck.measure("box", inBox, brain, box);
        assertEquals(1.0, found.auroc(), 0);
        assertEquals(1.0, found.topShare(), 0);   // the box holds more than 1 % of the parenchyma
        assertEquals(1.005, found.meanBox(), 0.001);
        assertEquals(0.005, found.meanRest(), 0.001);
        assertEquals((double) nBox / nBrain, found.boxShare(), 1e-12);

        CraniumCheck.Result flat = CraniumCheck.measure("flat", new float[brain.length], brain, box);
        assertEquals(0.5, flat.auroc(), 0);   // ties count 1/2

        float[] outside = new float[brain.length];
        for (int p = 0; p < outside.length; p++) outside[p] = box[p] ? 0 : 1;
        assertEquals(0.0, CraniumCheck.measure("outside", outside, brain, box).auroc(), 0);
    }

    @Test void refusesAScanWithoutParenchymaInTheBox() {
        double[] sp = {1, 1, 1};
        Volume small = Volume.ofFloats(50, 50, 50, new float[50 * 50 * 50], sp, Volume.diagonalAffine(sp, null));
        boolean[] brain = CraniumCheck.brain(small), box = CraniumCheck.box(small);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CraniumCheck.measure("m", new float[brain.length], brain, box));
        assertTrue(e.getMessage().contains("cranium"), e.getMessage());
    }

    /** The same numbers as examples/scripts/cranium_box.py on the real scan (a second, numpy implementation). */
    @Test void matchesTheScriptOnTheRealHeadCt() throws Exception {
        String shared = System.getProperty("screener.sharedData", "../../shared/data");
        Path file = Path.of(shared, "ct", "cranium_ct.nii.gz");
        if (!Files.isRegularFile(file)) {
            System.err.println("SKIPPED: real head CT not found at " + file.toAbsolutePath());
            Assumptions.assumeTrue(false, "real head CT not found at " + file.toAbsolutePath());
        }
        Volume scan = Volumes.read(file);
        boolean[] brain = CraniumCheck.brain(scan), box = CraniumCheck.box(scan);
        CraniumCheck.Result base = CraniumCheck.measure("own", CraniumCheck.ownIntensityBaseline(scan), brain, box);
        // python3 examples/scripts/cranium_box.py ../shared/data/ct/cranium_ct.nii.gz <any map>, last line
        assertEquals(680_935, base.brainVoxels());
        assertEquals(22_035, base.boxVoxels());
        assertEquals(2.683, base.meanBox(), 0.0005);
        assertEquals(2.617, base.meanRest(), 0.0005);
        assertEquals(0.539, base.auroc(), 0.0005);
        assertEquals(0.045, base.topShare(), 0.0005);
    }
}
