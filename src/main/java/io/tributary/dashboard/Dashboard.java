package io.tributary.dashboard;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Calendar;
import java.util.Deque;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Header;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.Startup;
import io.tributary.api.ApiKey;
import io.tributary.api.ApiReply;
import io.tributary.config.TributaryConfig;

/**
 * The dashboard API behind {@code /dashboard}: the shared definition, each dataset's rows from Redshift over a time
 * window, and the pipeline's own figures from the metrics registry. Every failure is a JSON message that says what to do.
 */
@ApplicationScoped
@Startup // read and check the definition at start: a bad edit fails the start, not the first page view
@Named("dashboard")
public class Dashboard {

    private static final Logger LOG = Logger.getLogger(Dashboard.class);

    static final String REDSHIFT_OFF = "Redshift is off: set tributary.redshift.enabled=true (TRIBUTARY_REDSHIFT_ENABLED=true) "
            + "and quarkus.datasource.redshift.jdbc.url; bin/dev starts the local stand-in with both set";

    private final DashboardDefinition definition;
    private final DashboardConfig limits;
    private final boolean redshiftEnabled;
    private final InjectableInstance<AgroalDataSource> redshift;
    private final MeterRegistry registry;
    private final ObjectMapper json;
    private final ApiKey apiKey;
    /** (nanoTime, records received) samples taken by pipeline requests, for records/s in. */
    private final Deque<long[]> samples = new ArrayDeque<>();

    public Dashboard(TributaryConfig config, DashboardConfig limits, @DataSource("redshift") InjectableInstance<AgroalDataSource> redshift,
                     MeterRegistry registry, ObjectMapper json) {
        this.definition = DashboardDefinition.load(json);
        this.limits = limits;
        this.redshiftEnabled = config.redshift().enabled();
        this.redshift = redshift;
        this.registry = registry;
        this.json = json;
        this.apiKey = new ApiKey(config.ingest().apiKey());
        if (limits.maxRows() < 1 || limits.maxMinutes() < 1) {
            throw new IllegalArgumentException("tributary.dashboard.max-rows and max-minutes must be at least 1");
        }
    }


    /** GET /api/dashboard/definition. */
    public ApiReply definition(@Header("X-Api-Key") String key) {
        if (!authorised(key)) {
            return unauthorised();
        }
        ObjectNode out = definition.json().deepCopy();
        out.put("redshift_enabled", redshiftEnabled);
        return new ApiReply(200, out.toString());
    }

    /** GET /api/dashboard/datasets/{id}?minutes=180: the rows of the last {@code minutes} by the dataset's time column. */
    public ApiReply dataset(@Header("X-Api-Key") String key, @Header("id") String id, @Header("minutes") String minutes) {
        if (!authorised(key)) {
            return unauthorised();
        }
        DashboardDefinition.Dataset d = id == null ? null : definition.dataset(id);
        if (d == null) {
            return error(404, "no dataset '" + id + "' in " + DashboardDefinition.RESOURCE, "unknown_dataset");
        }
        int window;
        try {
            window = minutes == null || minutes.isBlank() ? 180 : Integer.parseInt(minutes.trim());
        } catch (NumberFormatException e) {
            window = -1;
        }
        if (window < 1 || window > limits.maxMinutes()) {
            return error(400, "minutes must be a whole number from 1 to " + limits.maxMinutes() + ", not '" + minutes + "'", "bad_window");
        }
        if (!redshiftEnabled) {
            return error(503, REDSHIFT_OFF, "redshift_off");
        }
        Instant now = Instant.now();
        Instant since = windowStart(now, window);
        ObjectNode out = json.createObjectNode().put("id", d.id()).put("title", d.title()).put("minutes", window)
                .put("from", since.toString());
        ArrayNode columns = out.putArray("columns");
        d.columns().forEach(c -> columns.addObject().put("name", c.name()).put("type", c.type()));
        ArrayNode rows = out.putArray("rows");
        boolean truncated = false;
        try (Connection c = redshift.get().getConnection();
             PreparedStatement p = c.prepareStatement(DashboardDefinition.windowed(d))) {
            p.setQueryTimeout((int) Math.max(1, limits.queryTimeout().toSeconds()));
            p.setMaxRows(limits.maxRows() + 1);
            p.setTimestamp(1, Timestamp.from(since), utc());
            try (ResultSet r = p.executeQuery()) {
                int n = 0;
                while (r.next()) {
                    if (++n > limits.maxRows()) {
                        truncated = true;
                        break;
                    }
                    ArrayNode row = rows.addArray();
                    for (DashboardDefinition.Column col : d.columns()) {
                        value(r, col, row);
                    }
                }
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            LOG.warnf("dashboard dataset %s failed on Redshift (SQLState %s): %s", d.id(), state, e.getMessage());
            if (state.startsWith("08")) {
                return error(503, "Redshift is unreachable: " + e.getMessage() + " (check quarkus.datasource.redshift.jdbc.url and that the cluster is up)",
                        "redshift_unreachable");
            }
            return error(502, "Redshift refused the query of dataset " + d.id() + ": " + e.getMessage()
                    + " (are the analytics migrations applied? see docs/analytics.md)", "redshift_failed");
        } catch (RuntimeException e) {
            // an inactive data source or a pool that cannot connect surfaces as a runtime exception, not an SQLException
            LOG.warnf(e, "dashboard dataset %s: Redshift not available", d.id());
            return error(503, "Redshift is not available: " + e.getMessage(), "redshift_unreachable");
        }
        out.put("truncated", truncated).put("generated_at", now.toString());
        return new ApiReply(200, out.toString());
    }

    /** GET /api/dashboard/pipeline: records/s in, per-shard lag, errors by reason, objects and bytes written per zone. */
    public ApiReply pipeline(@Header("X-Api-Key") String key) {
        if (!authorised(key)) {
            return unauthorised();
        }
        long received = (long) counterSum("tributary.records.received");
        ObjectNode out = json.createObjectNode().put("generated_at", Instant.now().toString());
        Double rate = rate(received);
        if (rate == null) {
            out.putNull("records_in_per_second");
        } else {
            out.put("records_in_per_second", Math.round(rate * 10) / 10.0);
        }
        out.putObject("records").put("received", received).put("valid", (long) counterSum("tributary.records.valid"))
                .put("invalid", (long) counterSum("tributary.records.invalid"));
        Map<String, ObjectNode> shards = new TreeMap<>();
        for (Gauge g : registry.find("tributary.shard.behind.ms").gauges()) {
            shard(shards, g.getId().getTag("shard")).put("behind_ms", (long) g.value());
        }
        for (Gauge g : registry.find("tributary.checkpoint.lag.records").gauges()) {
            shard(shards, g.getId().getTag("shard")).put("checkpoint_lag_records", (long) g.value());
        }
        out.putArray("shards").addAll(shards.values());
        Map<String, Long> reasons = new TreeMap<>();
        for (Counter c : registry.find("tributary.records.invalid").counters()) {
            if (c.count() > 0) {
                reasons.merge(c.getId().getTag("reason"), (long) c.count(), Long::sum);
            }
        }
        ObjectNode errors = out.putObject("errors_by_reason");
        reasons.forEach(errors::put);
        ObjectNode written = out.putObject("written");
        for (Counter c : registry.find("tributary.batches.flushed").counters()) {
            zone(written, c.getId().getTag("zone")).put("objects", (long) c.count());
        }
        for (Counter c : registry.find("tributary.bytes.flushed").counters()) {
            zone(written, c.getId().getTag("zone")).put("bytes", (long) c.count());
        }
        Map<String, Long> http = new TreeMap<>();
        for (Counter c : registry.find("tributary.http.records").counters()) {
            http.merge(c.getId().getTag("status"), (long) c.count(), Long::sum);
        }
        ObjectNode httpNode = out.putObject("http_records");
        http.forEach(httpNode::put);
        Gauge open = registry.find("tributary.batches.open").gauge();
        out.put("batches_open", open == null ? 0 : (long) open.value());
        out.put("redshift_enabled", redshiftEnabled);
        return new ApiReply(200, out.toString());
    }

    /** Records/s over the samples of the last rate window, or null until two samples at least a second apart exist. */
    private Double rate(long received) {
        long now = System.nanoTime();
        synchronized (samples) {
            if (samples.isEmpty() || now - samples.peekLast()[0] >= 500_000_000L) {
                samples.addLast(new long[] {now, received});
            }
            long oldest = now - limits.rateWindow().toNanos();
            while (samples.size() > 2 && samples.peekFirst()[0] < oldest) {
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            long elapsed = now - first[0];
            if (elapsed < 1_000_000_000L) {
                return null;
            }
            return (received - first[1]) / (elapsed / 1e9);
        }
    }

    private double counterSum(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private ObjectNode shard(Map<String, ObjectNode> shards, String id) {
        return shards.computeIfAbsent(id == null ? "unknown" : id, s -> json.createObjectNode().put("shard", s));
    }

    private static ObjectNode zone(ObjectNode written, String zone) {
        String z = zone == null ? "unknown" : zone;
        return written.has(z) ? (ObjectNode) written.get(z) : written.putObject(z);
    }

    private static void value(ResultSet r, DashboardDefinition.Column col, ArrayNode row) throws SQLException {
        String name = col.name();
        switch (col.type()) {
            case "DATETIME" -> {
                Timestamp t = r.getTimestamp(name, utc());
                if (t == null) {
                    row.addNull();
                } else {
                    row.add(t.toInstant().toString());
                }
            }
            case "INTEGER" -> {
                long v = r.getLong(name);
                if (r.wasNull()) {
                    row.addNull();
                } else {
                    row.add(v);
                }
            }
            case "DECIMAL" -> {
                BigDecimal v = r.getBigDecimal(name);
                if (v == null) {
                    row.addNull();
                } else {
                    row.add(v);
                }
            }
            case "BOOLEAN", "BIT" -> {
                boolean v = r.getBoolean(name);
                if (r.wasNull()) {
                    row.addNull();
                } else {
                    row.add(v);
                }
            }
            default -> row.add(r.getString(name));
        }
    }

    private boolean authorised(String key) {
        return apiKey.matches(key);
    }

    private ApiReply unauthorised() {
        return error(401, "missing or wrong X-Api-Key header", "unauthorised");
    }

    private ApiReply error(int status, String message, String reason) {
        return new ApiReply(status, json.createObjectNode().put("error", message).put("reason", reason).toString());
    }

    /** A fresh UTC calendar per use: the warehouse's TIMESTAMPs are UTC without a zone, and Calendar is not thread-safe. */
    private static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }

    /** The window start a dataset request of {@code minutes} reads from (whole minutes, for cacheable windows). */
    static Instant windowStart(Instant now, int minutes) {
        return now.minus(Duration.ofMinutes(minutes)).truncatedTo(ChronoUnit.MINUTES);
    }
}
