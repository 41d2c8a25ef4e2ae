package io.tributary.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hourly-rollup routes as the YAML defines them, with Athena and the beans replaced: a run that fails is redelivered
 * whole, then its failure is recorded once and still reaches the caller (hour sealing keeps the hour to hand over again);
 * a run that succeeds is recorded with its Athena query id.
 */
class HourlyRollupRouteTest {

    /** Stands in for lakeOperations: records what the route reports, rethrows a failure like the real bean. */
    public static final class Recorder {
        final List<String> events = new ArrayList<>();

        public void rollupStarted(@ExchangeProperty("tributaryArrivalHour") Object hour) {
            events.add("started " + hour);
        }

        public void rolledUp(@ExchangeProperty("tributaryArrivalHour") Object hour, @Header("CamelAwsAthenaQueryExecutionId") String id) {
            events.add("rolled up " + hour + " " + id);
        }

        public void rollupFailed(@ExchangeProperty("tributaryArrivalHour") Object hour,
                                 @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) throws Exception {
            events.add("failed " + hour + " " + cause.getMessage());
            throw cause;
        }
    }

    /** Stands in for hourlyRollup and redshiftWarehouse. */
    public static final class Steps {
        public String arrivalHour(Object body) {
            return body.toString();
        }

        public String sql() {
            return "SELECT 1";
        }

        public void checkSucceeded() {
        }

        public String load() {
            return "summary";
        }

        public boolean enabled() {
            return true;
        }
    }

    DefaultCamelContext camel;
    final Recorder recorder = new Recorder();
    final AtomicInteger attempts = new AtomicInteger();
    volatile boolean athenaFails;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        Properties p = new Properties();
        p.put("tributary.rollup.max-redeliveries", "2");
        p.put("tributary.rollup.redelivery-delay-ms", "1");
        camel.getPropertiesComponent().setInitialProperties(p);
        camel.getRegistry().bind("lakeOperations", recorder);
        camel.getRegistry().bind("hourlyRollup", new Steps());
        camel.getRegistry().bind("redshiftWarehouse", new Steps());
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/hourly-rollup.camel.yaml"));
        AdviceWith.adviceWith(camel, "hourly-rollup-run", r -> {
            r.weaveById("rollup-query").replace().process(e -> {
                attempts.incrementAndGet();
                e.getMessage().setHeader("CamelAwsAthenaQueryExecutionId", "q-" + attempts.get());
                if (athenaFails) {
                    throw new IllegalStateException("Athena said no");
                }
            });
            r.weaveById("rollup-results").remove();
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void aFailedRunIsRedeliveredThenRecordedOnceAndReachesTheCaller() {
        athenaFails = true;
        CamelExecutionException e = assertThrows(CamelExecutionException.class,
                () -> camel.createProducerTemplate().requestBody("direct:hour-curated", "2024-01-15-10"));
        assertTrue(e.getCause().getMessage().contains("Athena said no"), e.getCause().toString());
        // redelivered as before the redelivery moved into hourly-rollup-attempts (the original route counts the same here)
        assertTrue(attempts.get() >= 2, "redelivered: " + attempts.get());
        assertEquals(List.of("started 2024-01-15-10", "failed 2024-01-15-10 Athena said no"), recorder.events);
    }

    @Test
    void aRunThatSucceedsIsRecordedWithItsAthenaQueryId() {
        camel.createProducerTemplate().requestBody("direct:hour-curated", "2024-01-15-10");
        assertEquals(1, attempts.get());
        assertEquals(List.of("started 2024-01-15-10", "rolled up 2024-01-15-10 q-1"), recorder.events);
    }
}
