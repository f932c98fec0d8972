package org.screener.examples;

import org.screener.data.Volume;
import org.screener.data.io.Nifti;
import org.screener.data.io.Volumes;
import org.screener.pipeline.Screener;

import java.nio.file.Path;

/**
 * Anomaly map of one CT scan with a trained model directory ({@code ./screener train}): float32 NLL in nats on
 * the scan's own grid and affine, so it overlays the scan in any viewer.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... org.screener.examples.ScoreScan &lt;model-dir&gt; &lt;scan&gt; &lt;map.nii.gz&gt;</pre>
 */
public final class ScoreScan {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ScoreScan <model-dir> <scan (NIfTI or DICOM folder)> <map.nii.gz>");
            System.exit(2);
        }
        Screener screener = Screener.load(Path.of(args[0]))
                .progress((done, total) -> System.err.printf("%d/%d windows%n", done, total));
        Volume map = screener.score(Volumes.read(Path.of(args[1])));
        Nifti.write(map, Path.of(args[2]));
        float[] r = map.range();
        System.out.printf("%s: NLL %.3f..%.3f -> %s%n", args[1], r[0], r[1], args[2]);
    }
}
