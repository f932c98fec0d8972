package org.screener.data.synth;

/** Tissue classes of the phantom (byte codes of the tissue map) and their nominal, noise-free HU. */
public final class Tissue {
    private Tissue() {}

    public static final byte AIR = 0, FAT = 1, MUSCLE = 2, LUNG = 3, LUNG_VESSEL = 4, LIVER = 5,
            KIDNEY_CORTEX = 6, KIDNEY_MEDULLA = 7, SPLEEN = 8, BONE_CORTICAL = 9, BONE_CANCELLOUS = 10,
            DISC = 11, AORTA = 12, HEART = 13, BOWEL = 14, CSF = 15, RENAL_SINUS = 16;
    public static final int COUNT = 17;

    private static final String[] NAMES = {"air", "fat", "muscle", "lung", "lung_vessel", "liver", "kidney_cortex",
            "kidney_medulla", "spleen", "bone_cortical", "bone_cancellous", "disc", "aorta", "heart", "bowel", "csf",
            "renal_sinus"};
    private static final float[] HU = {-1000, -100, 50, -850, 40, 60, 38, 22, 45, 400, 200, 80, 40, 40, 30, 10, -80};

    public static float hu(int tissue) { return HU[tissue]; }
    public static String name(int tissue) { return NAMES[tissue]; }
}
