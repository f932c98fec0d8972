package org.screener.examples;

import org.screener.data.Volume;
import org.screener.data.io.Nifti;
import org.screener.data.io.Orientation;
import org.screener.data.io.Volumes;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.data.preprocess.Preprocessed;
import org.screener.data.preprocess.Preprocessor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a CT (NIfTI file or DICOM folder), applies the paper's preprocessing (body crop, 1.5 × 1.5 × 2.25 mm,
 * HU window [−1000, 300] → [0, 1], 3D CLAHE), writes the preprocessed volume, and maps it back onto the
 * original grid — the path every anomaly map takes to overlay the scan it came from.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... org.screener.examples.PreprocessScan &lt;scan&gt; &lt;out-dir&gt;</pre>
 */
public final class PreprocessScan {
    public static void main(String[] args) throws Exception {
        Path scan = Path.of(args.length > 0 ? args[0] : "../shared/data/ct/cranium_ct.nii.gz");
        Path out = Path.of(args.length > 1 ? args[1] : "preprocess-out");
        Files.createDirectories(out);

        Volume ct = Orientation.toCanonical(Volumes.read(scan));
        long t0 = System.nanoTime();
        Preprocessed p = Preprocessor.run(ct, null, PreprocessConfig.defaults());
        System.out.printf("%s -> %s in %.2f s%n", ct, p.image(), (System.nanoTime() - t0) / 1e9);
        Nifti.write(p.image(), out.resolve("preprocessed.nii.gz"));

        // Any map on the preprocessed grid goes back like this (here: the preprocessed image itself).
        float[] back = p.geometry().toOriginal(p.image().floats(), 0f);
        Nifti.write(ct.withFloats(back), out.resolve("preprocessed-on-original-grid.nii.gz"));
        System.out.println("wrote " + out.toAbsolutePath());
    }
}
