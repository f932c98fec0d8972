package org.screener.data.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;
import org.screener.data.io.Nifti;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class CohortTest {
    @TempDir Path tmp;

    @Test void writesReadableCohortWithConsistentManifest() throws IOException {
        SynthConfig cfg = SynthConfig.tiny();
        Cohort cohort = new Cohort(cfg, 4, 2, List.of(LesionKind.LIVER_TUMOR, LesionKind.LUNG_NODULE), 11, 1.0);
        List<List<Lesion>> lesions = cohort.write(tmp, true, null);
        List<String> man = Files.readAllLines(tmp.resolve("manifest.csv"));
        assertEquals("image,mask,split,lesions", man.get(0));
        assertEquals(5, man.size());
        for (int i = 0; i < 4; i++) {
            String[] f = man.get(i + 1).split(",", -1);
            assertEquals(4, f.length);
            assertEquals(String.format("images/case_%03d.nii.gz", i), f[0]);
            assertEquals(String.format("masks/case_%03d.nii.gz", i), f[1]);
            assertEquals(i < 2 ? "train" : "test", f[2]);
            Volume img = Nifti.read(tmp.resolve(f[0])), mask = Nifti.read(tmp.resolve(f[1]));
            SynthCase c = cohort.generate(i);
            assertArrayEquals(c.image.shorts(), img.shorts());
            assertArrayEquals(cfg.spacing(), img.spacing(), 1e-5);
            assertArrayEquals(new int[]{cfg.nx, cfg.ny, cfg.nz}, img.dims());
            float[] m = mask.floats();
            TreeSet<Integer> labels = new TreeSet<>();
            for (float x : m) if (x != 0) labels.add((int) x);
            TreeSet<Integer> expected = new TreeSet<>();
            for (Lesion l : lesions.get(i)) expected.add(l.kind.label);
            assertEquals(expected, labels, "labels in mask file of case " + i);
            assertEquals(Cohort.summary(lesions.get(i)), f[3]);
            int planned = cohort.lesionPlan(i).size();
            if (i < 2) assertEquals(1, planned, "train lesion probability 1");
            else assertTrue(planned >= 1 && planned <= 3);
            BufferedImage png = ImageIO.read(tmp.resolve(String.format("png/case_%03d.png", i)).toFile());
            assertNotNull(png);
            assertTrue(png.getWidth() > png.getHeight());
        }
        long rows = Files.readAllLines(tmp.resolve("lesions.csv")).size() - 1;
        assertEquals(lesions.stream().mapToInt(List::size).sum(), rows);
    }

    @Test void healthyTrainingWhenProbabilityZeroAndCaseIndependentOfCohortSize() {
        SynthConfig cfg = SynthConfig.tiny();
        Cohort a = new Cohort(cfg, 10, 3, List.of(LesionKind.values()), 5, 0.0);
        for (int i = 0; i < 7; i++) assertTrue(a.lesionPlan(i).isEmpty());
        for (int i = 7; i < 10; i++) assertFalse(a.lesionPlan(i).isEmpty());
        // every kind is in a test split of at least K cases: test case t's first lesion is kind t mod K
        Cohort six = new Cohort(cfg, 10, 6, List.of(LesionKind.values()), 5, 0.0);
        java.util.Set<LesionKind> first = new java.util.HashSet<>();
        for (int t = 0; t < 6; t++) {
            assertEquals(LesionKind.values()[t], six.lesionPlan(4 + t).get(0));
            first.add(six.lesionPlan(4 + t).get(0));
        }
        assertEquals(6, first.size());
        Cohort b = new Cohort(cfg, 20, 3, List.of(LesionKind.values()), 5, 0.0);
        assertEquals(a.caseSeed(4), b.caseSeed(4));
        Cohort rare = new Cohort(cfg, 400, 0, List.of(LesionKind.values()), 5, 0.1);
        int with = 0;
        for (int i = 0; i < 400; i++) with += rare.lesionPlan(i).size();
        assertTrue(with > 20 && with < 65, "about 10% of 400 training scans carry a lesion: " + with);
    }

    @Test void rejectsBadSettings() {
        SynthConfig cfg = SynthConfig.tiny();
        assertThrows(IllegalArgumentException.class, () -> new Cohort(cfg, 0, 0, List.of(), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Cohort(cfg, 3, 4, List.of(LesionKind.CYST), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Cohort(cfg, 3, 1, List.of(LesionKind.CYST), 1, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new Cohort(cfg, 3, 1, List.of(), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> SynthConfig.named("huge"));
    }
}
