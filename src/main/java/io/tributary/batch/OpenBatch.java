package io.tributary.batch;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import io.tributary.event.Zone;

/** One open gzip NDJSON batch of one shard and one partition. Not thread-safe: the {@link Batcher} guards it. */
final class OpenBatch {

    final Zone zone;
    final String partition;
    final String shardId;
    final long openedAtNanos;
    String firstSeq;
    String lastSeq;
    int records;
    long uncompressedBytes;
    /** Set once the object is durably in S3; read by the checkpoint tracker under the batcher's lock. */
    boolean durable;
    /** Valid events per tally key (minute windows), created on the first one. */
    private Map<Object, long[]> tallies;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    private final GZIPOutputStream gzip;
    /** Lines reach the deflater 16 KiB at a time: one deflate call per line would cost a native call and its set-up each
     *  (about a tenth of ingest CPU, docs/ingest-performance.md); 16 KiB makes that negligible and keeps an open batch small. */
    private final BufferedOutputStream lines;

    void tally(Object key) {
        if (tallies == null) {
            tallies = new HashMap<>();
        }
        tallies.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    Map<Object, long[]> tallies() {
        return tallies == null ? Map.of() : tallies;
    }

    OpenBatch(Zone zone, String partition, String shardId, long openedAtNanos, int gzipLevel) {
        this.zone = zone;
        this.partition = partition;
        this.shardId = shardId;
        this.openedAtNanos = openedAtNanos;
        try {
            this.gzip = new GZIPOutputStream(buffer, 64 * 1024) {
                {
                    def.setLevel(gzipLevel);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.lines = new BufferedOutputStream(gzip, 16 * 1024);
    }

    void append(byte[] line, String seq) {
        try {
            lines.write(line);
            lines.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (firstSeq == null) {
            firstSeq = seq;
        }
        lastSeq = seq;
        records++;
        uncompressedBytes += line.length + 1;
    }

    byte[] finish() {
        try {
            lines.flush();
            gzip.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
