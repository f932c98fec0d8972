package org.screener.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lesion kinds of the synthetic cohort. Each kind has its own mask label, host organ(s), diameter range (mm)
 * and contrast: absolute target HU for lung lesions and cysts, HU relative to the host organ's nominal HU for
 * tumours and bleeds.
 */
public enum LesionKind {
    LUNG_NODULE(1, new byte[]{Tissue.LUNG, Tissue.LUNG_VESSEL}, 3, 15, 20, 80, false, Edge.SHARP),
    LIVER_TUMOR(2, new byte[]{Tissue.LIVER}, 10, 40, -60, -20, true, Edge.SOFT),
    KIDNEY_TUMOR(3, new byte[]{Tissue.KIDNEY_CORTEX, Tissue.KIDNEY_MEDULLA}, 8, 25, -60, -20, true, Edge.SOFT),
    CYST(4, new byte[]{Tissue.LIVER, Tissue.KIDNEY_CORTEX, Tissue.KIDNEY_MEDULLA}, 5, 20, 0, 15, false, Edge.SHARP),
    BLEED(5, new byte[]{Tissue.LIVER, Tissue.SPLEEN}, 10, 30, 60, 90, true, Edge.SOFT),
    /** Ground glass: only lung parenchyma changes, vessels stay visible through it (as in real GGO). */
    GGO(6, new byte[]{Tissue.LUNG}, 10, 30, -600, -400, false, Edge.FUZZY);

    public enum Edge { SHARP, SOFT, FUZZY }

    /** Mask value. */
    public final int label;
    /** Tissue classes the lesion lies in and changes. */
    private final byte[] hosts;
    public final double minDiameterMm, maxDiameterMm, minContrast, maxContrast;
    /** true: contrast is added to the host organ's nominal HU; false: contrast is the absolute target HU. */
    public final boolean relative;
    public final Edge edge;

    LesionKind(int label, byte[] hosts, double dmin, double dmax, double cmin, double cmax, boolean relative, Edge edge) {
        this.label = label; this.hosts = hosts; this.minDiameterMm = dmin; this.maxDiameterMm = dmax;
        this.minContrast = cmin; this.maxContrast = cmax; this.relative = relative; this.edge = edge;
    }

    public boolean isHost(int tissue) {
        for (byte h : hosts) if (h == tissue) return true;
        return false;
    }

    public byte[] hosts() { return hosts.clone(); }

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static LesionKind ofLabel(int label) {
        for (LesionKind k : values()) if (k.label == label) return k;
        throw new IllegalArgumentException("no lesion kind with label " + label);
    }

    /** Parses "all" or a comma-separated list of kind ids (lung_nodule, liver_tumor, ...); "none" or "" gives an empty list. */
    public static List<LesionKind> parseList(String s) {
        List<LesionKind> out = new ArrayList<>();
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) return List.of(values());
        if (t.isEmpty() || t.equals("none")) return out;
        for (String part : t.split(",")) {
            String p = part.trim();
            LesionKind found = null;
            for (LesionKind k : values()) if (k.id().equals(p)) found = k;
            if (found == null) throw new IllegalArgumentException("unknown lesion kind '" + p + "'; expected 'all' or a comma-separated list of "
                    + java.util.Arrays.stream(values()).map(LesionKind::id).collect(java.util.stream.Collectors.joining(",")));
            if (!out.contains(found)) out.add(found);
        }
        return out;
    }
}
