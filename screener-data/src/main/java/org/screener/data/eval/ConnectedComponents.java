package org.screener.data.eval;

import java.util.Arrays;

/**
 * 3D connected-component labelling of a binary mask, run-based: the foreground is stored as x-runs and the
 * runs are joined with union-find, so memory grows with the number of runs (mask complexity), not with the
 * volume. Voxel (i, j, k) sits at {@code (k * ny + j) * nx + i}, as in {@link org.screener.data.Volume}.
 *
 * <p>Labels are 1..count in raster order of each component's first voxel (the same numbering as
 * scipy.ndimage.label). AUPRO uses {@link Connectivity#TWENTY_SIX}: MVTec AD / 3D-AD label their 2D ground
 * truth with a full 3x3 structure (8-connectivity), whose 3D counterpart is the full 3x3x3 structure.
 */
public final class ConnectedComponents {
    /** Voxels sharing a face (6), a face or an edge (18), or a face, edge or corner (26). */
    public enum Connectivity {
        SIX(new int[][]{{-1, 0, 0}, {0, -1, 0}}),
        EIGHTEEN(new int[][]{{-1, 0, 1}, {0, -1, 1}, {-1, -1, 0}, {1, -1, 0}}),
        TWENTY_SIX(new int[][]{{-1, 0, 1}, {0, -1, 1}, {-1, -1, 1}, {1, -1, 1}});

        /** Earlier rows to look at: {dj, dk, how far a run's x-range is widened}. */
        final int[][] rows;
        Connectivity(int[][] rows) { this.rows = rows; }
    }

    public final int nx, ny, nz;
    private final int count, runs;
    private final int[] runStart, runLength, runLabel;
    private final long[] sizes;

    private ConnectedComponents(int nx, int ny, int nz, int count, int runs, int[] start, int[] len, int[] label, long[] sizes) {
        this.nx = nx; this.ny = ny; this.nz = nz; this.count = count; this.runs = runs;
        this.runStart = start; this.runLength = len; this.runLabel = label; this.sizes = sizes;
    }

    /** Number of components. */
    public int count() { return count; }
    /** Voxel count of component {@code label} (1-based). */
    public long size(int label) { return sizes[label - 1]; }
    /** Number of foreground x-runs; runs are in increasing voxel order. */
    public int runs() { return runs; }
    public int runStart(int r) { return runStart[r]; }
    public int runLength(int r) { return runLength[r]; }
    public int runLabel(int r) { return runLabel[r]; }

    /** Dense label map (0 = background); costs 4 bytes per voxel, meant for small volumes and tests. */
    public int[] labelMap() {
        int[] m = new int[Math.multiplyExact(Math.multiplyExact(nx, ny), nz)];
        for (int r = 0; r < runs; r++) Arrays.fill(m, runStart[r], runStart[r] + runLength[r], runLabel[r]);
        return m;
    }

    public static ConnectedComponents label(boolean[] mask, int nx, int ny, int nz, Connectivity conn) {
        if (nx <= 0 || ny <= 0 || nz <= 0) throw new IllegalArgumentException("ConnectedComponents: dimensions must be positive: " + nx + "x" + ny + "x" + nz);
        if ((long) nx * ny * nz != mask.length)
            throw new IllegalArgumentException("ConnectedComponents: mask has " + mask.length + " voxels, dimensions " + nx + "x" + ny + "x" + nz + " need " + (long) nx * ny * nz);
        int rowsN = ny * nz;
        int[] rowFirst = new int[rowsN + 1];
        int[] start = new int[64], len = new int[64], parent = new int[64];
        int n = 0;
        for (int row = 0; row < rowsN; row++) {
            rowFirst[row] = n;
            int base = row * nx;
            for (int i = 0; i < nx; ) {
                if (!mask[base + i]) { i++; continue; }
                int s = i;
                while (i < nx && mask[base + i]) i++;
                if (n == start.length) {
                    int cap = Math.max(n + 1, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * n));
                    start = Arrays.copyOf(start, cap); len = Arrays.copyOf(len, cap); parent = Arrays.copyOf(parent, cap);
                }
                start[n] = base + s; len[n] = i - s; parent[n] = n; n++;
            }
        }
        rowFirst[rowsN] = n;
        for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) {
            int row = k * ny + j, a0 = rowFirst[row], a1 = rowFirst[row + 1];
            if (a0 == a1) continue;
            for (int[] d : conn.rows) {
                int jj = j + d[0], kk = k + d[1], grow = d[2];
                if (jj < 0 || jj >= ny || kk < 0) continue;
                int nrow = kk * ny + jj, b = rowFirst[nrow], b1 = rowFirst[nrow + 1], nbase = nrow * nx, base = row * nx;
                for (int a = a0; a < a1 && b < b1; a++) {
                    int as = start[a] - base, ae = as + len[a] - 1;
                    while (b < b1 && start[b] - nbase + len[b] - 1 < as - grow) b++;
                    for (int c = b; c < b1 && start[c] - nbase <= ae + grow; c++) union(parent, a, c);
                }
            }
        }
        int[] label = new int[n];
        int count = 0;
        for (int r = 0; r < n; r++) {
            int root = find(parent, r);
            label[r] = root == r ? ++count : label[root]; // the root is the smallest run index, already labelled
        }
        long[] sizes = new long[count];
        for (int r = 0; r < n; r++) sizes[label[r] - 1] += len[r];
        return new ConnectedComponents(nx, ny, nz, count, n, start, len, label, sizes);
    }

    private static int find(int[] p, int x) {
        while (p[x] != x) { p[x] = p[p[x]]; x = p[x]; }
        return x;
    }

    private static void union(int[] p, int a, int b) {
        int ra = find(p, a), rb = find(p, b);
        if (ra < rb) p[rb] = ra; else if (rb < ra) p[ra] = rb;
    }
}
