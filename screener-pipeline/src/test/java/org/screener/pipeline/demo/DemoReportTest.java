package org.screener.pipeline.demo;

import org.junit.jupiter.api.Test;
import org.screener.data.eval.Metrics;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class DemoReportTest {
    static final List<String> NAMES = List.of(Demo.BASELINE, "none-gaussian", "sincos-gaussian", "learned-gaussian",
            "none-flow", "sincos-flow", "learned-flow");

    /** Results with the given pooled AUROCs; each resample moves every row by one shared shift plus its own noise of sd spread. */
    static Demo.Results results(double[] auroc, double spread) {
        Demo.Results r = new Demo.Results();
        r.names.addAll(NAMES);
        for (int m = 0; m < NAMES.size(); m++)
            r.pooled.put(NAMES.get(m), new Metrics(auroc[m], Double.NaN, Double.NaN, Double.NaN, Double.NaN, 10, 10, 1, 0.3));
        Random rnd = new Random(1);
        r.boot = new double[1000][NAMES.size()];
        for (double[] b : r.boot) {
            double shared = 0.1 * rnd.nextGaussian();   // paired: a scan draw moves every row alike
            for (int m = 0; m < b.length; m++) b[m] = auroc[m] + shared + spread * rnd.nextGaussian();
        }
        r.testScans = 12;
        return r;
    }

    private static String line(List<String> lines, String start) {
        return lines.stream().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
    }

    @Test void verdictsFollowTheIntervalsOfTheDifferences() {
        // baseline, none-G, sincos-G, learned-G, none-F, sincos-F, learned-F
        double[] a = {0.60, 0.50, 0.51, 0.80, 0.85, 0.86, 0.86};
        List<String> tight = DemoReport.comparisons(results(a, 0.002));
        assertTrue(line(tight, "Paper: with a Gaussian density").contains("**Agrees**"));
        assertTrue(line(tight, "Paper: the normalizing flow").contains("**Agrees**"));
        assertTrue(line(tight, "Paper: with a flow").contains("**Agrees**"));
        assertTrue(line(tight, "Paper: the masking-invariant Gaussian").contains("**Does not agree**"));   // .06 below the best flow
        assertTrue(line(tight, "Target: Screener clearly").contains("**Met**"));
        assertTrue(line(tight, "Target: Screener (").contains("**Not met**"));

        // the same point estimates, but differences lost in the scan-to-scan spread: nothing resolved, target not met
        List<String> noisy = DemoReport.comparisons(results(a, 0.2));
        assertTrue(line(noisy, "Paper: with a Gaussian density").contains("**Not resolved by these 12 scans**"), line(noisy, "Paper: with a Gaussian density"));
        assertTrue(line(noisy, "Target: Screener clearly").contains("**Not met**"));

        // reversed order with tight intervals: the claim is contradicted
        double[] rev = {0.60, 0.80, 0.81, 0.50, 0.70, 0.70, 0.70};
        assertTrue(line(DemoReport.comparisons(results(rev, 0.002)), "Paper: with a Gaussian density").contains("**Does not agree**"));
    }

    @Test void diffIsPairedAcrossRows() {
        double[] a = {0.6, 0.5, 0.5, 0.7, 0.7, 0.7, 0.7};
        Demo.Results r = results(a, 0.001);   // shared shift sd 0.1 cancels in the difference
        DemoReport.Diff d = DemoReport.diff(r, "learned-gaussian", "none-gaussian");
        assertEquals(0.2, d.est(), 1e-12);
        assertTrue(d.lo() > 0.19 && d.hi() < 0.21, d.text());
        double[] ci = DemoReport.interval(r, "learned-gaussian");
        assertTrue(ci[0] < 0.55 && ci[1] > 0.85, ci[0] + " " + ci[1]);   // a single row keeps the shared spread
    }
}
