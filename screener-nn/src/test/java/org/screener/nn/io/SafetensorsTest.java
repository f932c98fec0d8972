package org.screener.nn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.nn.StateMismatchException;
import org.screener.nn.layers.BatchNorm;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    /**
     * Written by the reference library (safetensors 0.8.0, Python):
     * save_file({"b": tensor([[1., -2., .5]]), "a.w": tensor([3.25])}, path, metadata={"format": "pt", "k": "v"}).
     */
    static final String PYTHON_FILE_HEX = "9800000000000000"
            + "7b225f5f6d657461646174615f5f223a7b226b223a2276222c22666f726d6174223a227074227d2c22612e77223a7b2264"
            + "74797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b302c345d7d2c226222"
            + "3a7b226474797065223a22463332222c227368617065223a5b312c335d2c22646174615f6f666673657473223a5b342c31"
            + "365d7d7d20"
            + "00005040" + "0000803f" + "000000c0" + "0000003f";

    static Map<String, Tensor> tiny() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b", Tensor.of(new float[]{1f, -2f, 0.5f}, 1, 3));
        t.put("a.w", Tensor.of(new float[]{3.25f}, 1));
        return t;
    }

    static Map<String, String> tinyMeta() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("k", "v");
        m.put("format", "pt");
        return m;
    }

    @Test
    void readsAFileWrittenByTheReferenceLibrary(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("py.safetensors");
        Files.write(f, HexFormat.of().parseHex(PYTHON_FILE_HEX));
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(List.of("a.w", "b"), List.copyOf(c.tensors.keySet()));
        assertArrayEquals(new int[]{1, 3}, c.tensors.get("b").shape());
        assertArrayEquals(new float[]{1f, -2f, 0.5f}, c.tensors.get("b").toArray());
        assertArrayEquals(new float[]{3.25f}, c.tensors.get("a.w").toArray());
        assertEquals(tinyMeta(), c.metadata);
    }

    @Test
    void writesTheSameBytesAsTheReferenceLibrary(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("java.safetensors");
        Safetensors.write(f, tiny(), tinyMeta());
        assertEquals(PYTHON_FILE_HEX, HexFormat.of().formatHex(Files.readAllBytes(f)));
    }

    @Test
    void handBuiltFileByteByByte() throws IOException {
        // header {"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes, padded with two spaces to 56
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertEquals(54, json.length());
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.write(new byte[]{56, 0, 0, 0, 0, 0, 0, 0});
        want.write((json + "  ").getBytes(StandardCharsets.US_ASCII));
        want.write(new byte[]{0, 0, (byte) 0x80, 0x3f});                 // 1.0f  = 0x3F800000
        want.write(new byte[]{0, 0, 0, (byte) 0xc0});                    // -2.0f = 0xC0000000
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Map<String, Tensor> t = Map.of("x", Tensor.of(new float[]{1f, -2f}, 2));
        Safetensors.writeTo(got, t, Map.of());
        assertArrayEquals(want.toByteArray(), got.toByteArray());
    }

    @Test
    void roundTripKeepsNamesShapesValuesAndMetadata(@TempDir Path dir) throws IOException {
        Random r = new Random(1);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("enc.0.block.1.conv1.weight", Tensor.randn(Backends.getDefault(), r, 1f, 3, 2, 3, 3, 3));
        t.put("scalar", Tensor.of(new float[]{Float.NaN}));
        t.put("empty", Tensor.zeros(0, 4));
        t.put("special", Tensor.of(new float[]{Float.POSITIVE_INFINITY, -0f, Float.MIN_VALUE}, 3));
        Path f = dir.resolve("sub/model.safetensors");
        Safetensors.write(f, t, Map.of("config", "{\"a\": [1, 2]}", "ünï", "cödé"));
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(t.keySet(), c.tensors.keySet());
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).shape(), c.tensors.get(k).shape(), k);
            float[] a = t.get(k).toArray(), b = c.tensors.get(k).toArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), k + "[" + i + "]");
        }
        assertEquals("{\"a\": [1, 2]}", c.metadata.get("config"));
        assertEquals("cödé", c.metadata.get("ünï"));
        assertEquals(0, (8 + headerLength(f)) % 8, "data must start 8-byte aligned");
    }

    static long headerLength(Path f) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Throws after the given number of bytes, as a full disk or a killed process would. */
    static OutputStream failingAfter(OutputStream out, long limit) {
        return new FilterOutputStream(out) {
            long n;
            @Override public void write(int b) throws IOException {
                if (++n > limit) throw new IOException("simulated failure after " + limit + " bytes");
                out.write(b);
            }
            @Override public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) write(b[off + i]);
            }
        };
    }

    @Test
    void failedWriteLeavesTheOldFileIntact(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        Safetensors.write(f, tiny(), tinyMeta());
        byte[] before = Files.readAllBytes(f);
        Map<String, Tensor> big = Map.of("w", Tensor.ones(1000));
        IOException ex = assertThrows(IOException.class, () -> Safetensors.write(f, big, Map.of(), o -> failingAfter(o, 1000)));
        assertTrue(ex.getMessage().contains("simulated"));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) { assertEquals(List.of(f), files.toList(), "temporary file left behind"); }
        // and a successful write replaces it
        Safetensors.write(f, big, Map.of());
        assertEquals(1000, Safetensors.read(f).tensors.get("w").numel());
    }

    static Path withBytes(Path dir, byte[] b) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b);
        return f;
    }

    static byte[] file(long headerLen, String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bb = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(headerLen).put(h);
        return bb.array();
    }

    static void assertFails(Path dir, byte[] bytes, String fragment) throws IOException {
        Path f = withBytes(dir, bytes);
        IOException ex = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(ex.getMessage().contains(fragment), "message '" + ex.getMessage() + "' lacks '" + fragment + "'");
        assertTrue(ex.getMessage().contains("bad.safetensors"), "message names the file: " + ex.getMessage());
    }

    @Test
    void corruptOrTruncatedFilesFailClearlyWithoutHugeAllocations(@TempDir Path dir) throws IOException {
        String ok = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertFails(dir, new byte[]{1, 2, 3}, "too short");
        assertFails(dir, file(Long.MAX_VALUE / 2, ok, 8), "header length");           // lying length: no allocation
        assertFails(dir, file(-5, ok, 8), "header length");
        assertFails(dir, file(ok.length() + 100, ok, 8), "header length");            // longer than the file
        assertFails(dir, file(ok.length(), ok, 4), "truncated");                      // data cut short
        assertFails(dir, file(ok.length(), ok, 12), "trailing");
        assertFails(dir, file(ok.length(), ok.substring(0, ok.length() - 1) + " ", 8), "not valid JSON");
        assertFails(dir, file(12, "[1,2,3,4,5] ", 0), "not a JSON object");
        String f16 = "{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        assertFails(dir, file(f16.length(), f16, 4), "only F32");
        String wrongSize = "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        assertFails(dir, file(wrongSize.length(), wrongSize, 8), "not 12 bytes");
        // a header claiming a giant tensor is refused before any data is read
        String giant = "{\"x\":{\"dtype\":\"F32\",\"shape\":[100000,100000,1000],\"data_offsets\":[0,40000000000000]}}";
        assertFails(dir, file(giant.length(), giant, 8), "truncated");
        String overlap = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertFails(dir, file(overlap.length(), overlap, 8), "gap or overlap");
        String noShape = "{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}";
        assertFails(dir, file(noShape.length(), noShape, 8), "malformed header entry 'x'");
        String badMeta = "{\"__metadata__\":{\"n\":3}}";
        assertFails(dir, file(badMeta.length(), badMeta, 0), "not a string");
    }

    @Test
    void unetCheckpointRebuildsFromItsConfig(@TempDir Path dir) throws IOException {
        UNet3d a = new UNet3d(new UNet3dConfig(2, new int[]{4, 8}, new int[]{1, 2}, 3), new Random(1));
        Path f = dir.resolve("u.safetensors");
        Checkpoint.saveUNet(f, a, Map.of("step", "100"));
        UNet3d b = Checkpoint.loadUNet(f);
        assertEquals(a.config, b.config);
        Tensor x = Tensor.randn(Backends.getDefault(), new Random(2), 1f, 1, 2, 4, 4, 4);
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
        Path plain = dir.resolve("plain.safetensors");
        Checkpoint.saveModel(plain, a, Map.of());
        IOException ex = assertThrows(IOException.class, () -> Checkpoint.loadUNet(plain));
        assertTrue(ex.getMessage().contains(Checkpoint.UNET_CONFIG_KEY));
    }

    @Test
    void modelCheckpointRoundTripAndMismatchReport(@TempDir Path dir) throws IOException {
        UNet3d a = new UNet3d(UNet3dConfig.cpuSmall(), new Random(1));
        Path f = dir.resolve("unet.safetensors");
        Checkpoint.saveModel(f, a, Map.of("config", a.config.toJson()));
        UNet3d b = new UNet3d(UNet3dConfig.cpuSmall(), new Random(2));
        Map<String, String> meta = Checkpoint.loadModel(f, b, true);
        assertEquals(a.config, UNet3dConfig.fromJson(meta.get("config")));
        for (var e : a.stateDict().entrySet())
            assertArrayEquals(e.getValue().toArray(), b.stateDict().get(e.getKey()).toArray(), e.getKey());

        UNet3d wider = new UNet3d(UNet3dConfig.cpuSmall().withOutChannels(4), new Random(3));
        StateMismatchException ex = assertThrows(StateMismatchException.class, () -> Checkpoint.loadModel(f, wider, true));
        assertTrue(ex.mismatched().contains("head.0.weight: checkpoint [8, 8, 1, 1, 1] vs model [4, 8, 1, 1, 1]"), ex.getMessage());
        assertEquals(6, ex.mismatched().size(), ex.getMessage()); // weight and bias of three head projections
        assertTrue(ex.missing().isEmpty() && ex.unexpected().isEmpty());

        BatchNorm bn = new BatchNorm(3);
        bn.forward(Tensor.randn(Backends.getDefault(), new Random(4), 1f, 4, 3, 2, 2, 2));
        Path g = dir.resolve("bn.safetensors");
        Checkpoint.saveModel(g, bn, null);
        BatchNorm bn2 = new BatchNorm(3);
        Checkpoint.loadModel(g, bn2, true);
        assertArrayEquals(bn.runningMean().toArray(), bn2.runningMean().toArray());
        assertArrayEquals(bn.runningVar().toArray(), bn2.runningVar().toArray());
        StateMismatchException ex2 = assertThrows(StateMismatchException.class, () -> Checkpoint.loadModel(g, a, true));
        assertTrue(ex2.unexpected().contains("running_mean") && ex2.missing().contains("stem.weight"), ex2.getMessage());
    }
}
