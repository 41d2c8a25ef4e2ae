package io.tributary.sealing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.SortedSet;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tributary.aws.ConditionalPut;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Raw hours from the raw zone's {@code dt=…/hour=…/} prefixes (one delimited listing per day) and one JSON state object per
 * hour, {@code <statePrefix>/<yyyy-MM-dd-HH>.json} in the raw bucket. A put of a whole object is atomic in S3, so a crash
 * leaves the previous state or the new one. Every put is conditional (S3 conditional writes: {@code If-Match} on the ETag
 * this store last saw, {@code If-None-Match: *} for a new hour), and every state carries a fresh {@code write_id} so two
 * writes never share an ETag.
 */
public final class S3HourStore implements HourStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;
    private final String rawPrefix;
    private final String statePrefix;
    /** ETag of the version of each hour this store last read or wrote. */
    private final Map<String, String> versions = new ConcurrentHashMap<>();

    public S3HourStore(S3Client s3, String bucket, String rawPrefix, String statePrefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.rawPrefix = rawPrefix;
        this.statePrefix = statePrefix;
    }

    @Override
    public SortedSet<String> rawHours(Instant from, Instant to) {
        SortedSet<String> hours = new TreeSet<>();
        for (Instant day = RawHours.day(from); !day.isAfter(to); day = day.plus(Duration.ofDays(1))) {
            String prefix = rawPrefix + "/dt=" + day.toString().substring(0, 10) + '/';
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))) {
                for (CommonPrefix p : page.commonPrefixes()) {
                    String hour = RawHours.fromPartition(p.prefix());
                    if (hour != null) {
                        hours.add(hour);
                    }
                }
            }
        }
        return hours;
    }

    String key(String hour) {
        return statePrefix + '/' + hour + ".json";
    }

    @Override
    public Optional<HourState> load(String hour) {
        try {
            var object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(hour)));
            versions.put(hour, object.response().eTag());
            return Optional.of(parse(object.asString(StandardCharsets.UTF_8)));
        } catch (NoSuchKeyException e) {
            versions.remove(hour);
            return Optional.empty();
        }
    }

    @Override
    public void save(HourState state) {
        String hour = state.hour();
        Optional<String> etag = ConditionalPut.json(s3, bucket, key(hour), format(state), versions.get(hour));
        if (etag.isEmpty()) {
            versions.remove(hour);
            throw new Conflict(hour);
        }
        versions.put(hour, etag.get());
    }

    @Override
    public RawListing rawListing(String hour) {
        String prefix = rawPrefix + '/' + RawHours.partition(hour);
        int objects = 0;
        S3Object newest = null;
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
            for (S3Object o : page.contents()) {
                objects++;
                if (newest == null || o.lastModified().isAfter(newest.lastModified())) {
                    newest = o;
                }
            }
        }
        return newest == null ? new RawListing(0, null, null) : new RawListing(objects, newest.lastModified(), newest.key());
    }

    static String format(HourState s) {
        ObjectNode n = JSON.createObjectNode()
                .put("hour", s.hour())
                .put("state", s.status().name())
                .put("attempts", s.attempts())
                .put("run_token", s.runToken())
                .put("run_id", s.runId())
                .put("sealed_at", s.sealedAt() == null ? null : s.sealedAt().toString())
                .put("updated_at", s.updatedAt() == null ? null : s.updatedAt().toString())
                .put("error", s.error())
                .put("handed_off", s.handedOff())
                .put("rollup", s.rollup().name())
                .put("athena_query_id", s.athenaQueryId())
                .put("rollup_error", s.rollupError())
                .put("raw_objects_at_start", s.rawAtStart() == null ? null : s.rawAtStart().objects())
                .put("raw_modified_at_start", s.rawAtStart() == null || s.rawAtStart().lastModified() == null ? null
                        : s.rawAtStart().lastModified().toString())
                .put("claimed_at", s.claimedAt() == null ? null : s.claimedAt().toString())
                .put("write_id", UUID.randomUUID().toString());
        ArrayNode history = n.putArray("history");
        for (HourState.Transition t : s.history()) {
            history.addObject()
                    .put("at", t.at().toString())
                    .put("state", t.state().name())
                    .put("glue_run_id", t.glueRunId())
                    .put("athena_query_id", t.athenaQueryId())
                    .put("detail", t.detail());
        }
        return n.toString();
    }

    static HourState parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return new HourState(n.get("hour").asText(), HourState.Status.valueOf(n.get("state").asText()),
                    n.path("attempts").asInt(), text(n, "run_token"), text(n, "run_id"), instant(n, "sealed_at"),
                    instant(n, "updated_at"), text(n, "error"), n.path("handed_off").asBoolean(false),
                    // fields added later: an older state object reads as "not rolled up, no history"
                    n.hasNonNull("rollup") ? HourState.Rollup.valueOf(n.get("rollup").asText()) : HourState.Rollup.NONE,
                    text(n, "athena_query_id"), text(n, "rollup_error"), history(n.path("history")), rawAtStart(n),
                    instant(n, "claimed_at"));
        } catch (IOException e) {
            throw new UncheckedIOException("hour state is not JSON: " + text, e);
        }
    }

    private static RawListing rawAtStart(JsonNode n) {
        return n.hasNonNull("raw_objects_at_start")
                ? new RawListing(n.get("raw_objects_at_start").asInt(), instant(n, "raw_modified_at_start"), null) : null;
    }

    private static List<HourState.Transition> history(JsonNode entries) {
        List<HourState.Transition> h = new ArrayList<>();
        for (JsonNode t : entries) {
            h.add(new HourState.Transition(instant(t, "at"), LakeState.valueOf(t.get("state").asText()), text(t, "glue_run_id"),
                    text(t, "athena_query_id"), text(t, "detail")));
        }
        return h;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode n, String field) {
        String v = text(n, field);
        return v == null ? null : Instant.parse(v);
    }
}
