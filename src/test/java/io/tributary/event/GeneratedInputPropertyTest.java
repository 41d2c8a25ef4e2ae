package io.tributary.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tributary.batch.BatchSettings;
import io.tributary.batch.Batcher;
import io.tributary.batch.LakeLayout;
import io.tributary.batch.SealedBatch;

/**
 * The ingest core's property: whatever arrives — {@value #INPUTS} seeded hostile inputs from {@link HostileInputs} — lands
 * in exactly one of the raw and errors zones, through the same processor and batcher the consumer uses, and no exception
 * escapes. Every raw line meets what the Glue job checks (the job's rules restated here so all of them are checked; the
 * real job and the Redshift stand-in take a sample in {@code GeneratedInputDownstreamTest}); every errors entry keeps the
 * exact original bytes. Reproduce a failure with {@code -Dtributary.property.seed=<seed>} (printed on failure).
 */
class GeneratedInputPropertyTest {

    static final int INPUTS = 120_000;
    static final long SEED = Long.getLong("tributary.property.seed", 20261201L);
    static final EventContract CONTRACT = EventContract.load();
    static final EventProcessor PROCESSOR = new EventProcessor(CONTRACT, EventPolicy.defaults());
    /** Shortly after the generator's event day (2025-11-30), so most events keep their own time and extreme ones are late or future. */
    static final Instant ARRIVAL = Instant.parse("2025-12-01T00:15:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The Glue job's timestamp and date rules (glue/.../RawHourTransform: ISO_TIMESTAMP, ISO_DATE). */
    static final Pattern ISO_TIMESTAMP = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?$");
    static final Pattern ISO_DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");
    static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1F\\x7F-\\x9F]");
    static final Set<String> DEVICE_TYPES = Set.of("desktop", "mobile", "tablet", "other", "unknown");

    /** Raw column → the contract input field its value comes from (its byte limit applies). */
    static final Map<String, String> SOURCE_FIELD = Map.ofEntries(
            Map.entry("event_id", "event_id"), Map.entry("event_type", "event_type"), Map.entry("user_id", "user_id"),
            Map.entry("timestamp", "timestamp"), Map.entry("page_url", "data.page_url"), Map.entry("page_host", "data.page_url"),
            Map.entry("page_path", "data.page_url"), Map.entry("product_id", "data.product_id"),
            Map.entry("category", "data.category"), Map.entry("session_id", "data.session_id"),
            Map.entry("device_type", "data.device_type"), Map.entry("country", "data.location.country"),
            Map.entry("city", "data.location.city"));

    @Test
    void everyGeneratedInputLandsInExactlyOneZoneAndRawLinesPassTheGlueJobsChecks() {
        long t0 = System.nanoTime();
        Batcher batcher = new Batcher(new BatchSettings(1_000, 5L << 20, Duration.ofSeconds(60), 1),
                new LakeLayout("raw", "raw/events", "errors", "errors/events"));
        HostileInputs.Ingested run = HostileInputs.ingest(SEED, INPUTS, PROCESSOR, batcher, ARRIVAL);
        List<HostileInputs.Input> sent = run.sent();
        List<SealedBatch> sealed = run.sealed();

        Map<Integer, Zone> landed = new HashMap<>();
        Map<HostileInputs.Kind, int[]> byKind = new EnumMap<>(HostileInputs.Kind.class);
        Map<String, Integer> byReason = new TreeMap<>();
        for (SealedBatch batch : sealed) {
            for (String line : lines(batch.body())) {
                JsonNode node = parse(line);
                int i = HostileInputs.index(node.path("sequence_number").asText());
                Zone previous = landed.put(i, batch.zone());
                if (previous != null) {
                    fail(describe(i, sent.get(i)) + " landed twice: in " + previous + " and in " + batch.zone());
                }
                HostileInputs.Input input = sent.get(i);
                if (batch.zone() == Zone.RAW) {
                    checkRawLine(i, input, node);
                } else {
                    checkErrorsEntry(i, input, node);
                    byReason.merge(node.path("reason").asText(), 1, Integer::sum);
                }
                byKind.computeIfAbsent(input.kind(), k -> new int[2])[batch.zone() == Zone.RAW ? 0 : 1]++;
            }
        }
        for (int i = 0; i < INPUTS; i++) {
            if (!landed.containsKey(i)) {
                fail(describe(i, sent.get(i)) + " is in neither zone");
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("FIGURE generated inputs: %,d inputs (seed %d) in %.1f s; raw %,d, errors %,d; by kind [raw, errors] %s; by reason %s%n",
                INPUTS, SEED, seconds, count(landed, Zone.RAW), count(landed, Zone.ERRORS), kinds(byKind), byReason);

        // the generator must reach both zones and every validation reason, or the property proves little
        assertTrue(count(landed, Zone.RAW) > INPUTS / 10, "at least a tenth of the inputs are accepted");
        // BAD_AGGREGATE and BAD_COMPRESSION are judged before the event processor (StreamIngest, ProducerRecords):
        // ProducerRecordsTest covers them
        for (ReasonCode r : EnumSet.complementOf(EnumSet.of(ReasonCode.PROCESSING_FAILED, ReasonCode.BAD_AGGREGATE,
                ReasonCode.BAD_COMPRESSION))) {
            assertTrue(byReason.containsKey(r.name()), "the generator produced no input rejected as " + r + ": " + byReason);
        }
        assertTrue(!byReason.containsKey(ReasonCode.PROCESSING_FAILED.name()),
                "no generated input should fail unexpectedly (each needs a named reason): " + byReason);
    }

    /** What the Glue job checks of a raw line (RawHourTransform.classify) plus the contract's limits. */
    static void checkRawLine(int i, HostileInputs.Input input, JsonNode line) {
        String where = describe(i, input) + " accepted as " + line;
        assertTrue(line.isObject(), where);
        for (String column : CONTRACT.columnNames("raw")) {
            JsonNode v = line.get(column);
            assertTrue(v != null, where + ": raw column " + column + " is absent");
            if (v.isNull()) {
                continue;
            }
            if (column.equals("event_hour")) {
                assertTrue(v.isInt() && v.asInt() >= 0 && v.asInt() <= 23, where + ": event_hour");
                continue;
            }
            assertTrue(v.isTextual(), where + ": " + column + " is not a string");
            String s = v.asText();
            assertTrue(!CONTROL.matcher(s).find(), where + ": control character in " + column);
            assertTrue(!hasLoneSurrogate(s), where + ": unpaired surrogate in " + column);
            String field = SOURCE_FIELD.get(column);
            if (field != null) {
                int max = maxBytes(field);
                assertTrue(s.getBytes(StandardCharsets.UTF_8).length <= max, where + ": " + column + " over " + max + " bytes");
            }
        }
        for (String required : List.of("event_id", "event_type", "user_id", "timestamp", "event_time", "ingest_time",
                "event_date", "shard_id", "sequence_number")) {
            // Spark's trim removes spaces only: a value of spaces is "missing required" to the job
            assertTrue(!line.path(required).asText("").replace(" ", "").isEmpty(), where + ": " + required + " is blank");
        }
        assertTrue(line.path("event_hour").isInt(), where + ": event_hour missing");
        for (String t : List.of("event_time", "ingest_time")) {
            String s = line.path(t).asText();
            assertTrue(ISO_TIMESTAMP.matcher(s).matches(), where + ": " + t + " is not what the Glue job reads");
            int year = Instant.parse(s).atZone(java.time.ZoneOffset.UTC).getYear();
            assertTrue(year >= CONTRACT.minYear() && year <= CONTRACT.maxYear(), where + ": " + t + " year " + year);
        }
        String date = line.path("event_date").asText();
        assertTrue(ISO_DATE.matcher(date).matches(), where + ": event_date");
        LocalDate.parse(date);
        String type = line.path("event_type").asText();
        assertEquals(type.toLowerCase(java.util.Locale.ROOT), type, where + ": event_type is lower case");
        JsonNode device = line.path("device_type");
        assertTrue(device.isNull() || DEVICE_TYPES.contains(device.asText()), where + ": device_type");
        JsonNode country = line.path("country");
        assertTrue(country.isNull() || country.asText().matches("[A-Z]{2}"), where + ": country");
    }

    /** An errors entry names a reason and a message, and keeps the original bytes exactly. */
    static void checkErrorsEntry(int i, HostileInputs.Input input, JsonNode entry) {
        String where = describe(i, input) + " rejected as " + entry.path("reason").asText();
        ReasonCode.valueOf(entry.path("reason").asText());
        assertTrue(!entry.path("message").asText("").isBlank(), where + ": no message");
        String payload = entry.path("payload").asText();
        byte[] kept = switch (entry.path("payload_encoding").asText()) {
            case "utf8" -> payload.getBytes(StandardCharsets.UTF_8);
            case "base64" -> Base64.getDecoder().decode(payload);
            default -> throw new AssertionError(where + ": payload_encoding " + entry.path("payload_encoding"));
        };
        assertArrayEquals(input.payload(), kept, where + ": the errors zone must keep the original bytes");
    }

    static int maxBytes(String path) {
        return CONTRACT.inputFields().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().maxBytes();
    }

    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    static String describe(int i, HostileInputs.Input input) {
        String shown = input.payload().length > 300 ? input.text().substring(0, Math.min(200, input.text().length())) + "… ("
                + input.payload().length + " bytes)" : Base64.getEncoder().encodeToString(input.payload());
        return "input #" + i + " (" + input.kind() + ", seed " + SEED + ", " + (input.payload().length > 300 ? "text " : "base64 ")
                + shown + ")";
    }

    static List<String> lines(byte[] gzip) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            for (String l : text.split("\n")) {
                if (!l.isEmpty()) {
                    out.add(l);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("a zone line is not JSON: " + line, e);
        }
    }

    static long count(Map<Integer, Zone> landed, Zone zone) {
        return landed.values().stream().filter(z -> z == zone).count();
    }

    static String kinds(Map<HostileInputs.Kind, int[]> byKind) {
        StringBuilder s = new StringBuilder();
        byKind.forEach((k, v) -> s.append(k).append('=').append(v[0]).append('/').append(v[1]).append(' '));
        return s.toString().trim();
    }
}
