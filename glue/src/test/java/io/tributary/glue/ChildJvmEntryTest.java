package io.tributary.glue;

import static io.tributary.glue.RawZoneFixture.event;
import static io.tributary.glue.RawZoneFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The way a Glue stand-in runs the job: {@code java -cp <jars> io.tributary.glue.CuratedJob --key value ...} in a child JVM. */
class ChildJvmEntryTest {

    @TempDir
    Path dir;

    @Test
    void childJvmRunsOneHourWithGlueStyleArgumentsAndPrintsTheSummary() throws Exception {
        ArrivalHour hour = ArrivalHour.parse("2024-01-15-10");
        Path raw = dir.resolve("raw");
        RawZoneFixture.writeObject(raw, hour, "shardId-000000000000-1-3.json.gz", List.of(
                line(event("e-1", "2024-01-15T10:00:00Z", "2024-01-15T10:00:01Z", "shardId-000000000000", "1")),
                line(event("e-1", "2024-01-15T10:00:00Z", "2024-01-15T10:00:01Z", "shardId-000000000000", "1")),
                "{not json"));
        Path summary = dir.resolve("summary.json");

        List<String> command = childJobCommand(
                "--JOB_ID", "j_local", "--JOB_RUN_ID", "jr_local", "--TempDir", dir.resolve("tmp").toString(),
                "--raw_path", raw.toString(),
                "--arrival_hour", hour.label(),
                "--curated_path", dir.resolve("curated").toString(),
                "--errors_path", dir.resolve("errors").toString(),
                "--summary_path", summary.toString());
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, process.exitValue(), () -> read(stderr));

        JsonNode printed = RawZoneFixture.JSON.readTree(Files.readAllLines(stdout).stream()
                .filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        JsonNode written = RawZoneFixture.JSON.readTree(summary.toFile());
        assertEquals(written, printed);
        assertEquals(3, written.path("rows_read").asInt());
        assertEquals(1, written.path("rows_written").asInt());
        assertEquals(1, written.path("duplicates").path("total").asInt());
        assertEquals(1, written.path("rejected").path("by_reason").path("malformed_json").asInt());
        // the Iceberg table at the curated path: one data file in the event hour's partition, one committed version
        try (Stream<Path> files = Files.walk(dir.resolve("curated/data/event_time_hour=2024-01-15-10"))) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".parquet")).count());
        }
        assertEquals("3", Files.readString(dir.resolve("curated/metadata/version-hint.text")).trim(),
                "v1 created the table, v2 set its write order, v3 is the hour's commit");
        assertTrue(!read(stderr).contains(" INFO "), "Spark logs warnings only by default:\n" + read(stderr));
    }

    @Test
    void childJvmExitsWith2OnAMissingArgument() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "io.tributary.glue.CuratedJob", "--raw_path", dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("missing required arguments --arrival_hour, --curated_path, --errors_path, --summary_path"),
                output);
    }

    /** The Glue job as the Glue stand-in starts it: a child JVM with Spark's JVM options and the test class path. */
    static List<String> childJobCommand(String... jobArguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(Arrays.asList(System.getProperty("tributary.spark.jvm.options", "").trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "io.tributary.glue.CuratedJob"));
        command.addAll(Arrays.asList(jobArguments));
        return command;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(no " + p + ")";
        }
    }
}
