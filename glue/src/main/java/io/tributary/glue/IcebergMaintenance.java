package io.tributary.glue;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The curated table's scheduled maintenance ({@code --maintenance compact|expire|all}), with Iceberg's own Spark procedures:
 * compaction of small files ({@code rewrite_data_files}, bin-pack within each event-hour partition, files sorted by event
 * time) and expiry of old snapshots ({@code expire_snapshots}, then {@code remove_orphan_files} for files that killed runs
 * left behind). Compaction mixes arrival hours in one file; the hourly MERGE rewrites such a file rather than refusing it.
 */
final class IcebergMaintenance {

    private IcebergMaintenance() {
    }

    static Map<String, Object> run(SparkSession spark, JobArguments arguments, Map<String, String> env, PrintStream out) {
        long t0 = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        StorageConfig.applyS3a(hadoop, arguments, env);
        Map<String, String> schemes = arguments.effectiveSchemeMap(StorageConfig.runtimeHasS3FileSystem(hadoop));
        String curatedPath = JobArguments.mapScheme(arguments.curatedPath(), schemes);
        String summaryPath = JobArguments.mapScheme(arguments.summaryPath(), schemes);
        spark.conf().set("spark.sql.session.timeZone", "UTC");
        if (!IcebergCurated.extensionsEnabled(spark)) {
            throw new IllegalStateException("maintenance needs the Iceberg Spark session extensions: spark.sql.extensions="
                    + IcebergCurated.EXTENSIONS);
        }
        IcebergCurated table = IcebergCurated.open(spark, arguments, curatedPath);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("job", "tributary-curated");
        summary.put("maintenance", arguments.maintenance());
        summary.put("table", table.table());
        if (!spark.catalog().tableExists(table.table())) {
            summary.put("status", "SUCCEEDED");
            summary.put("note", "no table yet: nothing to maintain");
            finish(hadoop, summaryPath, summary, t0, out);
            return summary;
        }
        String name = "'" + table.tableInCatalog().replace("'", "''") + "'";
        String procedures = table.catalog() + ".system.";
        summary.put("files_per_day_before", filesPerDay(spark, table.table()));
        String mode = arguments.maintenance();
        if (mode.equals("compact") || mode.equals("all")) {
            Row r = spark.sql("CALL " + procedures + "rewrite_data_files(table => " + name
                    + ", strategy => 'sort', sort_order => 'event_time ASC NULLS LAST, event_id ASC NULLS LAST', "
                    + "options => map('min-input-files', '2'))").first();
            summary.put("rewritten_data_files", ((Number) r.getAs("rewritten_data_files_count")).longValue());
            summary.put("added_data_files", ((Number) r.getAs("added_data_files_count")).longValue());
            summary.put("rewritten_bytes", ((Number) r.getAs("rewritten_bytes_count")).longValue());
        }
        if (mode.equals("expire") || mode.equals("all")) {
            Instant olderThan = Instant.now().minus(arguments.snapshotRetentionHours(), ChronoUnit.HOURS);
            Row r = spark.sql("CALL " + procedures + "expire_snapshots(table => " + name + ", older_than => TIMESTAMP '"
                    + olderThan + "', retain_last => " + arguments.retainLast() + ")").first();
            summary.put("deleted_data_files", ((Number) r.getAs("deleted_data_files_count")).longValue());
            summary.put("deleted_manifest_files", ((Number) r.getAs("deleted_manifest_files_count")).longValue());
            summary.put("deleted_manifest_lists", ((Number) r.getAs("deleted_manifest_lists_count")).longValue());
            Instant orphansOlderThan = Instant.now().minus(arguments.orphanRetentionHours(), ChronoUnit.HOURS);
            List<Row> orphans = spark.sql("CALL " + procedures + "remove_orphan_files(table => " + name + ", older_than => TIMESTAMP '"
                    + orphansOlderThan + "')").collectAsList();
            summary.put("orphan_files_removed", orphans.size());
        }
        summary.put("snapshots", spark.table(table.table() + ".snapshots").count());
        summary.put("files_per_day_after", filesPerDay(spark, table.table()));
        summary.put("status", "SUCCEEDED");
        finish(hadoop, summaryPath, summary, t0, out);
        return summary;
    }

    /** Data files of the current snapshot per event day (from the hour partition), the figure compaction lowers. */
    static Map<String, Long> filesPerDay(SparkSession spark, String table) {
        Map<String, Long> days = new TreeMap<>();
        for (Row r : spark.sql("SELECT date_format(timestamp_seconds(CAST(partition.event_time_hour AS BIGINT) * 3600), 'yyyy-MM-dd') AS day, "
                + "count(*) AS files FROM " + table + ".files WHERE content = 0 GROUP BY 1").collectAsList()) {
            days.put(r.getString(0), r.getLong(1));
        }
        return days;
    }

    private static void finish(Configuration hadoop, String summaryPath, Map<String, Object> summary, long t0, PrintStream out) {
        summary.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
        String json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(summary);
            CuratedJob.writeText(hadoop, summaryPath, json);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the maintenance summary to " + summaryPath + ": " + e, e);
        }
        out.println(json);
    }
}
