package org.screener.data.eval;

import org.junit.jupiter.api.Test;
import org.screener.data.eval.ConnectedComponents.Connectivity;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ConnectedComponentsTest {
    static final Connectivity[] ALL = {Connectivity.SIX, Connectivity.EIGHTEEN, Connectivity.TWENTY_SIX};
    static final int[] N = {6, 18, 26};

    @Test void handCases() {
        // 2x2x2 cube (index = (k*2 + j)*2 + i) with three voxels:
        //   a = (0,0,0) idx 0, b = (1,1,0) idx 3: share an edge (differ in x and y) -> joined by 18 and 26, not 6
        //   c = (0,0,1) idx 4: shares a face with a                                  -> joined to a by all
        //   6:  {a, c}, {b} -> 2 components; raster order: a first (label 1), b next (label 2), c gets 1
        //   18: {a, b, c}   -> 1 component
        boolean[] m = new boolean[8];
        m[0] = true;            // a (0,0,0)
        m[3] = true;            // b (1,1,0)
        m[4] = true;            // c (0,0,1)
        ConnectedComponents six = ConnectedComponents.label(m, 2, 2, 2, Connectivity.SIX);
        assertEquals(2, six.count());
        assertArrayEquals(new int[]{1, 0, 0, 2, 1, 0, 0, 0}, six.labelMap());
        assertEquals(2, six.size(1));
        assertEquals(1, six.size(2));
        assertEquals(1, ConnectedComponents.label(m, 2, 2, 2, Connectivity.EIGHTEEN).count());
        // corner neighbours only: (0,0,0) and (1,1,1) -> 26 joins them, 18 and 6 do not
        boolean[] corner = new boolean[8];
        corner[0] = true; corner[7] = true;
        assertEquals(2, ConnectedComponents.label(corner, 2, 2, 2, Connectivity.SIX).count());
        assertEquals(2, ConnectedComponents.label(corner, 2, 2, 2, Connectivity.EIGHTEEN).count());
        ConnectedComponents c26 = ConnectedComponents.label(corner, 2, 2, 2, Connectivity.TWENTY_SIX);
        assertEquals(1, c26.count());
        assertEquals(2, c26.size(1));
        // a U shape in one slice: the two arms meet only through the bottom row, found after both arms started
        // x: 0 1 2
        // y0 1 0 1
        // y1 1 0 1
        // y2 1 1 1   -> one component although labelling sees two runs first
        boolean[] u = {true, false, true, true, false, true, true, true, true};
        ConnectedComponents cu = ConnectedComponents.label(u, 3, 3, 1, Connectivity.SIX);
        assertEquals(1, cu.count());
        assertEquals(7, cu.size(1));
        assertEquals(0, ConnectedComponents.label(new boolean[5], 5, 1, 1, Connectivity.SIX).count());
    }

    @Test void matchesBreadthFirstLabellingOnRandomMasks() {
        Random rnd = new Random(7);
        int[][] shapes = {{7, 5, 3}, {1, 11, 13}, {13, 1, 5}, {5, 7, 1}, {17, 3, 11}, {1, 1, 1}};
        for (int[] sh : shapes) for (double density : new double[]{0.1, 0.3, 0.5, 0.8}) for (int rep = 0; rep < 3; rep++) {
            boolean[] m = new boolean[sh[0] * sh[1] * sh[2]];
            for (int i = 0; i < m.length; i++) m[i] = rnd.nextDouble() < density;
            for (int c = 0; c < ALL.length; c++) {
                String msg = ALL[c] + " " + java.util.Arrays.toString(sh) + " density " + density;
                ConnectedComponents cc = ConnectedComponents.label(m, sh[0], sh[1], sh[2], ALL[c]);
                int[] ref = Brute.label(m, sh[0], sh[1], sh[2], N[c]);
                assertArrayEquals(ref, cc.labelMap(), msg);
                int max = 0;
                for (int r : ref) max = Math.max(max, r);
                assertEquals(max, cc.count());
                long total = 0;
                for (int l = 1; l <= cc.count(); l++) total += cc.size(l);
                long fg = 0;
                for (boolean b : m) if (b) fg++;
                assertEquals(fg, total);
            }
        }
    }

    @Test void rejectsWrongSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConnectedComponents.label(new boolean[10], 3, 3, 1, Connectivity.SIX));
        assertTrue(e.getMessage().contains("3x3x1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConnectedComponents.label(new boolean[0], 0, 3, 1, Connectivity.SIX));
    }
}
