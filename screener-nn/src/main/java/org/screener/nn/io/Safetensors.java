package org.screener.nn.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Shape;
import org.screener.core.Tensor;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The safetensors file format (as written by PyTorch's {@code safetensors} package), float32 only:
 * an 8-byte little-endian header length n, n bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {"k": "v"}}}
 * (padded with spaces to a multiple of 8), then the raw little-endian data; offsets are relative to the
 * end of the header and the tensors tile the data area without gaps or overlaps. As the reference library,
 * the writer puts {@code __metadata__} first and the tensors in name order, so its output is byte-identical
 * to {@code safetensors.torch.save_file} for the same float32 tensors and metadata.
 *
 * <p>Writes go to a temporary file in the target's directory that is then renamed over the target, so a
 * failed write never damages an existing file. Reads validate the header against the file size before
 * allocating anything.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Headers larger than this are refused (the Rust reader uses the same 100 MB cap). */
    public static final long MAX_HEADER = 100L << 20;

    /** Tensors and string metadata of one file, in file order. */
    public static final class Contents {
        public final Map<String, Tensor> tensors;
        public final Map<String, String> metadata;

        Contents(Map<String, Tensor> tensors, Map<String, String> metadata) { this.tensors = tensors; this.metadata = metadata; }
    }

    // ---- writing --------------------------------------------------------------------------------------

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, UnaryOperator.identity());
    }

    /** As {@link #write(Path, Map, Map)}; tests wrap the stream to simulate failures mid-write. */
    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
                      UnaryOperator<OutputStream> wrap) throws IOException {
        org.screener.core.io.AtomicFile.write(file, tmp -> {
            try (OutputStream out = wrap.apply(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                writeTo(out, tensors, metadata);
            }
        });
    }

    /** The header bytes (JSON padded with spaces to a multiple of 8) for these tensors. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            for (Map.Entry<String, String> e : metadata.entrySet()) m.addProperty(e.getKey(), e.getValue());
            sb.append("\"__metadata__\":").append(m);
            first = false;
        }
        long off = 0;
        for (Map.Entry<String, Tensor> e : sorted(tensors).entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) throw new IllegalArgumentException("safetensors: '__metadata__' cannot name a tensor");
            Tensor t = e.getValue();
            JsonObject o = new JsonObject();
            o.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (int s : t.shape()) shape.add(s);
            o.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(off);
            off += t.numel() * 4;
            offs.add(off);
            o.add("data_offsets", offs);
            if (!first) sb.append(',');
            sb.append(new com.google.gson.JsonPrimitive(name)).append(':').append(o);
            first = false;
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] h = new byte[padded];
        System.arraycopy(json, 0, h, 0, json.length);
        for (int i = json.length; i < padded; i++) h[i] = ' ';
        return h;
    }

    /** Tensors by name, the order the Rust library writes (all F32, so alignment does not reorder them). */
    private static Map<String, Tensor> sorted(Map<String, Tensor> tensors) { return new java.util.TreeMap<>(tensors); }

    static void writeTo(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] h = header(tensors, metadata);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
        out.write(len.array());
        out.write(h);
        byte[] chunk = new byte[1 << 16];
        for (Tensor t : sorted(tensors).values()) {
            float[] a = t.toArray();
            for (int i = 0; i < a.length; ) {
                int n = Math.min(chunk.length / 4, a.length - i);
                ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < n; j++) bb.putFloat(a[i + j]);
                out.write(chunk, 0, n * 4);
                i += n;
            }
        }
    }

    // ---- reading --------------------------------------------------------------------------------------

    public static Contents read(Path file) throws IOException { return read(file, Backends.getDefault()); }

    public static Contents read(Path file, Backend be) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            String where = "safetensors " + file;
            if (size < 8) throw new IOException(where + ": file of " + size + " bytes is too short for the 8-byte header length");
            ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lb, 0, where);
            long n = lb.flip().getLong();
            if (n < 2 || n > MAX_HEADER || n > size - 8)
                throw new IOException(where + ": header length " + n + " is impossible for a file of " + size
                        + " bytes (limit " + MAX_HEADER + ")");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8, where);
            String json = new String(hb.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + n, dataSize = size - dataStart;
            List<Entry> entries = new ArrayList<>();
            Map<String, String> meta = new LinkedHashMap<>();
            parseHeader(json, where, entries, meta);
            // tensors must tile [0, dataSize) exactly
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
            long expect = 0;
            for (Entry e : sorted) {
                if (e.begin != expect)
                    throw new IOException(where + ": tensor '" + e.name + "' starts at " + e.begin + ", expected " + expect + " (gap or overlap)");
                expect = e.end;
            }
            if (expect != dataSize)
                throw new IOException(where + ": tensors cover " + expect + " data bytes but the file holds " + dataSize
                        + (expect > dataSize ? " (truncated file)" : " (trailing bytes)"));
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                int count = Math.toIntExact((e.end - e.begin) / 4);
                ByteBuffer db = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, db, dataStart + e.begin, where);
                db.flip();
                float[] f = new float[count];
                db.asFloatBuffer().get(f);
                tensors.put(e.name, Tensor.of(be, f, e.shape));
            }
            return new Contents(tensors, meta);
        }
    }

    private static final class Entry {
        String name; int[] shape; long begin, end;
    }

    private static void parseHeader(String json, String where, List<Entry> entries, Map<String, String> meta) throws IOException {
        JsonObject root;
        try {
            JsonElement el = JsonParser.parseString(json);
            if (!el.isJsonObject()) throw new IOException(where + ": header is not a JSON object");
            root = el.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(where + ": header is not valid JSON: " + e.getMessage(), e);
        }
        for (Map.Entry<String, JsonElement> kv : root.entrySet()) {
            String name = kv.getKey();
            try {
                JsonObject o = kv.getValue().getAsJsonObject();
                if (name.equals("__metadata__")) {
                    for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                        if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isString())
                            throw new IOException(where + ": __metadata__ value of '" + m.getKey() + "' is not a string");
                        meta.put(m.getKey(), m.getValue().getAsString());
                    }
                    continue;
                }
                String dtype = o.get("dtype").getAsString();
                if (!dtype.equals("F32"))
                    throw new IOException(where + ": tensor '" + name + "' has dtype " + dtype + "; only F32 is supported");
                JsonArray sa = o.get("shape").getAsJsonArray();
                if (sa.size() > Tensor.MAX_RANK)
                    throw new IOException(where + ": tensor '" + name + "' has rank " + sa.size() + " above " + Tensor.MAX_RANK);
                Entry e = new Entry();
                e.name = name;
                e.shape = new int[sa.size()];
                long numel = 1;
                for (int i = 0; i < sa.size(); i++) {
                    long d = sa.get(i).getAsLong();
                    if (d < 0 || d > Integer.MAX_VALUE) throw new IOException(where + ": tensor '" + name + "' has bad dimension " + d);
                    e.shape[i] = (int) d;
                    numel = Math.multiplyExact(numel, d);
                }
                JsonArray off = o.get("data_offsets").getAsJsonArray();
                if (off.size() != 2) throw new IOException(where + ": tensor '" + name + "' data_offsets " + off + " is not [begin, end]");
                e.begin = off.get(0).getAsLong();
                e.end = off.get(1).getAsLong();
                if (e.begin < 0 || e.end < e.begin || e.end - e.begin != Math.multiplyExact(numel, 4L))
                    throw new IOException(where + ": tensor '" + name + "' of shape " + Shape.str(e.shape) + " has data_offsets ["
                            + e.begin + ", " + e.end + "], not " + numel * 4 + " bytes");
                entries.add(e);
            } catch (IOException ex) {
                throw ex;
            } catch (RuntimeException ex) { // missing field, wrong JSON type, overflow
                throw new IOException(where + ": malformed header entry '" + name + "': " + ex, ex);
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, String where) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) throw new IOException(where + ": unexpected end of file at byte " + pos);
            pos += r;
        }
    }
}
