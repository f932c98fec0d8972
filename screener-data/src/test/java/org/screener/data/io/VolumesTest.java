package org.screener.data.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class VolumesTest {
    @TempDir Path tmp;

    @Test void dispatchesByNameAndContent() throws IOException {
        short[] d = {1, 2, 3, 4, 5, 6, 7, 8};
        Volume v = Volume.ofShorts(2, 2, 2, d, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{-1, 1, 1}, null));
        Path named = tmp.resolve("a.nii.gz"), unnamed = tmp.resolve("a.img");
        Nifti.write(v, named);
        Files.copy(named, unnamed);
        assertArrayEquals(d, Volumes.read(named).shorts());
        assertArrayEquals(d, Volumes.read(unnamed).shorts());
        Volume c = Volumes.readCanonical(named);
        assertEquals("RAS", Orientation.codes(c));
        assertArrayEquals(new short[]{2, 1, 4, 3, 6, 5, 8, 7}, c.shorts());
        Path dir = Files.createDirectories(tmp.resolve("dcm"));
        new DicomTest().writeSeries(dir, "4.4", 3, 1, 0);
        assertEquals(3, Volumes.read(dir).nz);
        assertThrows(IOException.class, () -> Volumes.read(tmp.resolve("nope")));
    }
}
