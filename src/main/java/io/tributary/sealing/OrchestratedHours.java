package io.tributary.sealing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.arc.Unremovable;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Lambda mode's hour sealing, one step per call of the Step Functions state machine (the lake-ops function,
 * {@code io.tributary.lambda.LakeOpsHandler}). The machine runs the Glue job, the Athena rollup and the Redshift load; these
 * steps decide and record, on the same durable hour states, rules and shard watermarks as the container's
 * {@link HourSealer}:
 * <ul>
 * <li>{@code seal}: claims (conditional write) every raw hour that is complete ({@link SealPolicy} over
 * {@link DurableShardWatermarks}, which the Lambda ingest function publishes), every sealed hour waiting for a new run, every
 * curated hour whose raw objects grew since its run started (late data), and every claim older than the claim timeout
 * (an execution that died). Returns the claimed hours with their run tokens, at most {@value #MAX_CLAIMS} per call.</li>
 * <li>{@code curated}, {@code rolled_up}, {@code failed}: record a step's outcome for the hour, if the run token is still
 * the hour's (a claim taken over meanwhile is left alone). Without a token (a run started by hand) they apply to the
 * current state.</li>
 * </ul>
 */
@Singleton
@Unremovable // looked up by LakeOpsHandler, injected nowhere
public class OrchestratedHours {

    /** Hours one seal step claims at most: the state machine's Map runs them a few at a time. */
    public static final int MAX_CLAIMS = 24;

    private static final Logger LOG = Logger.getLogger(OrchestratedHours.class);

    private final HourStore store;
    private final ShardWatermarks shards;
    private final SealPolicy policy;
    private final Duration lookback;
    private final Duration lateObjectWindow;
    private final Duration claimTimeout;
    private final int maxRetries;
    private final Clock clock;

    @Inject
    public OrchestratedHours(TributaryConfig config, S3Client s3, KinesisClient kinesis, CheckpointStore positions) {
        this(new S3HourStore(s3, config.lake().rawBucket(), config.lake().rawPrefix(), config.glue().statePrefix()),
                new DurableShardWatermarks(kinesis, config.kinesis().stream(), positions, Clock.systemUTC()),
                new SealPolicy(config.glue().gracePeriod(), config.glue().sealOpenHour()), config.glue().lookback(),
                config.glue().lateObjectWindow(), config.glue().claimTimeout(), config.glue().maxRetries(), Clock.systemUTC());
    }

    OrchestratedHours(HourStore store, ShardWatermarks shards, SealPolicy policy, Duration lookback, Duration lateObjectWindow,
                      Duration claimTimeout, int maxRetries, Clock clock) {
        this.store = store;
        this.shards = shards;
        this.policy = policy;
        this.lookback = lookback;
        this.lateObjectWindow = lateObjectWindow;
        this.claimTimeout = claimTimeout;
        this.maxRetries = maxRetries;
        this.clock = clock;
    }

    /** One step: {@code {"action": "seal" | "curated" | "rolled_up" | "failed", "arrival_hour": …, "run_token": …, …}}. */
    public Map<String, Object> handle(Map<String, Object> input) {
        String action = text(input, "action");
        if (action == null) {
            throw new IllegalArgumentException("lake-ops input needs \"action\": seal, curated, rolled_up or failed; got " + input.keySet());
        }
        return switch (action) {
            case "seal" -> Map.of("hours", seal());
            case "curated" -> outcome(input, "glue_run_id", (s, now) -> s.running(required(input, "glue_run_id"), now).succeeded(now));
            case "rolled_up" -> outcome(input, "athena_query_id",
                    (s, now) -> s.claimed(now).rolledUp(required(input, "athena_query_id"), null, now).handedOff(now));
            case "failed" -> outcome(input, null, (s, now) -> failed(s, errorText(input.get("error")), now));
            default -> throw new IllegalArgumentException("unknown lake-ops action '" + action + "': seal, curated, rolled_up or failed");
        };
    }

    /** Claims the hours to run now, oldest first. */
    List<Map<String, String>> seal() {
        Instant now = clock.instant();
        List<ShardWatermark> marks = null;
        List<Map<String, String>> claimed = new ArrayList<>();
        for (String hour : store.rawHours(now.minus(lookback), now)) {
            if (claimed.size() >= MAX_CLAIMS) {
                break;
            }
            HourState s = store.load(hour).orElseGet(() -> HourState.pending(hour));
            String why = switch (s.status()) {
                case PENDING -> s.sealedAt() != null ? "waiting for a run" : null;
                case STARTING, RUNNING -> s.updatedAt() != null && !s.updatedAt().plus(claimTimeout).isAfter(now)
                        ? "claim " + s.runToken() + " timed out" : null;
                case SUCCEEDED -> HourSealer.grownSinceRun(store, s, lateObjectWindow, now).map(HourSealer::lateReason).orElse(null);
                case FAILED -> null;
            };
            if (why == null && s.status() == HourState.Status.PENDING && policy.due(hour, now)) {
                if (marks == null) {
                    marks = shards.current(policy.latestDueCutoff(now));
                }
                why = policy.complete(hour, now, marks) ? "sealed: every shard is durable past " + policy.cutoff(hour) : null;
            }
            if (why == null) {
                continue;
            }
            HourState base = s.status() == HourState.Status.SUCCEEDED ? s.recurate(now, why) : s;
            String token = HourSealer.newToken(hour, base.attempts() + 1);
            try {
                store.save(base.starting(token, now, now, store.rawListing(hour)));
                LOG.infof("raw hour %s claimed for a run (%s), token %s", hour, why, token);
                Map<String, String> h = new LinkedHashMap<>();
                h.put("arrival_hour", hour);
                h.put("run_token", token);
                claimed.add(h);
            } catch (HourStore.Conflict e) {
                LOG.infof("raw hour %s: claimed by another execution meanwhile", hour);
            }
        }
        return claimed;
    }

    private HourState failed(HourState s, String why, Instant now) {
        return s.failed(why, s.attempts() <= maxRetries, now);
    }

    private interface Change {
        HourState apply(HourState s, Instant now);
    }

    /** Records a step's outcome, if the hour is still run under the caller's token. */
    private Map<String, Object> outcome(Map<String, Object> input, String idField, Change change) {
        String hour = required(input, "arrival_hour");
        if (!hour.matches("\\d{4}-\\d{2}-\\d{2}-\\d{2}")) {
            throw new IllegalArgumentException("arrival_hour must be yyyy-MM-dd-HH (UTC); got '" + hour + "'");
        }
        String token = text(input, "run_token");
        Instant now = clock.instant();
        Optional<HourState> stored = store.load(hour);
        HourState s = stored.orElseGet(() -> HourState.pending(hour));
        if (token != null && !token.equals(s.runToken())) {
            LOG.warnf("raw hour %s: outcome of run %s ignored, the hour is now %s under %s", hour, token, s.status(), s.runToken());
            return Map.of("arrival_hour", hour, "state", s.lakeState().label(), "recorded", false);
        }
        if (token == null && "curated".equals(input.get("action")) && !s.glueInFlight()) {
            // a run started by hand: recorded as an attempt of its own
            s = (s.status() == HourState.Status.PENDING ? s : s.recurate(now, "run by hand")).starting("by-hand", now, now, store.rawListing(hour));
        }
        HourState next = change.apply(s, now);
        store.save(next);
        return Map.of("arrival_hour", hour, "state", next.lakeState().label(), "recorded", true);
    }

    private static String text(Map<String, Object> input, String field) {
        Object v = input.get(field);
        return v == null ? null : v.toString();
    }

    private static String required(Map<String, Object> input, String field) {
        String v = text(input, field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("lake-ops action '" + input.get("action") + "' needs \"" + field + "\"");
        }
        return v;
    }

    /** The error a Catch passes: {"Error": …, "Cause": …} or a string. */
    private static String errorText(Object error) {
        if (error instanceof Map<?, ?> m) {
            return m.get("Error") + ": " + m.get("Cause");
        }
        return String.valueOf(error);
    }
}
