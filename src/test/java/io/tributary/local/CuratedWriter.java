package io.tributary.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;

/**
 * Appends rows to the curated Iceberg table as the Glue job lays it out (one Parquet file per event hour, the former
 * partition keys as columns), written by DuckDB and committed with Iceberg's library ({@link LocalIceberg}), for tests
 * that need curated data without running Spark.
 */
public final class CuratedWriter {

    /** One curated row (the contract's curated columns a rollup reads; the others are written as NULL). */
    public record Row(String eventId, String eventType, String userId, Instant eventTime, Instant ingestTime, String timeFlag,
                      String category, String sessionId, String deviceType, String country) {

        /** Partition time: event time, or arrival time for flagged (late/future) events. */
        public Instant partitionTime() {
            return timeFlag == null ? eventTime : ingestTime;
        }

        public String eventDate() {
            return DateTimeFormatter.ISO_LOCAL_DATE.format(partitionTime().atOffset(ZoneOffset.UTC));
        }

        public int eventHour() {
            return partitionTime().atOffset(ZoneOffset.UTC).getHour();
        }

        public String arrivalHour() {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").format(ingestTime.atOffset(ZoneOffset.UTC));
        }
    }

    private CuratedWriter() {
    }

    private static com.fasterxml.jackson.databind.JsonNode contract() {
        try (java.io.InputStream in = CuratedWriter.class.getClassLoader().getResourceAsStream("contract/events.contract.json")) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Appends the rows to the table at {@code dir} (basedir/bucket/curated/events) in one commit, creating it when absent. */
    public static void write(Path dir, Collection<Row> rows) throws Exception {
        Files.createDirectories(dir);
        try (Connection c = AthenaStandIn.duckdb(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("CREATE TABLE curated (event_id VARCHAR, event_type VARCHAR, user_id VARCHAR, event_time TIMESTAMP, "
                    + "ingest_time TIMESTAMP, time_flag VARCHAR, page_url VARCHAR, page_host VARCHAR, page_path VARCHAR, product_id VARCHAR, "
                    + "category VARCHAR, session_id VARCHAR, device_type VARCHAR, country VARCHAR, city VARCHAR, shard_id VARCHAR, "
                    + "sequence_number VARCHAR, event_date VARCHAR, event_hour INTEGER, arrival_hour VARCHAR)");
            try (PreparedStatement in = c.prepareStatement("INSERT INTO curated VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?, ?, ?, NULL, "
                    + "'shardId-000000000000', '0', ?, ?, ?)")) {
                for (Row r : rows) {
                    in.setString(1, r.eventId());
                    in.setString(2, r.eventType());
                    in.setString(3, r.userId());
                    in.setObject(4, LocalDateTime.ofInstant(r.eventTime(), ZoneOffset.UTC));
                    in.setObject(5, LocalDateTime.ofInstant(r.ingestTime(), ZoneOffset.UTC));
                    in.setString(6, r.timeFlag());
                    in.setString(7, r.category());
                    in.setString(8, r.sessionId());
                    in.setString(9, r.deviceType());
                    in.setString(10, r.country());
                    in.setString(11, r.eventDate());
                    in.setInt(12, r.eventHour());
                    in.setString(13, r.arrivalHour());
                    in.addBatch();
                }
                in.executeBatch();
            }
            LocalIceberg.appendFromDuckDb(c, "curated", dir, contract());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write curated Parquet to " + dir + ": " + e.getMessage(), e);
        }
    }

}
