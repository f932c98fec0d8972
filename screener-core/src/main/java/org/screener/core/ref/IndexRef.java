package org.screener.core.ref;

/** Plain box copy, permute, replicate padding and voxel gather/scatter in double. */
public final class IndexRef {
    private IndexRef() {}

    public static void copyBox(double[] src, int[] ss, int[] sStart, double[] dst, int[] ds, int[] dStart, int[] box, boolean acc) {
        throw new UnsupportedOperationException("IndexRef.copyBox is not implemented yet");
    }

    public static void permute(double[] src, int[] ss, int[] perm, double[] dst) {
        throw new UnsupportedOperationException("IndexRef.permute is not implemented yet");
    }

    public static void padReplicate(double[] src, int[] ss, int[] lo, int[] hi, double[] dst) {
        throw new UnsupportedOperationException("IndexRef.padReplicate is not implemented yet");
    }

    public static void padReplicateBackward(double[] gdst, int[] ss, int[] lo, int[] hi, double[] gsrc) {
        throw new UnsupportedOperationException("IndexRef.padReplicateBackward is not implemented yet");
    }

    public static void gatherVoxels(double[] x, int n, int c, long v, int[] index, double[] out) {
        throw new UnsupportedOperationException("IndexRef.gatherVoxels is not implemented yet");
    }

    public static void scatterAddVoxels(double[] g, int n, int c, long v, int[] index, double[] gx) {
        throw new UnsupportedOperationException("IndexRef.scatterAddVoxels is not implemented yet");
    }
}
