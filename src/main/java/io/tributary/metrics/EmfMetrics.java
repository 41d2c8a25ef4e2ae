package io.tributary.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.quarkus.runtime.StartupEvent;
import io.tributary.config.TributaryConfig;

/**
 * The application's CloudWatch metrics, written as Embedded Metric Format log lines (one JSON object per line) to stdout,
 * which Lambda and the ECS awslogs driver send to CloudWatch Logs, where the metrics are extracted: no CloudWatch client
 * and no PutMetricData. What is emitted is {@link #CATALOG}: per interval, the change of each listed Micrometer counter.
 */
@ApplicationScoped
@Named("emfMetrics")
public class EmfMetrics {

    /** The list of emitted metrics; terraform/test reads the same file to check the alarms. */
    public static final String CATALOG = "metrics/emf-metrics.json";

    private static final Logger LOG = Logger.getLogger(EmfMetrics.class);

    /** One emitted metric: a CloudWatch name, unit and dimension names, and the counter it is the change of. */
    public record Definition(String name, String unit, List<String> dimensions, String meter, Map<String, String> tags) {
    }

    private final boolean enabled;
    private final Duration interval;
    private final String namespace;
    private final Map<String, Optional<String>> dimensionValues;
    private final List<Definition> definitions;
    private final MeterRegistry registry;
    private final ObjectMapper json;
    private final Consumer<String> out;
    private final Clock clock;
    private final Map<String, Double> published = new HashMap<>();
    private ScheduledExecutorService timer;

    @Inject
    public EmfMetrics(TributaryConfig config, MeterRegistry registry, ObjectMapper json) {
        this(config, registry, json, EmfMetrics::toStdout, Clock.systemUTC());
    }

    public EmfMetrics(TributaryConfig config, MeterRegistry registry, ObjectMapper json, Consumer<String> out, Clock clock) {
        this.enabled = config.metrics().emf().enabled();
        this.interval = config.metrics().emf().interval();
        this.namespace = config.metrics().namespace();
        this.dimensionValues = Map.of(
                "StreamName", Optional.of(config.kinesis().stream()),
                "JobName", config.glue().jobName().filter(s -> !s.isBlank()));
        this.definitions = catalog(json);
        this.registry = registry;
        this.json = json;
        this.out = out;
        this.clock = clock;
        for (Definition d : definitions) {
            for (String dimension : d.dimensions()) {
                if (!dimensionValues.containsKey(dimension)) {
                    throw new IllegalStateException(CATALOG + ": metric " + d.name() + " has dimension " + dimension
                            + ", which EmfMetrics has no value for (known: " + dimensionValues.keySet() + ")");
                }
            }
        }
    }

    /** The metric definitions of {@link #CATALOG}. */
    public static List<Definition> catalog(ObjectMapper json) {
        try (InputStream in = EmfMetrics.class.getClassLoader().getResourceAsStream(CATALOG)) {
            if (in == null) {
                throw new IllegalStateException(CATALOG + " is not on the classpath");
            }
            List<Definition> list = new ArrayList<>();
            for (var m : json.readTree(in).path("metrics")) {
                List<String> dims = new ArrayList<>();
                m.path("dimensions").forEach(d -> dims.add(d.asText()));
                Map<String, String> tags = new LinkedHashMap<>();
                m.path("tags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
                list.add(new Definition(m.path("name").asText(), m.path("unit").asText(), List.copyOf(dims), m.path("meter").asText(),
                        Map.copyOf(tags)));
            }
            return List.copyOf(list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CATALOG, e);
        }
    }

    void onStart(@Observes StartupEvent start) {
        if (enabled && !interval.isZero()) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "emf-metrics");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::publishQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The last interval's counts go out before the process ends. */
    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
        publishQuietly();
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Writes one EMF line with the change of every catalogued counter since the last line (empty when EMF is off, or when
     * no catalogued counter exists in this mode). Lambda calls this after each invocation; a timer every interval otherwise.
     */
    public synchronized Optional<String> publish() {
        if (!enabled) {
            return Optional.empty();
        }
        Optional<String> line = render();
        line.ifPresent(out);
        return line;
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not write the EMF metrics line");
        }
    }

    /** The EMF document for the counts since the last one; advances the baseline. */
    synchronized Optional<String> render() {
        ObjectNode root = json.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ArrayNode directives = aws.putArray("CloudWatchMetrics");
        // one directive per dimension set: a metric's dimensions must all be members of the root
        Map<List<String>, ArrayNode> metricsBySet = new LinkedHashMap<>();
        for (Definition d : definitions) {
            java.util.Collection<Meter> meters = registry.find(d.meter()).tags(tagsOf(d)).meters();
            if (meters.isEmpty() || d.dimensions().stream().anyMatch(n -> dimensionValues.get(n).isEmpty())) {
                continue; // not produced in this mode
            }
            double total = 0;
            for (Meter m : meters) {
                for (Measurement s : m.measure()) {
                    if (s.getStatistic() == Statistic.COUNT) {
                        total += s.getValue();
                    }
                }
            }
            double delta = Math.max(0, total - published.getOrDefault(d.name(), 0.0));
            published.put(d.name(), total);
            metricsBySet.computeIfAbsent(d.dimensions(), set -> {
                ObjectNode directive = directives.addObject();
                directive.put("Namespace", namespace);
                ArrayNode names = directive.putArray("Dimensions").addArray();
                set.forEach(names::add);
                return directive.putArray("Metrics");
            }).addObject().put("Name", d.name()).put("Unit", d.unit());
            for (String n : d.dimensions()) {
                root.put(n, dimensionValues.get(n).orElseThrow());
            }
            if (delta == Math.rint(delta)) {
                root.put(d.name(), (long) delta);
            } else {
                root.put(d.name(), delta);
            }
        }
        if (metricsBySet.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<io.micrometer.core.instrument.Tag> tagsOf(Definition d) {
        List<io.micrometer.core.instrument.Tag> tags = new ArrayList<>();
        d.tags().forEach((k, v) -> tags.add(io.micrometer.core.instrument.Tag.of(k, v)));
        return tags;
    }

    /** One write of the whole line and its newline, so log lines of other threads cannot split it. */
    private static void toStdout(String line) {
        PrintStream stdout = System.out;
        synchronized (stdout) {
            stdout.print(line + "\n");
            stdout.flush();
        }
    }
}
