package org.screener.examples;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.data.Volume;
import org.screener.data.io.Orientation;
import org.screener.data.io.Volumes;
import org.screener.data.preprocess.Preprocessed;
import org.screener.data.preprocess.Preprocessor;
import org.screener.nn.infer.SlidingWindow;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.unet.UNet3d;
import org.screener.pipeline.FeatureCache;
import org.screener.pipeline.LearnedCondition;
import org.screener.pipeline.ModelDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Dumps, for every scan of a demo folder's cohort, the preprocessed image, its lesion mask and the unpooled
 * descriptor and learned-condition maps (sliding window 32³, overlap 0.5) as raw little-endian float32 files
 * plus a JSON header, for offline analysis of what the features allow ({@code examples/scripts/feature_ceiling.py}).
 *
 * <pre>./screener example DumpFeatures &lt;demo-dir&gt; &lt;out-dir&gt;</pre>
 */
public final class DumpFeatures {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: DumpFeatures <demo-dir (with cohort/ and model/)> <out-dir>");
            System.exit(2);
        }
        Path demo = Path.of(args[0]), out = Files.createDirectories(Path.of(args[1]));
        Backend be = Backends.getDefault();
        ModelDir md = new ModelDir(demo.resolve("model"));
        ModelDir.Config cfg = md.readConfig();
        UNet3d desc = Checkpoint.loadUNet(md.descriptor());
        desc.to(be);
        desc.eval();
        LearnedCondition cond = LearnedCondition.load(md, be);
        Path cohort = demo.resolve("cohort");
        List<String> lines = Files.readAllLines(cohort.resolve("manifest.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String name = Path.of(f[0]).getFileName().toString().replace(".nii.gz", "");
            Volume canon = Orientation.toCanonical(Volumes.read(cohort.resolve(f[0])));
            Volume mask = Orientation.toCanonical(Volumes.read(cohort.resolve(f[1])));
            Preprocessed p = Preprocessor.run(canon, mask, cfg.preprocess);
            Volume img = p.image();
            int[] dhw = {img.nz, img.ny, img.nx};
            float[] feat = SlidingWindow.run(img.floats(), dhw, FeatureCache.features(desc, List.of(cond), dhw), new SlidingWindow.Options().patch(32, 32, 32).overlap(0.5).backend(be)).data();
            write(out.resolve(name + ".img.f32"), img.floats());
            write(out.resolve(name + ".mask.f32"), p.mask().floats());
            write(out.resolve(name + ".feat.f32"), feat);
            Files.writeString(out.resolve(name + ".json"), String.format(java.util.Locale.ROOT,
                    "{\"dhw\":[%d,%d,%d],\"split\":\"%s\",\"descriptor\":%d,\"condition\":%d}",
                    dhw[0], dhw[1], dhw[2], f.length > 2 ? f[2] : "", desc.config.outChannels, cond.channels()));
            System.out.println(name + " " + Arrays.toString(dhw));
        }
    }

    private static void write(Path p, float[] a) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        Files.write(p, b.array());
    }
}
