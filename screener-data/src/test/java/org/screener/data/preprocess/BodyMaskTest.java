package org.screener.data.preprocess;

import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

import static org.junit.jupiter.api.Assertions.*;

class BodyMaskTest {
    @Test void enclosedAirIsBodyAndBorderAirIsNot() {
        int nx = 9, ny = 8, nz = 5;
        short[] hu = new short[nx * ny * nz];
        java.util.Arrays.fill(hu, (short) -1000);
        Volume v = Volume.ofShorts(nx, ny, nz, hu, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{1, 1, 1}, new double[3]));
        // a tissue shell (40 HU) over i 2..6, j 2..5, all slices, with an air "lung" at i 4, j 3..4 inside it
        for (int k = 0; k < nz; k++)
            for (int j = 2; j <= 5; j++)
                for (int i = 2; i <= 6; i++) hu[v.index(i, j, k)] = 40;
        for (int k = 0; k < nz; k++) for (int j = 3; j <= 4; j++) hu[v.index(4, j, k)] = -900;
        // an air pocket open to the border through a channel along j = 3, i 0..3 in slice 2 only
        boolean[] body = BodyMask.of(v, -500);
        for (int k = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) {
                    boolean inShell = i >= 2 && i <= 6 && j >= 2 && j <= 5;
                    assertEquals(inShell, body[v.index(i, j, k)], "voxel " + i + "," + j + "," + k);
                }
        // open the lung to the outside in slice 2: then the lung air of every slice is reached through it
        hu[v.index(3, 3, 2)] = -900;
        hu[v.index(2, 3, 2)] = -900;
        body = BodyMask.of(v, -500);
        for (int k = 0; k < nz; k++) assertFalse(body[v.index(4, 3, k)], "lung connected to the outside, slice " + k);
        assertTrue(body[v.index(5, 3, 2)]);
    }
}
