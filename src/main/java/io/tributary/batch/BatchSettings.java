package io.tributary.batch;

import java.time.Duration;

/** When a batch is flushed: whichever comes first of max records, max uncompressed bytes and max age. */
public record BatchSettings(int maxRecords, long maxBytes, Duration maxAge, int gzipLevel) {

    public BatchSettings {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("tributary.batch.max-records must be at least 1, got " + maxRecords);
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("tributary.batch.max-bytes must be at least 1024, got " + maxBytes);
        }
        if (maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.compareTo(Duration.ofSeconds(900)) > 0) {
            throw new IllegalArgumentException("tributary.batch.max-age must be between 1s and 900s, got " + maxAge);
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new IllegalArgumentException("tributary.batch.gzip-level must be between 1 and 9, got " + gzipLevel);
        }
    }
}
