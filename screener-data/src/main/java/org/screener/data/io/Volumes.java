package org.screener.data.io;

import org.screener.data.Volume;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One entry point for loaders: a NIfTI file, or a DICOM file or folder (largest series). */
public final class Volumes {
    private Volumes() {}

    /** Reads a NIfTI file or a DICOM file/folder as stored (no reorientation). */
    public static Volume read(Path p) throws IOException {
        if (!Files.exists(p)) throw new IOException(p + ": no such file or folder");
        return !Files.isDirectory(p) && looksLikeNifti(p) ? Nifti.read(p) : Dicom.read(p).volume;
    }

    /** {@link #read} then {@link Orientation#toCanonical} (RAS+). */
    public static Volume readCanonical(Path p) throws IOException { return Orientation.toCanonical(read(p)); }

    /** NIfTI by name (.nii, .nii.gz), DICOM by name (.dcm), else by content: gzip or sizeof_hdr 348/540. */
    public static boolean looksLikeNifti(Path p) throws IOException {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".nii") || name.endsWith(".nii.gz")) return true;
        if (name.endsWith(".dcm")) return false;
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) return false;
            if ((b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) return true;
            int le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(), be = Integer.reverseBytes(le);
            return le == 348 || le == 540 || be == 348 || be == 540;
        }
    }
}
