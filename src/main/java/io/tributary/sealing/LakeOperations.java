package io.tributary.sealing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.api.ApiKey;
import io.tributary.api.ApiReply;
import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The lake operations API (routes/lake-operations.camel.yaml): hour states and histories, re-curation and re-rollup of
 * one hour or a range, behind the ingest API key. Re-curation goes through hour sealing (the hour back to PENDING, a new
 * Glue run, then the rollup as usual); a re-rollup sends the hour to {@code direct:hour-curated} on a worker thread. Also
 * what the hourly-rollup route calls to record each rollup's outcome in the hour's state.
 */
@Singleton
@Named("lakeOperations")
public class LakeOperations {

    /** Longest range one request may name: a week of hours. */
    public static final int MAX_HOURS = 168;

    private static final Logger LOG = Logger.getLogger(LakeOperations.class);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd-HH").withResolverStyle(ResolverStyle.STRICT);
    private static final String QUERY_ID = "CamelAwsAthenaQueryExecutionId";
    private static final String ARRIVAL_HOUR = "tributaryArrivalHour";

    private final Optional<HourSealer> sealer;
    private final HourStore store;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final ApiKey apiKey;
    private final Clock clock = Clock.systemUTC();
    private final MeterRegistry registry;
    private final ExecutorService rollups = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lake-operations-rollup");
        t.setDaemon(true);
        return t;
    });

    public LakeOperations(HourSealing sealing, S3Client s3, TributaryConfig config, ProducerTemplate producer, ObjectMapper json,
                          MeterRegistry registry) {
        this.sealer = sealing.sealer();
        this.store = sealer.map(HourSealer::store).orElseGet(() -> new S3HourStore(s3, config.lake().rawBucket(),
                config.lake().rawPrefix(), config.glue().statePrefix()));
        this.producer = producer;
        this.json = json;
        this.apiKey = new ApiKey(config.ingest().apiKey());
        this.registry = registry;
    }


    /** A request's hours, or why they are not acceptable (400). */
    record Range(List<String> hours, String error) {
    }

    // ---- the API ----

    /** {@code GET /api/hours?from=&to=}: every hour with raw data in the range (default: the last 24 hours), oldest first. */
    public ApiReply list(@Header("X-Api-Key") String key, @Header("from") String from, @Header("to") String to) {
        if (!authorized(key)) {
            return unauthorized("list");
        }
        String now = RawHours.of(clock.instant());
        Range range = range(from == null || from.isBlank() ? RawHours.of(RawHours.start(now).minus(Duration.ofHours(23))) : from,
                to == null || to.isBlank() ? now : to);
        if (range.error() != null) {
            return error("list", 400, range.error());
        }
        ArrayNode hours = json.createArrayNode();
        for (String hour : withRawData(range.hours())) {
            Optional<HourState> s = state(hour);
            ObjectNode n = hours.addObject().put("hour", hour);
            n.put("state", s.map(HourState::lakeState).orElse(LakeState.OPEN).label());
            n.put("glue_run_id", s.map(HourState::runId).orElse(null));
            n.put("athena_query_id", s.map(HourState::athenaQueryId).orElse(null));
            n.put("attempts", s.map(HourState::attempts).orElse(0));
            n.put("updated_at", s.map(HourState::updatedAt).map(Instant::toString).orElse(null));
            n.put("error", s.map(st -> st.rollup() == HourState.Rollup.FAILED ? st.rollupError() : st.error()).orElse(null));
            n.put("in_flight", s.map(HourState::glueInFlight).orElse(false) || sealer.map(x -> x.rollingUp(hour)).orElse(false));
        }
        count("list", "ok");
        return new ApiReply(200, hours.toString());
    }

    /** {@code GET /api/hours/{hour}/history}: the hour's transitions, oldest first. */
    public ApiReply history(@Header("X-Api-Key") String key, @Header("hour") String hour) {
        if (!authorized(key)) {
            return unauthorized("history");
        }
        Range range = range(hour, hour);
        if (range.error() != null) {
            return error("history", 400, range.error());
        }
        Optional<HourState> s = state(hour);
        if (s.isEmpty() && withRawData(range.hours()).isEmpty()) {
            return error("history", 404, "hour " + hour + " has no raw data");
        }
        ArrayNode entries = json.createArrayNode();
        for (HourState.Transition t : s.map(HourState::history).orElse(List.of())) {
            entries.addObject()
                    .put("at", t.at().toString())
                    .put("state", t.state().label())
                    .put("glue_run_id", t.glueRunId())
                    .put("athena_query_id", t.athenaQueryId())
                    .put("detail", t.detail());
        }
        count("history", "ok");
        return new ApiReply(200, entries.toString());
    }

    /** {@code POST /api/hours/{hour}/recurate} or {@code POST /api/hours/recurate?from=&to=}. */
    public ApiReply recurate(@Header("X-Api-Key") String key, @Header("hour") String hour, @Header("from") String from,
                          @Header("to") String to) {
        return operate("recurate", key, hour, from, to);
    }

    /** {@code POST /api/hours/{hour}/rollup} or {@code POST /api/hours/rollup?from=&to=}. */
    public ApiReply rollup(@Header("X-Api-Key") String key, @Header("hour") String hour, @Header("from") String from,
                        @Header("to") String to) {
        return operate("rollup", key, hour, from, to);
    }

    private ApiReply operate(String operation, String key, String hour, String from, String to) {
        if (!authorized(key)) {
            return unauthorized(operation);
        }
        Range range = hour != null ? range(hour, hour)
                : from == null || to == null ? new Range(List.of(), "give the hours as ?from=yyyy-MM-dd-HH&to=yyyy-MM-dd-HH") : range(from, to);
        if (range.error() != null) {
            return error(operation, 400, range.error());
        }
        if (sealer.isEmpty()) {
            return error(operation, 503, "hour sealing is off (tributary.glue.enabled=false): hours are neither curated nor "
                    + "rolled up by this application");
        }
        List<String> hours = withRawData(range.hours());
        if (hours.isEmpty()) {
            return error(operation, 404, range.hours().size() == 1 ? "hour " + range.hours().get(0) + " has no raw data"
                    : "no hour from " + range.hours().get(0) + " to " + range.hours().get(range.hours().size() - 1) + " has raw data");
        }
        HourSealer s = sealer.get();
        OperationRules.Outcome outcome = operation.equals("recurate") ? s.recurate(hours) : s.requestRollup(hours);
        if (outcome.refused()) {
            return error(operation, 409, outcome.refusal());
        }
        if (operation.equals("rollup")) {
            for (String h : outcome.started()) {
                rollups.submit(() -> rollUp(s, h));
            }
        }
        LOG.infof("lake operation %s accepted for %s (new: %s)", operation, outcome.accepted(), outcome.started());
        count(operation, "accepted");
        Counter.builder("tributary.lake.operations.hours").description("Hours a lake operation was started for (repeats not counted)")
                .tag("operation", operation).register(registry).increment(outcome.started().size());
        ObjectNode body = json.createObjectNode();
        ArrayNode accepted = body.putArray("accepted");
        outcome.accepted().forEach(accepted::add);
        return new ApiReply(202, body.toString());
    }

    private void rollUp(HourSealer s, String hour) {
        if (!s.claimRollup(hour)) {
            return;
        }
        try {
            producer.requestBody("direct:hour-curated", hour);
        } catch (RuntimeException e) {
            // recorded in the hour's state by the route; here only logged
            LOG.errorf(e, "rollup of hour %s (operator's request) failed", hour);
        } finally {
            s.rollupEnded(hour);
        }
    }

    // ---- what the hourly-rollup route calls ----

    public void rollupStarted(@ExchangeProperty(ARRIVAL_HOUR) Object hour) {
        sealer.ifPresent(s -> s.rollupStarted(String.valueOf(hour)));
    }

    public void rolledUp(@ExchangeProperty(ARRIVAL_HOUR) Object hour, @Header(QUERY_ID) String queryId, @Body Object summary) {
        sealer.ifPresent(s -> s.rolledUp(String.valueOf(hour), queryId, summary == null ? null : summary.toString()));
    }

    /** Records the failure, then fails the exchange with it again so the caller sees it as before. */
    public void rollupFailed(@ExchangeProperty(ARRIVAL_HOUR) Object hour, @Header(QUERY_ID) String queryId,
                             @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) throws Exception {
        try {
            sealer.ifPresent(s -> s.rollupFailed(String.valueOf(hour), queryId,
                    cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not record the failed rollup of hour %s", hour);
        }
        if (cause != null) {
            throw cause;
        }
    }

    @PreDestroy
    void stop() {
        rollups.shutdownNow();
    }

    // ---- helpers ----

    /** Hours from {@code from} to {@code to} (both included), or why not. */
    static Range range(String from, String to) {
        Instant a = parse(from);
        Instant b = parse(to);
        if (a == null || b == null) {
            return new Range(List.of(), "not an hour (yyyy-MM-dd-HH, UTC): '" + (a == null ? from : to) + "'");
        }
        if (b.isBefore(a)) {
            return new Range(List.of(), "the range ends (" + to + ") before it starts (" + from + ")");
        }
        long n = Duration.between(a, b).toHours() + 1;
        if (n > MAX_HOURS) {
            return new Range(List.of(), "the range from " + from + " to " + to + " holds " + n + " hours; at most " + MAX_HOURS
                    + " in one request");
        }
        List<String> hours = new ArrayList<>((int) n);
        for (Instant t = a; !t.isAfter(b); t = t.plus(Duration.ofHours(1))) {
            hours.add(RawHours.of(t));
        }
        return new Range(hours, null);
    }

    private static Instant parse(String hour) {
        if (hour == null || !hour.matches("\\d{4}-\\d{2}-\\d{2}-\\d{2}")) {
            return null;
        }
        try {
            return LocalDateTime.parse(hour, HOUR).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null; // 2024-02-30-10, hour 24: malformed, answered 400
        }
    }

    private List<String> withRawData(List<String> hours) {
        SortedSet<String> raw = store.rawHours(RawHours.start(hours.get(0)), RawHours.start(hours.get(hours.size() - 1)));
        return hours.stream().filter(raw::contains).toList();
    }

    /** This process's copy when sealing holds the hour, else the stored state. */
    private Optional<HourState> state(String hour) {
        Optional<HourState> s = sealer.flatMap(x -> x.state(hour));
        return s.isPresent() ? s : store.load(hour);
    }

    private boolean authorized(String key) {
        return apiKey.matches(key);
    }

    private ApiReply unauthorized(String operation) {
        return error(operation, 401, "missing or wrong X-Api-Key header");
    }

    private ApiReply error(String operation, int status, String message) {
        count(operation, switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 409 -> "refused";
            default -> "unavailable";
        });
        return new ApiReply(status, json.createObjectNode().put("error", message).toString());
    }

    private void count(String operation, String outcome) {
        Counter.builder("tributary.lake.operations").description("Lake operations API requests by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome).register(registry).increment();
    }
}
