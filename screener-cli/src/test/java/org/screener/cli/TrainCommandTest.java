package org.screener.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.synth.Cohort;
import org.screener.data.synth.SynthConfig;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.unet.UNet3dConfig;
import org.screener.pipeline.ConditionConfig;
import org.screener.pipeline.ModelDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TrainCommandTest {
    @TempDir Path tmp;

    @Test void trainsOnTheTrainSplitAndRefusesMissingImagesUpFront() throws Exception {
        Path data = tmp.resolve("split-cohort");
        new Cohort(SynthConfig.tiny(), 3, 1, List.of(org.screener.data.synth.LesionKind.CYST), 5, 0).write(data, false, null);
        Files.delete(data.resolve("images/case_002.nii.gz"));   // the test scan: never read when training
        StringWriter err = new StringWriter();
        int rc = Cli.run(err, "train", "--data", data.resolve("manifest.csv").toString(), "--out", tmp.resolve("m").toString(), "--steps", "2");
        assertEquals(0, rc, err.toString());
        assertTrue(err.toString().contains("training on its 'train' rows"), err.toString());
        assertEquals("train", new ModelDir(tmp.resolve("m")).readConfig().split);

        StringWriter err2 = new StringWriter();
        rc = Cli.run(err2, "train", "--data", data.resolve("manifest.csv").toString(), "--out", tmp.resolve("m2").toString(),
                "--steps", "2", "--split", "test");
        assertEquals(2, rc, err2.toString());
        assertTrue(err2.toString().contains("case_002.nii.gz does not exist"), err2.toString());
        assertFalse(err2.toString().contains("\tat "), "no stack trace: " + err2);
    }

    @Test void writesTheModelDirAndResumes() throws Exception {
        Path data = tmp.resolve("cohort");
        new Cohort(SynthConfig.tiny(), 2, 0, List.of(), 5, 0).write(data, false, null);
        Path out = tmp.resolve("model");
        StringWriter err = new StringWriter();
        int rc = Cli.run(err, "train", "--data", data.resolve("manifest.csv").toString(), "--out", out.toString(),
                "--preset", "cpu-small", "--seed", "4", "--steps", "2");
        assertEquals(0, rc, err.toString());
        ModelDir dir = new ModelDir(out);
        ModelDir.Config cfg = dir.readConfig();
        assertEquals("vicreg", cfg.descriptor.objective());
        // the model dir keeps its objective: another one is refused, naming both
        StringWriter errObj = new StringWriter();
        assertEquals(2, Cli.run(errObj, "train", "--data", data.resolve("manifest.csv").toString(), "--out", out.toString(),
                "--objective", "infonce", "--steps", "2"), errObj.toString());
        assertTrue(errObj.toString().contains("objective 'vicreg', not 'infonce'"), errObj.toString());
        assertEquals(4, cfg.seed);
        assertEquals(2, cfg.descriptor.steps);
        assertEquals("cpu-small", cfg.descriptor.preset);
        assertEquals(UNet3dConfig.cpuSmall(), Checkpoint.loadUNet(dir.descriptor()).config);
        assertEquals(3, Files.readAllLines(dir.descriptorLosses()).size(), "header + 2 steps");
        assertTrue(Files.isDirectory(dir.descriptorCheckpoints().resolve("step-000000002")));

        // again: resumes from the finished checkpoint, options taken from config.json
        StringWriter err2 = new StringWriter();
        assertEquals(0, Cli.run(err2, "train", "--data", data.toString() + "/images", "--out", out.toString()), err2.toString());
        assertTrue(err2.toString().contains("already trained (2/2 steps)"), err2.toString());

        // other settings than the checkpoints': refused with a one-line message
        StringWriter err4 = new StringWriter();
        assertEquals(2, Cli.run(err4, "train", "--data", data.toString() + "/images", "--out", out.toString(), "--steps", "3"));
        assertEquals(1, err4.toString().trim().lines().filter(l -> !l.startsWith("train: descriptor stage")).count(), err4.toString());
        assertTrue(err4.toString().contains("config differs"), err4.toString());

        // another preset for the same directory is refused
        StringWriter err3 = new StringWriter();
        assertEquals(2, Cli.run(err3, "train", "--data", data.toString(), "--out", out.toString(), "--preset", "paper"));
        assertTrue(err3.toString().contains("cpu-small"), err3.toString());
    }

    @Test void densityStageWritesItsFiles() throws Exception {
        Path data = tmp.resolve("cohort");
        new Cohort(SynthConfig.tiny(), 2, 0, List.of(), 5, 0).write(data, false, null);
        Path out = tmp.resolve("model");
        String manifest = data.resolve("manifest.csv").toString();
        StringWriter err = new StringWriter();
        assertEquals(0, Cli.run(err, "train", "--data", manifest, "--out", out.toString(), "--steps", "2"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(0, Cli.run(err2, "train", "--data", manifest, "--out", out.toString(), "--stage", "density",
                "--density", "flow", "--condition", "sincos", "--steps", "3"), err2.toString());
        ModelDir dir = new ModelDir(out);
        ModelDir.Config cfg = dir.readConfig();
        assertEquals("flow", cfg.density.kind);
        assertEquals("sincos", cfg.density.condition);
        assertEquals(3, cfg.density.steps);
        assertEquals(2, cfg.descriptor.steps, "the descriptor settings stay");
        assertTrue(Files.isRegularFile(dir.density()));
        assertEquals(4, Files.readAllLines(dir.densityLosses()).size(), "header + 3 steps");
        assertTrue(Files.isDirectory(dir.densityCheckpoints().resolve("step-000000003")));

        StringWriter err3 = new StringWriter();
        assertEquals(2, Cli.run(err3, "train", "--data", manifest, "--out", out.toString(), "--stage", "density", "--density", "kde"));
        assertTrue(err3.toString().contains("kde"), err3.toString());
    }

    @Test void conditionStageWritesItsFilesAndAllRunsBoth() throws Exception {
        Path data = tmp.resolve("cohort");
        new Cohort(SynthConfig.tiny(), 2, 0, List.of(), 5, 0).write(data, false, null);
        Path out = tmp.resolve("model");
        StringWriter err = new StringWriter();
        assertEquals(0, Cli.run(err, "train", "--data", data.resolve("manifest.csv").toString(), "--out", out.toString(), "--stage", "condition",
                "--seed", "3", "--steps", "2", "--objective", "infonce"), err.toString());
        ModelDir dir = new ModelDir(out);
        ModelDir.Config cfg = dir.readConfig();
        assertEquals("infonce", cfg.condition.objective);
        assertEquals("infonce", cfg.descriptor.objective, "both UNets of a model dir share the objective");
        assertFalse(Files.readAllLines(dir.conditionLosses()).get(0).contains("invariance"), "InfoNCE has no VICReg terms to log");
        assertEquals(2, cfg.condition.steps);
        assertEquals("cpu-small", cfg.condition.preset);
        assertEquals(ConditionConfig.cpuSmall().unet, Checkpoint.loadUNet(dir.condition()).config);
        assertEquals(3, Files.readAllLines(dir.conditionLosses()).size(), "header + 2 steps");
        assertTrue(Files.isDirectory(dir.conditionCheckpoints().resolve("step-000000002")));
        assertFalse(Files.exists(dir.descriptor()), "only the condition stage ran");
        assertTrue(err.toString().contains("train: condition stage"), err.toString());

        // all: trains the descriptor now, finds the condition stage done
        StringWriter err2 = new StringWriter();
        assertEquals(0, Cli.run(err2, "train", "--data", data.resolve("images").toString(), "--out", out.toString(), "--stage", "all", "--steps", "2"),
                err2.toString());
        assertEquals(UNet3dConfig.cpuSmall(), Checkpoint.loadUNet(dir.descriptor()).config);
        assertEquals(3, Files.readAllLines(dir.descriptorLosses()).size());
        String log = err2.toString();
        assertTrue(log.indexOf("train: descriptor stage") < log.indexOf("train: condition stage"), log);
        assertTrue(log.contains("already trained (2/2 steps); wrote " + dir.condition()), log);
    }

    @Test void badInputExitsWithTwo() {
        for (String[] args : new String[][]{
                {"train", "--data", tmp.resolve("missing").toString(), "--out", tmp.resolve("m").toString()},
                {"train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString(), "--stage", "condition"},
                {"train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString(), "--stage", "density"},
                {"train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString(), "--stage", "nonsense"},
                {"train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString(), "--preset", "huge"},
                {"train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString(), "--steps", "1"},
                {"train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString(), "--objective", "simclr"},
                {"train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString()}}) {   // no volumes
            StringWriter err = new StringWriter();
            assertEquals(2, Cli.run(err, args), String.join(" ", args) + ": " + err);
            String msg = err.toString().trim();
            assertFalse(msg.isEmpty());
            assertFalse(msg.contains("\tat "), "no stack trace: " + msg);
        }
        StringWriter err = new StringWriter();
        Cli.run(err, "train", "--data", tmp.toString(), "--out", tmp.resolve("m").toString(), "--stage", "density");
        assertTrue(err.toString().contains("needs a trained descriptor"), err.toString());
    }
}
