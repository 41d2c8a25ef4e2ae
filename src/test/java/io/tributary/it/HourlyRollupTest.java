package io.tributary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tributary.local.AthenaStandInResource;
import io.tributary.local.CuratedWriter;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.warehouse.MinuteCount;
import io.tributary.warehouse.RedshiftWarehouse;

/**
 * Curated Parquet of generated events (duplicates within and across arrival hours, late events crossing arrival hours,
 * events beyond the late window flagged into their arrival hour) → direct:hour-curated per arrival hour → Athena
 * stand-in → Redshift stand-in; the Redshift rows equal {@link RollupComputation}'s independent computation from the generated
 * events. EndToEndRollupTest runs the same comparison from HTTP ingest through the real Glue job.
 */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(RedshiftStandInResource.class)
@QuarkusTestResource(AthenaStandInResource.class)
class HourlyRollupTest {

    private static final Instant START = Instant.parse("2024-03-01T10:00:00Z");
    private static final Instant END = START.plus(3, ChronoUnit.HOURS);
    private static final String[] TYPES = {"page_view", "page_view", "click", "add_to_cart", "purchase"};
    private static final String[] CATEGORIES = {"books", "toys", "home", "garden", "sports", "beauty", "music", "games",
            "tools", "food", "shoes", "auto"};
    private static final String[] DEVICES = {"desktop", "mobile", "mobile", "tablet", "unknown"};
    private static final String[] COUNTRIES = {"US", "US", "DE", "FR", null};

    @Inject
    ProducerTemplate producer;

    @Inject
    RedshiftWarehouse warehouse;

    @Inject
    @DataSource("redshift")
    AgroalDataSource redshift;

    @ConfigProperty(name = "test.s3-basedir")
    String basedir;

    @ConfigProperty(name = "test.curated-bucket")
    String bucket;

    @ConfigProperty(name = "test.curated-prefix")
    String prefix;

    /** What the producers sent (with duplicates) and what the Glue job wrote (deduplicated within an arrival hour). */
    record Generated(List<CuratedWriter.Row> sent, List<CuratedWriter.Row> curated) {
    }

    static Generated generate(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<CuratedWriter.Row> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant eventTime = START.plusMillis(random.nextLong(END.toEpochMilli() - START.toEpochMilli()));
            int r = random.nextInt(100);
            // mostly within seconds; 10 % late by 30-150 minutes (other arrival hours); a few beyond the 7-day window
            Instant arrival = eventTime.plusMillis(r < 10 ? 1_800_000 + random.nextLong(7_200_000) : random.nextLong(5_000));
            String flag = null;
            if (r == 99) {
                eventTime = eventTime.minus(10, ChronoUnit.DAYS);
                flag = "late";
            }
            CuratedWriter.Row row = new CuratedWriter.Row("ev-" + seed + "-" + i, TYPES[random.nextInt(TYPES.length)],
                    "u" + random.nextInt(200), eventTime, arrival, flag,
                    random.nextInt(10) == 0 ? null : CATEGORIES[random.nextInt(CATEGORIES.length)],
                    random.nextInt(20) == 0 ? null : "s" + random.nextInt(400),
                    DEVICES[random.nextInt(DEVICES.length)], COUNTRIES[random.nextInt(COUNTRIES.length)]);
            sent.add(row);
            int d = random.nextInt(50);
            if (d == 0) {
                // a replay: same record, same arrival (Kinesis replays keep the arrival time) → same raw hour
                sent.add(row);
            } else if (d == 1 && flag == null) {
                // a producer resend arriving an hour later: same event_id and event time, later arrival hour (a flagged
                // event's resend would land in another partition hour, where the rollup does not fold it: docs/analytics.md)
                sent.add(new CuratedWriter.Row(row.eventId(), row.eventType(), row.userId(), row.eventTime(),
                        row.ingestTime().plus(1, ChronoUnit.HOURS), row.timeFlag(), row.category(), row.sessionId(), row.deviceType(), row.country()));
            }
        }
        // the Glue job: exactly once per event_id within an arrival hour, keeping the earliest arrival
        Map<List<String>, CuratedWriter.Row> glue = new HashMap<>();
        for (CuratedWriter.Row row : sent) {
            glue.merge(List.of(row.arrivalHour(), row.eventId()), row,
                    (a, b) -> a.ingestTime().compareTo(b.ingestTime()) <= 0 ? a : b);
        }
        return new Generated(sent, List.copyOf(glue.values()));
    }

    /** What Redshift holds for the generated hours (and the flagged events' partition hours), as comparable text. */
    Map<String, List<String>> actual() throws SQLException {
        // the generated hours only: other test classes share this Redshift database (AnalyticsStandInsTest writes 2024-03-01 05:00)
        return RollupComputation.actual(redshift, Instant.parse("2024-03-01T10:00:00Z"), Instant.parse("2024-03-02T00:00:00Z"));
    }

    static Map<String, List<String>> expected(List<CuratedWriter.Row> sent) {
        return RollupComputation.expected(sent);
    }

    @Test
    void rollupRowsEqualAnIndependentComputationAndRerunsLeaveTheSameRows() throws Exception {
        Generated g = generate(42, 3000);
        assertTrue(g.sent().size() > g.curated().size(), "the generator made duplicates the Glue job removed");
        CuratedWriter.write(Path.of(basedir, bucket, prefix), g.curated());
        Set<String> arrivalHours = new TreeSet<>();
        g.curated().forEach(r -> arrivalHours.add(r.arrivalHour()));
        assertTrue(arrivalHours.size() >= 4, "late events reach later arrival hours: " + arrivalHours);

        // a stale provisional minute (no such events) and a provisional count the rollup must correct
        Instant minute = START.plus(5, ChronoUnit.MINUTES);
        warehouse.mergeMinutes(List.of(new MinuteCount(minute, "no_such_type", "US", "mobile", 7, "part-1")));

        for (String hour : arrivalHours) {
            producer.requestBody("direct:hour-curated", hour);
        }
        Map<String, List<String>> expected = expected(g.sent());
        Map<String, List<String>> first = actual();
        assertEquals(expected.get("hourly_rollup"), first.get("hourly_rollup"));
        assertEquals(expected.get("hourly_top_categories"), first.get("hourly_top_categories"));
        assertEquals(expected.get("minute_counts"), first.get("minute_counts"), "exact final minutes; the stale provisional row is gone");

        // re-running hours, in any order, leaves the same rows: nothing double-counted
        List<String> reverse = new ArrayList<>(arrivalHours);
        java.util.Collections.reverse(reverse);
        for (String hour : reverse) {
            producer.requestBody("direct:hour-curated", hour);
        }
        producer.requestBody("direct:hour-curated", START.plus(1, ChronoUnit.HOURS)); // an Instant works too
        assertEquals(first, actual());

        // a late real-time window never overwrites a final minute
        String finalRow = first.get("minute_counts").get(0);
        String[] f = finalRow.split("\\|");
        warehouse.mergeMinutes(List.of(new MinuteCount(Instant.parse(f[0]), f[1], f[2], f[3], 1, "shardId-0-1-1.json.gz")));
        assertEquals(first, actual());
    }

    @Test
    void anArrivalHourWithNoCuratedDataChangesNothing() throws SQLException {
        Map<String, List<String>> before = actual();
        producer.requestBody("direct:hour-curated", "2030-01-01-00");
        assertEquals(before, actual());
    }

    @Test
    void aMalformedArrivalHourIsRejectedWithAClearMessage() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.apache.camel.CamelExecutionException.class,
                () -> producer.requestBody("direct:hour-curated", "2024-03-01 10:00'; DROP TABLE x; --"));
        assertTrue(e.getCause().getMessage().contains("not an arrival hour"), e.getCause().getMessage());
    }
}
