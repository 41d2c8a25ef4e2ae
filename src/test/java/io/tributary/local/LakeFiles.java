package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the lake as the S3 stand-in stores it: plain files at basedir/bucket/key. */
public final class LakeFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One NDJSON line of one object, with the object's key. */
    public record Line(String key, JsonNode json) {
    }

    private LakeFiles() {
    }

    /** {@code data} gzip-compressed, as a producer or the ingest writes it. */
    public static byte[] gzip(byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Keys of all .json.gz objects under a prefix of a bucket. */
    public static List<String> keys(Path basedir, String bucket, String prefix) {
        Path root = basedir.resolve(bucket);
        if (!Files.isDirectory(root.resolve(prefix))) {
            return List.of();
        }
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.walk(root.resolve(prefix))) {
                return files.filter(p -> p.toString().endsWith(".json.gz"))
                        .map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
            } catch (UncheckedIOException e) {
                // s3proxy writes an object to a temporary file and renames it: a walk can meet a file that is gone by the
                // time it is read. Walk again; the object is complete on a later walk.
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Every line of every object under a prefix. Objects still being written are skipped until complete. */
    public static List<Line> lines(Path basedir, String bucket, String prefix) {
        List<Line> out = new ArrayList<>();
        for (String key : keys(basedir, bucket, prefix)) {
            try (var in = new GZIPInputStream(Files.newInputStream(basedir.resolve(bucket).resolve(key)))) {
                for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!l.isEmpty()) {
                        out.add(new Line(key, JSON.readTree(l)));
                    }
                }
            } catch (IOException e) {
                // an object being written right now: it is read on the next poll
            }
        }
        return out;
    }
}
