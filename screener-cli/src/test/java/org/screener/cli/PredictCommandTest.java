package org.screener.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backends;
import org.screener.data.Volume;
import org.screener.data.io.Nifti;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.data.preprocess.Preprocessor;
import org.screener.data.sampling.VolumeSource;
import org.screener.data.synth.Cohort;
import org.screener.data.synth.SynthConfig;
import org.screener.nn.unet.UNet3dConfig;
import org.screener.pipeline.DensityConfig;
import org.screener.pipeline.DensityStage;
import org.screener.pipeline.DescriptorConfig;
import org.screener.pipeline.DescriptorStage;
import org.screener.pipeline.ModelDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PredictCommandTest {
    @TempDir static Path tmp;
    static Path model, scan;
    static Volume scanVolume;

    /** A tiny model: 2 descriptor steps, then density config saved but not yet trained (trained in the test). */
    static ModelDir.Config config() {
        PreprocessConfig prep = PreprocessConfig.defaults();
        prep.targetSpacing = new double[]{5, 5, 7.5};
        prep.clahe = false;
        DescriptorConfig d = DescriptorConfig.cpuSmall();
        d.unet = new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 8);
        d.cropSize = new int[]{16, 16, 16};
        d.voxelsPerPair = 64;
        d.expanderWidth = 64;
        d.steps = 2;
        d.lr = 3e-3;
        d.checkpointEvery = 100;
        ModelDir.Config c = new ModelDir.Config();
        c.seed = 3;
        c.preprocess = prep;
        c.descriptor = d;
        return c;
    }

    static VolumeSource source(PreprocessConfig prep) {
        Cohort c = new Cohort(SynthConfig.tiny(), 2, 0, List.of(), 7, 0);
        List<Volume> vols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            vols.add(Preprocessor.run(c.generate(i).image, null, prep).image());
            names.add(c.name(i));
        }
        return VolumeSource.of(vols, names);
    }

    @BeforeAll static void descriptorOnly() throws Exception {
        model = tmp.resolve("model");
        ModelDir.Config cfg = config();
        assertTrue(DescriptorStage.run(new ModelDir(model), source(cfg.preprocess), cfg, Backends.getDefault(), null).finished());
        scanVolume = new Cohort(SynthConfig.tiny(), 1, 0, List.of(), 31, 0).generate(0).image;
        scan = tmp.resolve("scan.nii.gz");
        Nifti.write(scanVolume, scan);
    }

    @Test void missingDensityExitsWithTwoAndNamesTheStage() {
        StringWriter err = new StringWriter();
        assertEquals(2, Cli.run(err, "predict", "--model", tmp.resolve("model-no-density").toString(), "--image", scan.toString(),
                "--out", tmp.resolve("x.nii.gz").toString()), err.toString());
        // only a descriptor: say which stage to train, in one line
        Path copy = tmp.resolve("descriptor-only");
        copyDir(model, copy);
        StringWriter err2 = new StringWriter();
        assertEquals(2, Cli.run(err2, "predict", "--model", copy.toString(), "--image", scan.toString(),
                "--out", tmp.resolve("y.nii.gz").toString()));
        String msg = err2.toString().trim();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains("density stage"), msg);
        // bad image and bad overlap
        StringWriter err3 = new StringWriter();
        assertEquals(2, Cli.run(err3, "predict", "--model", copy.toString(), "--image", tmp.resolve("none.nii.gz").toString(),
                "--out", tmp.resolve("z.nii.gz").toString()));
        StringWriter err4 = new StringWriter();
        assertEquals(2, Cli.run(err4, "predict", "--model", copy.toString(), "--image", scan.toString(),
                "--out", tmp.resolve("z.nii.gz").toString(), "--overlap", "1.5"));
        assertTrue(err4.toString().contains("overlap"), err4.toString());
        StringWriter err5 = new StringWriter();
        assertEquals(2, Cli.run(err5, "predict", "--model", copy.toString(), "--image", scan.toString(),
                "--out", tmp.resolve("z.nii.gz").toString(), "--sigma", "0"));
        assertTrue(err5.toString().contains("sigma"), err5.toString());
    }

    @Test void writesTheMapAndThePng() throws Exception {
        Path m = tmp.resolve("full");
        copyDir(model, m);
        ModelDir dir = new ModelDir(m);
        ModelDir.Config cfg = dir.readConfig();
        DensityConfig d = DensityConfig.cpuSmall();
        d.kind = "gaussian";
        d.condition = "sincos";
        d.sincosFrequencies = 2;
        d.cropSize = new int[]{16, 16, 12};
        d.cropsPerBatch = 2;
        d.gaussianHidden = 8;
        d.steps = 3;
        d.checkpointEvery = 10;
        cfg.density = d;
        assertTrue(DensityStage.run(dir, source(cfg.preprocess), cfg, Backends.getDefault(), null).finished());

        Path out = tmp.resolve("maps").resolve("scan_map.nii.gz");
        StringWriter err = new StringWriter();
        assertEquals(0, Cli.run(err, "predict", "--model", m.toString(), "--image", scan.toString(), "--out", out.toString(),
                "--overlap", "0.25"), err.toString());
        assertTrue(err.toString().contains("ETA"), err.toString());
        Volume map = Nifti.read(out);
        assertArrayEquals(scanVolume.dims(), map.dims());
        double[][] a = Nifti.read(scan).affine(), b = map.affine();
        for (int r = 0; r < 4; r++) assertArrayEquals(a[r], b[r], 1e-6, "affine row " + r);
        for (float v : map.floats()) assertTrue(Float.isFinite(v));
        Path png = out.resolveSibling("scan_map.png");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "PNG readable");
        assertTrue(img.getWidth() > 4 * 100 && img.getHeight() > 100, img.getWidth() + "x" + img.getHeight());
    }

    static void copyDir(Path from, Path to) {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
