package org.screener.data.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

class BodyCropTest {
    /** 40×36×30 phantom, spacing 1×1×2 mm → blocks 5×5×3; body box x∈[7,33), y∈[5,31), z∈[4,25). */
    static Volume phantom() {
        int nx = 40, ny = 36, nz = 30;
        short[] d = new short[nx * ny * nz];
        java.util.Arrays.fill(d, (short) -1000);
        for (int z = 4; z < 25; z++) for (int y = 5; y < 31; y++) for (int x = 7; x < 33; x++) d[(z * ny + y) * nx + x] = 40;
        for (int z = 0; z < nz; z++) for (int x = 0; x < nx; x++) d[(z * ny + 33) * nx + x] = 200;   // one-voxel table plate
        d[(12 * ny + 17) * nx + 20] = -1000;                                                            // hole well inside
        return Volume.ofShorts(nx, ny, nz, d, new double[]{1, 1, 2}, Volume.diagonalAffine(new double[]{1, 1, 2}, null));
    }

    @Test void blockSizeIsCeilOfFiveMillimetres() {
        assertArrayEquals(new int[]{5, 8, 3}, BodyCrop.blockSize(new double[]{1, 0.7, 2}, 5));   // 5 / 0.7 = 7.1 → 8
        assertArrayEquals(new int[]{1, 1, 1}, BodyCrop.blockSize(new double[]{5, 6, 5.0000000001}, 5));
    }

    @Test void cropKeepsFullyFilledBlocksOnly() {
        int[][] box = BodyCrop.box(phantom(), -500, 5);
        // full x blocks [10,15)…[25,30); y blocks [5,10)…[25,30); z blocks of 3: [6,9)…[21,24); plate and hole ignored
        assertArrayEquals(new int[]{10, 5, 6}, box[0]);
        assertArrayEquals(new int[]{30, 30, 24}, box[1]);
    }

    @Test void floatVolumeGivesSameBox() {
        Volume v = phantom();
        Volume f = Volume.ofFloats(v.nx, v.ny, v.nz, v.floats(), v.spacing(), v.affine());
        int[][] a = BodyCrop.box(v, -500, 5), b = BodyCrop.box(f, -500, 5);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
    }

    @Test void airOnlyGivesNull() {
        short[] d = new short[10 * 10 * 10];
        java.util.Arrays.fill(d, (short) -1024);
        assertNull(BodyCrop.box(Volume.ofShorts(10, 10, 10, d, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{1, 1, 1}, null)), -500, 5));
    }
}
