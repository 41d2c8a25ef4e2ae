package io.tributary.glue;

import static io.tributary.glue.RawZoneFixture.event;
import static io.tributary.glue.RawZoneFixture.line;
import static io.tributary.glue.RawZoneFixture.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curated zone as an Iceberg table, read the way the Athena stand-in reads it (the current snapshot's planned files):
 * exactly-once per event_id across re-runs and killed runs, compaction and snapshot expiry, schema evolution.
 */
class IcebergTableTest {

    static final String SHARD_0 = "shardId-000000000000";
    static final String SHARD_1 = "shardId-000000000001";

    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("iceberg-table-test");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    // --- issue 12: re-curate twice and under a kill, every event_id exactly once ---

    @Test
    void recuratingAnHourTwiceAndUnderKillsMidRunKeepsEveryEventIdExactlyOnce() throws Exception {
        Path lake = dir.resolve("recurate");
        ArrivalHour hour = ArrivalHour.parse("2024-01-15-10");
        Set<String> ids = writeBusyHour(lake, hour, 1_000);

        run(lake, hour);
        assertExactlyOnce(lake, ids, "first run");
        long first = table(lake).currentSnapshot().snapshotId();

        run(lake, hour);
        assertExactlyOnce(lake, ids, "second run of the same hour");
        assertNotEquals(first, table(lake).currentSnapshot().snapshotId(), "the re-run committed a new snapshot");

        // Killed after writing data files, before its commit: the table still shows the last commit, the files are orphans.
        long beforeKill = table(lake).currentSnapshot().snapshotId();
        Set<Path> dataBefore = files(lake.resolve("curated/events/data"));
        KilledRun killed = runChildAndKill(lake, hour, () -> !difference(files(lake.resolve("curated/events/data")), dataBefore).isEmpty());
        assertTrue(killed.killedWhileRunning(), "the run was killed, not finished; data files before " + dataBefore.size()
                + ", now " + files(lake.resolve("curated/events/data")).size() + ", all: " + files(lake.resolve("curated/events")).size()
                + " " + killed.output());
        assertEquals(beforeKill, table(lake).currentSnapshot().snapshotId(), "no commit from the killed run");
        assertExactlyOnce(lake, ids, "after a kill between data files and commit");

        // Killed as its commit lands (the new metadata version appears): either the old or the new snapshot, never both.
        Set<Path> metadataBefore = files(lake.resolve("curated/events/metadata"));
        KilledRun killedInCommit = runChildAndKill(lake, hour, () -> difference(files(lake.resolve("curated/events/metadata")), metadataBefore)
                .stream().anyMatch(p -> p.getFileName().toString().endsWith(".metadata.json")));
        assertTrue(killedInCommit.killedWhileRunning(), "the run was killed, not finished: " + killedInCommit.output());
        assertExactlyOnce(lake, ids, "after a kill during the commit");

        run(lake, hour);
        assertExactlyOnce(lake, ids, "a run after the kills");
    }

    // --- maintenance: compaction and snapshot expiry ---

    @Test
    void compactionLowersFilesPerDayKeepsTheRowsAndTheHourlyMergeStillWorks() throws Exception {
        Path lake = dir.resolve("maintenance");
        // four arrival hours, each with late events for the earlier event hours: many small files per hour partition
        Set<String> ids = new HashSet<>();
        for (int h = 10; h <= 13; h++) {
            ArrivalHour hour = ArrivalHour.parse(String.format("2024-01-15-%02d", h));
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int eventHour = 10 + i % (h - 9);
                String id = "m-" + h + "-" + i;
                ids.add(id);
                lines.add(line(event(id, String.format("2024-01-15T%02d:%02d:00Z", eventHour, i % 60),
                        String.format("2024-01-15T%02d:%02d:30Z", h, i % 60), SHARD_0, String.valueOf(h * 1000 + i))));
            }
            RawZoneFixture.writeObject(lake.resolve("raw/events"), hour, SHARD_0 + "-" + h + ".json.gz", lines);
            run(lake, hour);
        }
        assertExactlyOnce(lake, ids, "four hours");
        List<String> rowsBefore = sortedRows(lake);
        long snapshotsBefore = spark.table(tableName(lake) + ".snapshots").count();

        JsonNode summary = maintenance(lake, "all", "--retain_last", "1", "--snapshot_retention_hours", "0");

        Map<String, Long> before = counts(summary.path("files_per_day_before"));
        Map<String, Long> after = counts(summary.path("files_per_day_after"));
        System.out.println("files per day before compaction " + before + ", after " + after + "; snapshots "
                + snapshotsBefore + " -> " + summary.path("snapshots").asLong());
        assertEquals(10L, before.get("2024-01-15"), "4 + 3 + 2 + 1 files in the four hour partitions");
        assertEquals(4L, after.get("2024-01-15"), "one file per event-hour partition");
        assertEquals(Map.of("2024-01-15", 4L), filesPerDayOfCurrentSnapshot(lake));
        assertEquals(rowsBefore, sortedRows(lake), "the same rows");
        assertTrue(snapshotsBefore > 2);
        assertEquals(1, summary.path("snapshots").asLong(), "older snapshots expired");
        assertEquals(9, summary.path("deleted_data_files").asLong(), "the 9 files compaction replaced: " + summary);

        // A compacted file holds rows of several arrival hours: overwrite-by-filter refuses it, the MERGE rewrites it.
        ArrivalHour h12 = ArrivalHour.parse("2024-01-15-12");
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> CuratedJob.run(spark, args(lake, h12, "--write_mode", "overwrite"), Map.of(), quiet()));
        assertTrue(String.valueOf(rootCause(refused).getMessage()).contains("Cannot delete file where some, but not all, rows match filter"),
                String.valueOf(rootCause(refused)));
        run(lake, h12);
        assertEquals(rowsBefore, sortedRows(lake), "a re-run of a compacted hour with MERGE leaves the same rows");
    }

    // --- schema evolution ---

    @Test
    void anOptionalContractFieldAddsAColumnWithoutRewritingDataAndOldSnapshotsStillRead() throws Exception {
        Path lake = dir.resolve("evolution");
        ArrivalHour h10 = ArrivalHour.parse("2024-01-15-10");
        ArrivalHour h11 = ArrivalHour.parse("2024-01-15-11");
        RawZoneFixture.writeObject(lake.resolve("raw/events"), h10, SHARD_0 + "-1.json.gz", List.of(
                line(event("v-1", "2024-01-15T10:01:00Z", "2024-01-15T10:01:01Z", SHARD_0, "1")),
                line(event("v-2", "2024-01-15T10:02:00Z", "2024-01-15T10:02:01Z", SHARD_0, "2"))));
        run(lake, h10);
        Table before = table(lake);
        long oldSnapshot = before.currentSnapshot().snapshotId();
        Set<String> oldFiles = plannedFiles(before);

        Path contract = evolvedContract(dir.resolve("contract-with-referrer.json"));
        RawZoneFixture.writeObject(lake.resolve("raw/events"), h11, SHARD_1 + "-1.json.gz", List.of(
                line(with(event("v-3", "2024-01-15T11:01:00Z", "2024-01-15T11:01:01Z", SHARD_1, "3"), "referrer", "https://search.example.org/"))));
        System.setProperty(TableContract.OVERRIDE_PROPERTY, contract.toString());
        try {
            run(lake, h11);
        } finally {
            System.clearProperty(TableContract.OVERRIDE_PROPERTY);
        }

        Table after = table(lake);
        assertEquals("referrer", after.schema().columns().get(after.schema().columns().size() - 1).name(), "added as the last column");
        assertTrue(after.schema().findField("referrer").isOptional());
        Set<String> nowFiles = plannedFiles(after);
        assertTrue(nowFiles.containsAll(oldFiles), "the old hour's files are not rewritten");
        assertEquals(1, nowFiles.size() - oldFiles.size(), "one new file for the new hour");

        Dataset<Row> current = spark.table(tableName(lake));
        assertNull(current.filter("event_id = 'v-1'").first().getAs("referrer"), "rows written before the column read NULL");
        assertEquals("https://search.example.org/", current.filter("event_id = 'v-3'").first().getAs("referrer"));

        Dataset<Row> old = spark.sql("SELECT * FROM " + tableName(lake) + " VERSION AS OF " + oldSnapshot);
        assertNull(after.schemas().get(after.snapshot(oldSnapshot).schemaId()).findField("referrer"), "the old snapshot's schema");
        assertFalse(Arrays.asList(old.columns()).contains("referrer"), "the old snapshot reads with its own schema");
        assertEquals(List.of("v-1", "v-2"), old.select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()
                .stream().sorted().toList());
    }

    // --- helpers ---

    /** n distinct events over four event hours, every 10th replayed in another object, every 25th resent later. */
    static Set<String> writeBusyHour(Path lake, ArrivalHour hour, int n) {
        Set<String> ids = new HashSet<>();
        List<String> a = new ArrayList<>();
        List<String> replays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "k-" + i;
            ids.add(id);
            int eventHour = 7 + i % 4; // late events too: they land in their own event hour
            String l = line(event(id, String.format("2024-01-15T%02d:%02d:%02dZ", eventHour, i % 60, i % 59),
                    String.format("2024-01-15T10:%02d:%02dZ", i % 60, i % 59), SHARD_0, String.valueOf(10_000 + i)));
            a.add(l);
            if (i % 10 == 0) {
                replays.add(l);
            }
            if (i % 25 == 0) {
                replays.add(line(event(id, String.format("2024-01-15T%02d:%02d:%02dZ", eventHour, i % 60, i % 59),
                        "2024-01-15T10:59:59Z", SHARD_1, String.valueOf(90_000 + i))));
            }
        }
        RawZoneFixture.writeObject(lake.resolve("raw/events"), hour, SHARD_0 + "-a.json.gz", a);
        RawZoneFixture.writeObject(lake.resolve("raw/events"), hour, SHARD_0 + "-b.json.gz", replays);
        return ids;
    }

    static String curated(Path lake) {
        return lake.resolve("curated/events").toUri().toString();
    }

    /** The table's name in the job's local catalog, registered in this session. */
    static String tableName(Path lake) {
        return IcebergCurated.open(spark, args(lake, ArrivalHour.parse("2024-01-15-10")), curated(lake)).table();
    }

    static JobArguments args(Path lake, ArrivalHour hour, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "--raw_path", lake.resolve("raw/events").toUri().toString(),
                "--arrival_hour", hour.label(),
                "--curated_path", curated(lake),
                "--errors_path", lake.resolve("errors/glue").toUri().toString(),
                "--summary_path", lake.resolve("summaries/arrival_hour=" + hour.label() + ".json").toUri().toString()));
        a.addAll(List.of(more));
        return JobArguments.parse(a.toArray(new String[0]), Map.of());
    }

    static RunSummary run(Path lake, ArrivalHour hour) {
        return CuratedJob.run(spark, args(lake, hour), Map.of(), quiet());
    }

    static JsonNode maintenance(Path lake, String mode, String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("--curated_path", curated(lake), "--maintenance", mode,
                "--summary_path", lake.resolve("summaries/maintenance.json").toUri().toString()));
        a.addAll(List.of(more));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CuratedJob.run(spark, JobArguments.parse(a.toArray(new String[0]), Map.of()), Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return RawZoneFixture.JSON.readTree(Files.readString(lake.resolve("summaries/maintenance.json")));
    }

    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** A fresh load of the table (no Spark catalog cache), as a new reader would see it. */
    static Table table(Path lake) {
        return new HadoopTables(spark.sparkContext().hadoopConfiguration()).load(curated(lake));
    }

    static Set<String> plannedFiles(Table t) throws IOException {
        Set<String> files = new HashSet<>();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                assertTrue(task.deletes().isEmpty(), "copy-on-write: no delete files");
                files.add(task.file().path().toString());
            }
        }
        return files;
    }

    /** The current snapshot read as the Athena stand-in reads it: its planned Parquet files, nothing else. */
    static Dataset<Row> currentRows(Path lake) throws IOException {
        return spark.read().parquet(plannedFiles(table(lake)).toArray(new String[0]));
    }

    static void assertExactlyOnce(Path lake, Set<String> ids, String when) throws IOException {
        Dataset<Row> rows = currentRows(lake);
        List<Row> dupes = rows.groupBy("event_id").count().filter("count > 1").limit(5).collectAsList();
        assertEquals(List.of(), dupes, when + ": an event_id more than once");
        Set<String> got = new HashSet<>(rows.select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(ids.size(), got.size(), when + ": every event_id");
        assertEquals(ids, got, when);
    }

    static List<String> sortedRows(Path lake) throws IOException {
        return currentRows(lake).toJSON().collectAsList().stream().sorted().toList();
    }

    static Map<String, Long> filesPerDayOfCurrentSnapshot(Path lake) throws IOException {
        Map<String, Long> days = new TreeMap<>();
        for (String f : plannedFiles(table(lake))) {
            String partition = f.substring(0, f.lastIndexOf('/'));
            String hour = partition.substring(partition.lastIndexOf('=') + 1);
            days.merge(hour.substring(0, 10), 1L, Long::sum);
        }
        return days;
    }

    static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> m = new TreeMap<>();
        node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
        return m;
    }

    static Set<Path> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return new HashSet<>(s.filter(Files::isRegularFile).toList());
        }
    }

    static Set<Path> difference(Set<Path> now, Set<Path> before) {
        Set<Path> d = new HashSet<>(now);
        d.removeAll(before);
        return d;
    }

    static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    record KilledRun(boolean killedWhileRunning, String output) {
    }

    interface Check {
        boolean holds() throws IOException;
    }

    /** Runs the hour in a child JVM (as the Glue stand-in does) and SIGKILLs it the moment {@code when} holds. */
    static KilledRun runChildAndKill(Path lake, ArrivalHour hour, Check when) throws Exception {
        List<String> command = ChildJvmEntryTest.childJobCommand(
                "--raw_path", lake.resolve("raw/events").toUri().toString(), "--arrival_hour", hour.label(),
                "--curated_path", curated(lake), "--errors_path", lake.resolve("errors/glue").toUri().toString(),
                "--summary_path", lake.resolve("summaries/killed.json").toUri().toString(),
                // many small files: a longer stretch between the first data file and the commit
                "--max_records_per_file", "20");
        Path log = Files.createTempFile(dir, "killed-run-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean killed = false;
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (when.holds()) {
                p.destroyForcibly();
                killed = true;
                break;
            }
            Thread.sleep(5);
        }
        p.waitFor(30, TimeUnit.SECONDS);
        return new KilledRun(killed, Files.readString(log));
    }

    /** The packaged contract with one more optional field, {@code referrer}, in the raw and curated columns. */
    static Path evolvedContract(Path file) throws IOException {
        JsonNode root;
        try (InputStream in = IcebergTableTest.class.getClassLoader().getResourceAsStream("contract/events.contract.json")) {
            root = RawZoneFixture.JSON.readTree(in);
        }
        ObjectNode raw = RawZoneFixture.JSON.createObjectNode().put("name", "referrer").put("type", "string").put("required", false);
        ((ArrayNode) root.path("raw").path("columns")).add(raw);
        ((ArrayNode) root.path("curated").path("columns")).add(RawZoneFixture.JSON.createObjectNode().put("name", "referrer").put("type", "string"));
        Files.writeString(file, RawZoneFixture.JSON.writeValueAsString(root));
        return file;
    }
}
