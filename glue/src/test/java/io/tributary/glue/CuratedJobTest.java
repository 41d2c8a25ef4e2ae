package io.tributary.glue;

import static io.tributary.glue.RawZoneFixture.event;
import static io.tributary.glue.RawZoneFixture.flagged;
import static io.tributary.glue.RawZoneFixture.line;
import static io.tributary.glue.RawZoneFixture.with;
import static io.tributary.glue.RawZoneFixture.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end in Spark local mode on two generated raw hours: 2024-01-15-10 (duplicates of every kind, malformed and
 * invalid lines, late and future events) and 2024-01-15-11 (touches the 2024-01-15 10:00 event-time partition too).
 */
class CuratedJobTest {

    static final ArrivalHour HOUR_A = ArrivalHour.parse("2024-01-15-10");
    static final ArrivalHour HOUR_B = ArrivalHour.parse("2024-01-15-11");
    static final String SHARD_0 = "shardId-000000000000";
    static final String SHARD_1 = "shardId-000000000001";

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path raw;
    static Path curated;
    static Path errors;
    static RunSummary summaryA;
    static RunSummary summaryB;
    /** The curated Iceberg table's identifier in the session (the job's local HadoopCatalog). */
    static String table;
    static String stdoutA;

    @BeforeAll
    static void runBothHours() {
        spark = LocalSpark.start("curated-job-test");
        raw = dir.resolve("raw/events");
        curated = dir.resolve("curated/events");
        errors = dir.resolve("errors/glue");
        writeHourA();
        writeHourB();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        summaryA = runHour(HOUR_A, new PrintStream(out, true, StandardCharsets.UTF_8));
        stdoutA = out.toString(StandardCharsets.UTF_8);
        summaryB = runHour(HOUR_B, System.out);
        table = IcebergCurated.open(spark, args(HOUR_A), curated.toUri().toString()).table();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    static RunSummary runHour(ArrivalHour hour, PrintStream out) {
        return CuratedJob.run(spark, args(hour), Map.of(), out);
    }

    static JobArguments args(ArrivalHour hour, String... more) {
        List<String> a = new ArrayList<>(List.of(
            "--JOB_ID", "j_test", "--JOB_RUN_ID", "jr_test", "--job-bookmark-option", "job-bookmark-disable",
            "--raw_path", raw.toUri().toString(),
            "--arrival_hour", hour.label(),
            "--curated_path", curated.toUri().toString(),
            "--errors_path", errors.toUri().toString(),
            "--summary_path", summaryFile(hour).toUri().toString()));
        a.addAll(List.of(more));
        return JobArguments.parse(a.toArray(new String[0]), Map.of());
    }

    static Path summaryFile(ArrivalHour hour) {
        return dir.resolve("summaries/arrival_hour=" + hour.label() + ".json");
    }

    /** 31 lines read (22 valid, 9 rejected) plus one blank line; 14 distinct events; 8 duplicates (6 same arrival). */
    static void writeHourA() {
        List<String> a1 = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            a1.add(line(event(id(i), String.format("2024-01-15T10:%02d:00Z", i), String.format("2024-01-15T10:%02d:02Z", i),
                    SHARD_0, String.valueOf(100 + i))));
        }
        a1.add(line(event(id(4), "2024-01-15T10:04:00Z", "2024-01-15T10:04:02Z", SHARD_0, "104")));   // replay, same object
        a1.add(line(event(id(11), "2024-01-15T09:58:00Z", "2024-01-15T10:01:00Z", SHARD_0, "120")));  // in window: event hour 9
        a1.add(line(flagged("e-late", "2024-01-13T08:00:00Z", "2024-01-15T10:05:00Z", "late", SHARD_0, "121")));
        a1.add(line(flagged("e-future", "2024-01-17T12:00:00Z", "2024-01-15T10:06:00Z", "future", SHARD_0, "122")));
        Map<String, Object> ok = event("bad", "2024-01-15T10:30:00Z", "2024-01-15T10:30:01Z", SHARD_0, "130");
        a1.add("{\"event_id\":\"bad-truncated\",\"event_type\":");
        a1.add("this is not json");
        a1.add(line(without(with(ok, "event_id", "bad-no-user"), "user_id")));
        a1.add(line(with(ok, "event_id", "")));
        a1.add(line(with(with(ok, "event_id", "bad-event-time"), "event_time", "yesterday")));
        a1.add(line(with(with(ok, "event_id", "bad-ingest-time"), "ingest_time", "2024-13-45T10:00:00.000Z")));
        a1.add(line(with(with(ok, "event_id", "bad-hour"), "event_hour", 24)));
        a1.add(line(with(with(ok, "event_id", "bad-date"), "event_date", "2024-02-30")));
        a1.add(line(with(with(ok, "event_id", "bad-type"), "event_hour", "ten")));
        a1.add("");
        RawZoneFixture.writeObject(raw, HOUR_A, SHARD_0 + "-101-130.json.gz", a1);

        // A crash replayed part of the batch under other batch boundaries: identical lines in another object.
        List<String> a2 = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            a2.add(line(event(id(i), String.format("2024-01-15T10:%02d:00Z", i), String.format("2024-01-15T10:%02d:02Z", i),
                    SHARD_0, String.valueOf(100 + i))));
        }
        // Same event and arrival time, lower sequence number: numeric order (99 < 108) decides, not string order.
        a2.add(line(event(id(8), "2024-01-15T10:08:00Z", "2024-01-15T10:08:02Z", SHARD_0, "99")));
        RawZoneFixture.writeObject(raw, HOUR_A, SHARD_0 + "-99-103.json.gz", a2);

        // Producer resends on another shard.
        List<String> a3 = new ArrayList<>();
        a3.add(line(with(event(id(5), "2024-01-15T10:05:00Z", "2024-01-15T10:20:00Z", SHARD_1, "500"), "category", "resend")));
        a3.add(line(with(event(id(6), "2024-01-15T10:06:00Z", "2024-01-15T10:00:01Z", SHARD_1, "501"), "category", "first")));
        a3.add(line(event(id(7), "2024-01-15T10:07:00Z", "2024-01-15T10:07:02Z", SHARD_1, "502")));  // same arrival: shard decides
        a3.add(line(event(id(12), "2024-01-15T10:12:00Z", "2024-01-15T10:12:02Z", SHARD_1, "503")));
        RawZoneFixture.writeObject(raw, HOUR_A, SHARD_1 + "-500-503.json.gz", a3);
    }

    /** Four events, two of them in the 2024-01-15 10:00 event-time partition (one is a cross-hour resend of e-001). */
    static void writeHourB() {
        RawZoneFixture.writeObject(raw, HOUR_B, SHARD_0 + "-200-203.json.gz", List.of(
                line(event("e-101", "2024-01-15T10:59:30Z", "2024-01-15T11:00:05Z", SHARD_0, "200")),
                line(event("e-102", "2024-01-15T11:05:00Z", "2024-01-15T11:05:01Z", SHARD_0, "201")),
                line(event("e-103", "2024-01-15T11:10:00Z", "2024-01-15T11:10:01Z", SHARD_0, "202")),
                line(event(id(1), "2024-01-15T10:01:00Z", "2024-01-15T11:02:00Z", SHARD_0, "203"))));
    }

    static String id(int i) {
        return String.format("e-%03d", i);
    }

    static Dataset<Row> curatedRows(ArrivalHour hour) {
        return spark.table(table).filter("arrival_hour = '" + hour.label() + "'");
    }

    static Row kept(String eventId) {
        List<Row> rows = curatedRows(HOUR_A).filter("event_id = '" + eventId + "'").collectAsList();
        assertEquals(1, rows.size(), "rows for " + eventId);
        return rows.get(0);
    }

    @Test
    void writesEachDistinctEventOfTheHourExactlyOnce() {
        Dataset<Row> rows = curatedRows(HOUR_A);
        assertEquals(14, rows.count());
        assertEquals(14, rows.select("event_id").distinct().count());
        assertEquals(4, curatedRows(HOUR_B).count());
    }

    @Test
    void duplicateKeepsEarliestIngestTimeAcrossShards() {
        Row e5 = kept(id(5));
        assertEquals(SHARD_0, e5.getAs("shard_id"), "e-005: the later resend on shard 1 is dropped");
        assertEquals(Timestamp.from(Instant.parse("2024-01-15T10:05:02Z")), e5.getAs("ingest_time"));
        Row e6 = kept(id(6));
        assertEquals(SHARD_1, e6.getAs("shard_id"), "e-006: the shard 1 copy arrived first");
        assertEquals("first", e6.getAs("category"));
    }

    @Test
    void sameIngestTimeTieBreaksOnShardThenNumericSequence() {
        assertEquals(SHARD_0, kept(id(7)).getAs("shard_id"));
        assertEquals("99", kept(id(8)).getAs("sequence_number"));
    }

    @Test
    void lateAndFutureEventsKeepTheirFlagAndArrivalColumnsAndLandInTheirEventTimePartition() {
        Row late = kept("e-late");
        assertEquals("late", late.getAs("time_flag"));
        assertEquals(Timestamp.from(Instant.parse("2024-01-13T08:00:00Z")), late.getAs("event_time"));
        assertEquals("2024-01-15", late.getAs("event_date").toString());
        assertEquals(10, (int) late.getAs("event_hour"));
        Row future = kept("e-future");
        assertEquals("future", future.getAs("time_flag"));
        assertEquals("2024-01-15", future.getAs("event_date").toString());
        assertEquals(10, (int) future.getAs("event_hour"));
        // hidden partitioning by hours(event_time): the Iceberg partition is the event's own hour, whatever its flag
        assertEquals("event_time_hour=2024-01-13-08", partitionOf("e-late"));
        assertEquals("event_time_hour=2024-01-17-12", partitionOf("e-future"));
    }

    @Test
    void eventWithinTheWindowLandsInItsEventTimePartition() {
        Row e11 = kept(id(11));
        assertNull(e11.getAs("time_flag"));
        assertEquals(9, (int) e11.getAs("event_hour"));
        assertEquals("event_time_hour=2024-01-15-09", partitionOf(id(11)));
    }

    @Test
    void twoRawHoursShareAnEventTimePartitionUnderDifferentArrivalHours() {
        String shared = "event_time_hour=2024-01-15-10";
        assertEquals(1, partitionLayout(HOUR_A).get(shared), "hour A's own file in the shared event hour");
        assertEquals(1, partitionLayout(HOUR_B).get(shared), "hour B's own file in the shared event hour");
        List<Row> both = spark.table(table).filter("event_id = 'e-001'").collectAsList();
        assertEquals(2, both.size(), "a cross-hour resend is kept once per raw hour (documented)");
    }

    @Test
    void rejectedRowsAreQuarantinedWithReasonAndOriginalLine() {
        Path errorsDir = errors.resolve("arrival_hour=2024-01-15-10");
        Dataset<Row> rejected = spark.read().json(errorsDir.toString());
        assertEquals(9, rejected.count());
        Map<String, Long> byReason = new TreeMap<>();
        for (Row r : rejected.groupBy("reason").count().collectAsList()) {
            byReason.put(r.getString(0), r.getLong(1));
        }
        assertEquals(Map.of("bad_event_date", 1L, "bad_event_hour", 1L, "bad_event_time", 1L, "bad_ingest_time", 1L,
                "malformed_json", 2L, "missing_required", 2L, "type_mismatch", 1L), byReason);
        List<Row> notJson = rejected.filter("payload = 'this is not json'").collectAsList();
        assertEquals(1, notJson.size());
        assertEquals("malformed_json", notJson.get(0).getAs("reason"));
        assertTrue(notJson.get(0).<String>getAs("source_object").endsWith(SHARD_0 + "-101-130.json.gz"));
        Row noUser = rejected.filter("payload like '%bad-no-user%'").collectAsList().get(0);
        assertEquals("missing_required", noUser.getAs("reason"));
        assertEquals("missing required: user_id", noUser.getAs("message"));
        assertEquals(SHARD_0, noUser.getAs("shard_id"));
        Row badHour = rejected.filter("payload like '%bad-hour%'").collectAsList().get(0);
        assertEquals("event_hour is outside 0-23: 24", badHour.getAs("message"));
        JsonNode original = parse(rejected.filter("reason = 'type_mismatch'").collectAsList().get(0).getAs("payload"));
        assertEquals("ten", original.path("event_hour").asText());
        assertEquals(List.of(), listNames(errors.resolve("arrival_hour=2024-01-15-11")).stream()
                .filter(n -> n.startsWith("part-") && sizeOf(errors.resolve("arrival_hour=2024-01-15-11").resolve(n)) > 0)
                .toList(), "an hour without rejects has no reject records");
    }

    @Test
    void summaryCountsAddUpAndNameEveryPartition() throws IOException {
        JsonNode s = parse(Files.readString(summaryFile(HOUR_A)));
        assertEquals("SUCCEEDED", s.path("status").asText());
        assertEquals("2024-01-15-10", s.path("arrival_hour").asText());
        assertEquals(3, s.path("input_files").asInt());
        assertEquals(1, s.path("blank_lines").asLong());
        assertEquals(31, s.path("rows_read").asLong());
        assertEquals(22, s.path("rows_valid").asLong());
        assertEquals(14, s.path("rows_written").asLong());
        assertEquals(8, s.path("duplicates").path("total").asLong());
        assertEquals(6, s.path("duplicates").path("same_arrival").asLong());
        assertEquals(2, s.path("duplicates").path("later_arrival").asLong());
        assertEquals(9, s.path("rejected").path("total").asLong());
        assertEquals(2, s.path("rejected").path("by_reason").path("malformed_json").asLong());
        assertEquals(2, s.path("rejected").path("by_reason").path("missing_required").asLong());
        assertEquals(1, s.path("rejected").path("by_reason").path("bad_event_hour").asLong());
        assertEquals(1, s.path("time_flags").path("late").asLong());
        assertEquals(1, s.path("time_flags").path("future").asLong());
        assertEquals(parse("[{\"event_date\":\"2024-01-15\",\"event_hour\":9,\"rows\":1},"
                + "{\"event_date\":\"2024-01-15\",\"event_hour\":10,\"rows\":13}]"), s.path("partitions"));
        assertTrue(s.path("duration_ms").asLong() > 0);
        assertEquals(parse(summaryA.toJson(false)), s);
        assertEquals(s, parse(stdoutA.strip().lines().reduce((first, last) -> last).orElseThrow()), "printed to stdout too");

        assertEquals(4, summaryB.rowsWritten());
        assertEquals(0, summaryB.duplicates());
        assertEquals(0, summaryB.rejected());
        assertEquals(List.of(new RunSummary.Partition("2024-01-15", 10, 2), new RunSummary.Partition("2024-01-15", 11, 2)),
                summaryB.partitions());
    }

    @Test
    void curatedFilesAreSnappyParquetWithTheContractColumnsAndTypes() {
        List<String> files = spark.table(table + ".files").filter("file_format = 'PARQUET'")
                .select("file_path").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(List.of(), spark.table(table + ".files").filter("content != 0").collectAsList(), "no delete files");
        assertEquals(files.size(), spark.table(table + ".files").count(), "Parquet only");
        assertEquals("snappy", spark.sql("SHOW TBLPROPERTIES " + table + " ('write.parquet.compression-codec')")
                .select("value").as(org.apache.spark.sql.Encoders.STRING()).first());
        String file = files.stream().filter(f -> f.contains("event_time_hour=2024-01-15-10/")).findFirst().orElseThrow();
        StructType schema = spark.read().parquet(file).schema();
        TableContract contract = TableContract.load();
        List<String> expected = new ArrayList<>(contract.curatedColumns().stream().map(TableContract.Column::name).toList());
        contract.curatedPartitionKeys().forEach(k -> expected.add(k.name()));
        assertEquals(expected, Stream.of(schema.fields()).map(StructField::name).toList(),
                "the former partition keys are ordinary columns");
        assertEquals(DataTypes.TimestampType, schema.apply("event_time").dataType());
        assertEquals(DataTypes.TimestampType, schema.apply("ingest_time").dataType());
    }

    @Test
    void rerunningAnHourIsIdempotentAndLeavesOtherHoursUntouched() throws IOException {
        Map<String, Long> otherHourBefore = fileStamps(HOUR_B);
        Map<String, Long> thisHourLayoutBefore = partitionLayout(HOUR_A);
        List<String> rowsBefore = sortedRows(HOUR_A);
        List<String> rejectsBefore = sortedLines(spark.read().json(errors.resolve("arrival_hour=2024-01-15-10").toString()));

        RunSummary again = runHour(HOUR_A, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertEquals(thisHourLayoutBefore, partitionLayout(HOUR_A), "same partitions, same number of files");
        assertEquals(rowsBefore, sortedRows(HOUR_A), "same rows");
        assertEquals(rejectsBefore, sortedLines(spark.read().json(errors.resolve("arrival_hour=2024-01-15-10").toString())));
        assertEquals(otherHourBefore, fileStamps(HOUR_B), "the other raw hour's files are untouched");
        assertEquals(4, curatedRows(HOUR_B).count());
        assertEquals(summaryA.rowsWritten(), again.rowsWritten());
        assertEquals(summaryA.partitions(), again.partitions());
        assertEquals(summaryA.rejectedByReason(), again.rejectedByReason());
    }

    @Test
    void hourWithoutRawObjectsSucceedsWithoutTouchingTheCuratedZone() {
        Map<String, Long> before = fileStamps(HOUR_A);
        RunSummary empty = runHour(ArrivalHour.parse("2024-01-15-12"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals("SUCCEEDED", empty.status());
        assertEquals(0, empty.inputFiles());
        assertEquals(0, empty.rowsRead());
        assertEquals(before, fileStamps(HOUR_A));
        assertTrue(Files.exists(summaryFile(ArrivalHour.parse("2024-01-15-12"))));
    }

    @Test
    void failedRunWritesAFailedSummaryAndRethrows() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("curated-is-a-file"), "x");
        Path failedSummary = dir.resolve("summaries/failed.json");
        JobArguments args = JobArguments.parse(new String[] {
            "--raw_path", raw.toUri().toString(), "--arrival_hour", HOUR_A.label(),
            "--curated_path", notADirectory.toUri().toString(),
            "--errors_path", dir.resolve("errors-of-failed-run").toUri().toString(),
            "--summary_path", failedSummary.toUri().toString()}, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> CuratedJob.run(spark, args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)));
        JsonNode s = parse(Files.readString(failedSummary));
        assertEquals("FAILED", s.path("status").asText());
        assertFalse(s.path("error").asText().isEmpty());
        assertEquals(s, parse(out.toString(StandardCharsets.UTF_8).strip()));
    }

    @Test
    void dedupShuffleIsSizedToTheInputWithinTheConfiguredLimit() {
        assertEquals(2, CuratedJob.shufflePartitions(10_000, 2, 200), "a small hour: one partition per core");
        assertEquals(12, CuratedJob.shufflePartitions(47_000_000, 2, 200), "about 4 MB of gzip per partition");
        assertEquals(200, CuratedJob.shufflePartitions(10_000_000_000L, 8, 200), "never above spark.sql.shuffle.partitions");
    }

    // --- helpers ---

    static JsonNode parse(String json) {
        try {
            return RawZoneFixture.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> sortedRows(ArrivalHour hour) {
        return sortedLines(curatedRows(hour));
    }

    static List<String> sortedLines(Dataset<Row> rows) {
        return rows.toJSON().collectAsList().stream().sorted().toList();
    }

    /** The current snapshot's data files that hold rows of this arrival hour. */
    static List<String> filesOf(ArrivalHour hour) {
        List<String> all = spark.table(table + ".files").select("file_path").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        return all.stream().filter(f -> spark.read().parquet(f).filter("arrival_hour = '" + hour.label() + "'").count() > 0)
                .sorted().toList();
    }

    /** The Iceberg partition (the data directory name) of the file that holds this event of hour A. */
    static String partitionOf(String eventId) {
        List<String> files = filesOf(HOUR_A).stream()
                .filter(f -> spark.read().parquet(f).filter("event_id = '" + eventId + "'").count() > 0).toList();
        assertEquals(1, files.size(), "files holding " + eventId);
        String f = files.get(0);
        String dirPath = f.substring(0, f.lastIndexOf('/'));
        return dirPath.substring(dirPath.lastIndexOf('/') + 1);
    }

    /** Iceberg partition (data directory name) to the number of current data files holding rows of this arrival hour. */
    static Map<String, Long> partitionLayout(ArrivalHour hour) {
        return filesOf(hour).stream().collect(Collectors.groupingBy(f -> {
            String dirPath = f.substring(0, f.lastIndexOf('/'));
            return dirPath.substring(dirPath.lastIndexOf('/') + 1);
        }, TreeMap::new, Collectors.counting()));
    }

    /** Current data file of this arrival hour to its last-modified time. */
    static Map<String, Long> fileStamps(ArrivalHour hour) {
        return filesOf(hour).stream().collect(Collectors.toMap(f -> f, f -> {
            try {
                return Files.getLastModifiedTime(Path.of(java.net.URI.create(f))).toMillis();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, (x, y) -> x, TreeMap::new));
    }

    static List<Path> partFiles(Path partition) {
        try (Stream<Path> s = Files.list(partition)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> listNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
