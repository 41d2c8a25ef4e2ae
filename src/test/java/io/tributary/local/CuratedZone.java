package io.tributary.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;

import io.tributary.sealing.RawHours;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;

/**
 * The curated zone of a local lake, as the integration tests check it: the real Glue job run for raw hours through the Glue
 * stand-in (the way hour sealing starts it), and the rows of the curated Iceberg table's CURRENT snapshot read with DuckDB.
 *
 * <p>The table (at {@code s3://<curated bucket>/curated/events}) is written by a copy-on-write MERGE per arrival hour: a
 * later MERGE replaces data files, which stay on disk until maintenance removes them. So the rows are read from the files
 * Iceberg's library plans for the current snapshot ({@link LocalIceberg#plan}), never from every Parquet file under the
 * table's directory. Delete files are refused: the job creates the table with every write mode copy-on-write, which never
 * writes them; a snapshot with any was not written by it, and reading its data files alone would return deleted rows.
 *
 * <p>{@code basedir} is the S3 stand-in's base directory; the raw zone is under {@code raw/events} of {@code rawBucket}, the
 * table under {@code curated/events} of {@code curatedBucket}; {@code glue} runs the job.
 */
public record CuratedZone(GlueStandIn glue, Path basedir, String rawBucket, String curatedBucket) {

    public static final String RAW_PREFIX = "raw/events";
    public static final String PREFIX = "curated/events";
    /** Longest wait for one run (the job JVM takes 10-30 s for a test hour; a 20,000-line hour on two busy cores longer). */
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<JobRunState> ENDED = Set.of(JobRunState.SUCCEEDED, JobRunState.FAILED, JobRunState.ERROR,
            JobRunState.TIMEOUT, JobRunState.STOPPED);

    /** One curated row's key and the arrival hour it was curated from. */
    public record Row(String eventId, String arrivalHour) {
    }

    /** The curated zone of {@code lake} in bucket {@code curatedBucket} (created by the caller). */
    public static CuratedZone of(LocalLake lake, GlueStandIn glue, String curatedBucket) {
        return new CuratedZone(glue, lake.basedir, lake.rawBucket, curatedBucket);
    }

    /** The table's directory under the S3 stand-in's base directory. */
    public Path tableDir() {
        return basedir.resolve(curatedBucket).resolve(PREFIX);
    }

    /** The arrival hours the raw zone holds objects of, oldest first. */
    public Set<String> rawHours() {
        Set<String> hours = new TreeSet<>();
        LakeFiles.keys(basedir, rawBucket, RAW_PREFIX).forEach(k -> hours.add(RawHours.fromPartition(k)));
        return hours;
    }

    /**
     * Runs the Glue job through the stand-in's API for each raw hour with the arguments hour sealing passes, one run at a
     * time, oldest hour first (the sealer's default: one run in flight, so two MERGEs never race over the table). Fails
     * unless every run ends SUCCEEDED. Returns the run summaries by hour.
     */
    public Map<String, JsonNode> curate(Collection<String> hours) {
        Map<String, JsonNode> summaries = new TreeMap<>();
        try (GlueClient client = GlueClient.builder().endpointOverride(URI.create(glue.endpoint())).region(Region.of(StandIns.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(StandIns.ACCESS_KEY, StandIns.SECRET_KEY)))
                .build()) {
            for (String hour : new TreeSet<>(hours)) {
                Map<String, String> args = Map.of(
                        "--raw_path", "s3://" + rawBucket + "/" + RAW_PREFIX,
                        "--arrival_hour", hour,
                        "--curated_path", "s3://" + curatedBucket + "/" + PREFIX,
                        "--errors_path", "s3://" + curatedBucket + "/errors/glue",
                        "--summary_path", "s3://" + curatedBucket + "/" + summaryKey(hour));
                String runId = client.startJobRun(b -> b.jobName(glue.jobName()).arguments(args)).jobRunId();
                JobRun run = await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(500))
                        .until(() -> client.getJobRun(b -> b.jobName(glue.jobName()).runId(runId)).jobRun(),
                                r -> ENDED.contains(r.jobRunState()));
                if (run.jobRunState() != JobRunState.SUCCEEDED) {
                    throw new AssertionError("Glue run " + runId + " for raw hour " + hour + " ended " + run.jobRunState()
                            + ": " + run.errorMessage());
                }
                summaries.put(hour, summary(hour));
            }
        }
        return summaries;
    }

    static String summaryKey(String hour) {
        return "glue/summaries/arrival_hour=" + hour + ".json";
    }

    /** The summary the run for {@code hour} wrote. */
    public JsonNode summary(String hour) {
        try {
            return JSON.readTree(basedir.resolve(curatedBucket).resolve(summaryKey(hour)).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("no readable Glue run summary for " + hour, e);
        }
    }

    /** Fails when a run rejected a line (the lines under test are all valid). */
    public static void assertNothingRejected(Map<String, JsonNode> summaries) {
        summaries.forEach((hour, summary) ->
                assertEquals(0, summary.path("rejected").path("total").asInt(), "the job rejected nothing of " + hour + ": " + summary));
    }

    /** The duplicates the runs removed, from their summaries. */
    public static int duplicatesRemoved(Map<String, JsonNode> summaries) {
        return summaries.values().stream().mapToInt(s -> s.path("duplicates").path("total").asInt()).sum();
    }

    /**
     * The data files of the table's current snapshot, as Iceberg plans them. Fails when the snapshot has delete files (see
     * the class comment), or has no data file at all.
     */
    public List<Path> liveFiles() {
        Snapshot current = LocalIceberg.load(basedir, tableDir()).currentSnapshot();
        if (current == null) {
            throw new AssertionError("the curated table " + tableDir() + " has no snapshot");
        }
        String deleteFiles = current.summary().getOrDefault(SnapshotSummary.TOTAL_DELETE_FILES_PROP, "0");
        if (!"0".equals(deleteFiles)) {
            throw new AssertionError("the curated table's snapshot " + current.snapshotId() + " has " + deleteFiles
                    + " delete files: the job writes copy-on-write, which never creates them; " + current.summary());
        }
        List<Path> files = new ArrayList<>();
        for (LocalIceberg.PlannedFile f : LocalIceberg.plan(basedir, tableDir()).files()) {
            if (f.deletes() > 0) {
                throw new AssertionError(f.deletes() + " delete files apply to " + f.path() + " of the curated table: the job"
                        + " writes copy-on-write, which never creates them; its data file alone holds deleted rows");
            }
            files.add(f.path());
        }
        if (files.isEmpty()) {
            throw new AssertionError("the curated table's snapshot " + current.snapshotId() + " has no data file");
        }
        return files;
    }

    /** A DuckDB relation over exactly the current snapshot's data files (a column added later reads NULL from older files). */
    public String relation() {
        String files = LocalIceberg.sqlFileList(liveFiles());
        // the partition directories are Iceberg's layout, not columns: the table's columns are all in the files
        return "read_parquet([" + files + "], union_by_name = true, hive_partitioning = false)";
    }

    /** Every row of the current snapshot (one entry per row, duplicates kept): its event_id and arrival hour. */
    public List<Row> rows() {
        try (Connection c = AthenaStandIn.duckdb(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id, CAST(arrival_hour AS VARCHAR) FROM " + relation())) {
            List<Row> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2)));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the curated table " + tableDir() + ": " + e.getMessage(), e);
        }
    }

    /** Every event_id of the current snapshot, one entry per row. */
    public List<String> eventIds() {
        return rows().stream().map(Row::eventId).toList();
    }
}
