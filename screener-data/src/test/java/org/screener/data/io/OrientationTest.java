package org.screener.data.io;

import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class OrientationTest {
    @Test void codesOfSimpleAffines() {
        assertEquals("RAS", Orientation.codes(Volume.diagonalAffine(new double[]{1, 2, 3}, null)));
        assertEquals("LPS", Orientation.codes(Volume.diagonalAffine(new double[]{-1, -2, 3}, null)));
        double[][] a = {{0, 0, -2, 0}, {1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 0, 1}};
        assertEquals("AIL", Orientation.codes(a));
        // slightly oblique still maps to the dominant axis
        double[][] o = {{0.98, 0.2, 0, 0}, {-0.2, 0.98, 0, 0}, {0, 0, -1, 0}, {0, 0, 0, 1}};
        assertEquals("RAI", Orientation.codes(o));
    }

    /** Every voxel value must sit at the same world coordinate before and after reorientation. */
    @Test void canonicalPreservesWorldCoordinatesForAllAxisPermutationsAndFlips() {
        Random rnd = new Random(7);
        int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        int nx = 5, ny = 3, nz = 4;
        for (int[] perm : perms) for (int flips = 0; flips < 8; flips++) for (boolean asShort : new boolean[]{true, false}) {
            double[][] a = new double[4][4];
            double[] sp = {0.7, 1.3, 2.9};
            for (int v = 0; v < 3; v++) {
                a[perm[v]][v] = ((flips >> v) & 1) == 1 ? -sp[v] : sp[v];
                a[(perm[v] + 1) % 3][v] = 0.05 * sp[v]; // a little obliquity
            }
            a[0][3] = 10; a[1][3] = -20; a[2][3] = 30; a[3][3] = 1;
            int n = nx * ny * nz;
            short[] s = new short[n];
            for (int i = 0; i < n; i++) s[i] = (short) i; // unique values identify voxels
            Volume v = asShort ? Volume.ofShorts(nx, ny, nz, s, sp, a) : Volume.ofShorts(nx, ny, nz, s, sp, a).withFloats(Volume.ofShorts(nx, ny, nz, s, sp, a).floats());
            Volume c = Orientation.toCanonical(v);
            assertEquals("RAS", Orientation.codes(c));
            assertEquals(asShort, c.isShort());
            assertEquals(v.size(), c.size());
            Map<Integer, double[]> before = new HashMap<>();
            for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++)
                before.put((int) v.get(i, j, k), Orientation.world(a, i, j, k));
            double[][] ca = c.affine();
            for (int k = 0; k < c.nz; k++) for (int j = 0; j < c.ny; j++) for (int i = 0; i < c.nx; i++) {
                double[] w0 = before.get((int) c.get(i, j, k));
                double[] w1 = Orientation.world(ca, i, j, k);
                for (int r = 0; r < 3; r++) assertEquals(w0[r], w1[r], 1e-9);
            }
            // spacing follows its axis
            for (int w = 0; w < 3; w++) {
                double colNorm = Math.sqrt(ca[0][w] * ca[0][w] + ca[1][w] * ca[1][w] + ca[2][w] * ca[2][w]);
                double expectSp = c.spacing()[w];
                assertEquals(expectSp * Math.sqrt(1 + 0.0025), colNorm, 1e-9);
            }
        }
    }
}
