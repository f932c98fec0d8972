package org.screener.core.cpu;

/** Box copy, permute, replicate padding and voxel gather/scatter on float arrays. */
public final class IndexCpu {
    private IndexCpu() {}

    public static void copyBox(float[] src, int[] ss, int[] sStart, float[] dst, int[] ds, int[] dStart, int[] box, boolean acc) {
        throw new UnsupportedOperationException("IndexCpu.copyBox is not implemented yet");
    }

    public static void permute(float[] src, int[] ss, int[] perm, float[] dst) {
        throw new UnsupportedOperationException("IndexCpu.permute is not implemented yet");
    }

    public static void padReplicate(float[] src, int[] ss, int[] lo, int[] hi, float[] dst) {
        throw new UnsupportedOperationException("IndexCpu.padReplicate is not implemented yet");
    }

    public static void padReplicateBackward(float[] gdst, int[] ss, int[] lo, int[] hi, float[] gsrc) {
        throw new UnsupportedOperationException("IndexCpu.padReplicateBackward is not implemented yet");
    }

    public static void gatherVoxels(float[] x, int n, int c, long v, int[] index, float[] out) {
        throw new UnsupportedOperationException("IndexCpu.gatherVoxels is not implemented yet");
    }

    public static void scatterAddVoxels(float[] g, int n, int c, long v, int[] index, float[] gx) {
        throw new UnsupportedOperationException("IndexCpu.scatterAddVoxels is not implemented yet");
    }
}
