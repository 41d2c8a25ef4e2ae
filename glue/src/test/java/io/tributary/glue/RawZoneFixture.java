package io.tributary.glue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes raw-zone objects as the application does: gzip NDJSON of flat enriched records under dt=/hour=. */
final class RawZoneFixture {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private RawZoneFixture() {
    }

    /**
     * An enriched record whose curated partition is its event time (the event arrived within the window). Fields can be
     * changed or removed on the returned map.
     */
    static Map<String, Object> event(String eventId, String eventTime, String ingestTime, String shardId, String sequence) {
        Instant et = Instant.parse(eventTime);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event_id", eventId);
        e.put("event_type", "page_view");
        e.put("user_id", "u-" + Math.abs(eventId.hashCode() % 100));
        e.put("timestamp", eventTime);
        e.put("event_time", ISO_MILLIS.format(et));
        e.put("ingest_time", ISO_MILLIS.format(Instant.parse(ingestTime)));
        e.put("event_date", et.atZone(ZoneOffset.UTC).toLocalDate().toString());
        e.put("event_hour", et.atZone(ZoneOffset.UTC).getHour());
        e.put("time_flag", null);
        e.put("page_url", "https://shop.example.com/products/" + eventId);
        e.put("page_host", "shop.example.com");
        e.put("page_path", "/products/" + eventId);
        e.put("product_id", "prod_" + eventId);
        e.put("category", "electronics");
        e.put("session_id", "s-" + eventId);
        e.put("device_type", "desktop");
        e.put("country", "US");
        e.put("city", "New York");
        e.put("shard_id", shardId);
        e.put("sequence_number", sequence);
        return e;
    }

    /** A late or future event: the application partitions it by arrival time and flags it. */
    static Map<String, Object> flagged(String eventId, String eventTime, String ingestTime, String flag, String shardId,
            String sequence) {
        Map<String, Object> e = event(eventId, eventTime, ingestTime, shardId, sequence);
        Instant it = Instant.parse(ingestTime);
        e.put("event_date", it.atZone(ZoneOffset.UTC).toLocalDate().toString());
        e.put("event_hour", it.atZone(ZoneOffset.UTC).getHour());
        e.put("time_flag", flag);
        return e;
    }

    static String line(Map<String, Object> record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> with(Map<String, Object> record, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(record);
        copy.put(key, value);
        return copy;
    }

    static Map<String, Object> without(Map<String, Object> record, String key) {
        Map<String, Object> copy = new LinkedHashMap<>(record);
        copy.remove(key);
        return copy;
    }

    /** Writes {@code <raw>/dt=<date>/hour=<HH>/<name>} as gzip NDJSON, one line per entry. */
    static Path writeObject(Path rawRoot, ArrivalHour hour, String name, List<String> lines) {
        Path dir = rawRoot.resolve(hour.rawPartition());
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
                    BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8))) {
                for (String l : lines) {
                    w.write(l);
                    w.write('\n');
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
