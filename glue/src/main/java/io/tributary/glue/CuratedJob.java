package io.tributary.glue;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The curated-zone job: one raw hour (gzip NDJSON, arrival time) in, deduplicated snappy Parquet partitioned by event time
 * and arrival hour out, rejected lines to the errors zone, a run summary as JSON.
 *
 * <p>Entry points: {@link #main} for a plain JVM ({@code java -cp ... io.tributary.glue.CuratedJob --raw_path ...}: creates a
 * local Spark session and exits 0, 1 on a failed run, 2 on bad arguments) and {@link #run(SparkSession, Map)} for the Glue
 * script, which owns its session.
 */
public final class CuratedJob {

    static final String LOG_PREFIX = "tributary-glue-job: ";

    private CuratedJob() {
    }

    public static void main(String[] args) {
        // Spark's own log4j2 defaults log INFO to stderr; a job run wants warnings only (--log_level changes it later).
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "tributary-glue-log4j2.properties");
        }
        System.exit(execute(args, System.getenv(), System.out, System.err));
    }

    /** main without System.exit: validates the arguments before any Spark starts, runs, returns the exit code. */
    static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        JobArguments arguments;
        try {
            arguments = JobArguments.parse(args, env);
        } catch (JobArgumentException e) {
            err.println(LOG_PREFIX + e.getMessage());
            err.println(JobArguments.USAGE);
            return 2;
        }
        SparkSession spark = localSession(arguments);
        try {
            spark.sparkContext().setLogLevel(arguments.logLevel());
            run(spark, arguments, env, out);
            return 0;
        } catch (Exception e) {
            // Exception, not RuntimeException: Spark throws its checked SparkException from Scala code.
            err.println(LOG_PREFIX + (arguments.maintenanceRun() ? "maintenance run " + arguments.maintenance()
                    : "run for arrival hour " + arguments.arrivalHour()) + " failed: " + e);
            e.printStackTrace(err);
            return 1;
        } finally {
            spark.stop();
        }
    }

    /** A Spark session for a run outside Glue: local[2] on loopback unless spark.* system properties (spark-submit) say otherwise. */
    static SparkSession localSession(JobArguments arguments) {
        SparkSession.Builder builder = SparkSession.builder().appName("tributary-curated-"
                + (arguments.maintenanceRun() ? "maintenance" : arguments.arrivalHour().label()));
        String master = System.getProperty("spark.master", arguments.sparkMaster().orElse("local[2]"));
        builder.master(master);
        if (master.startsWith("local")) {
            defaultConfig(builder, "spark.driver.host", "127.0.0.1");
            defaultConfig(builder, "spark.driver.bindAddress", "127.0.0.1");
        }
        defaultConfig(builder, "spark.ui.enabled", "false");
        // MERGE INTO and the maintenance procedures need Iceberg's SQL extensions (on Glue: --conf in the job's arguments)
        defaultConfig(builder, "spark.sql.extensions", IcebergCurated.EXTENSIONS);
        builder.config("spark.sql.session.timeZone", "UTC");
        return builder.getOrCreate();
    }

    private static void defaultConfig(SparkSession.Builder builder, String key, String value) {
        if (System.getProperty(key) == null) {
            builder.config(key, value);
        }
    }

    /** Entry point for the Glue script: arguments as GlueArgParser.getResolvedOptions returns them. */
    public static RunSummary run(SparkSession spark, Map<String, String> args) {
        Map<String, String> env = System.getenv();
        return run(spark, JobArguments.parse(args, env), env, System.out);
    }

    /** Entry point with Glue-style command-line arguments ({@code --key value}). */
    public static RunSummary run(SparkSession spark, String[] args) {
        Map<String, String> env = System.getenv();
        return run(spark, JobArguments.parse(args, env), env, System.out);
    }

    /** Curates one arrival hour; a maintenance run ({@code --maintenance}) compacts and expires instead and returns null. */
    static RunSummary run(SparkSession spark, JobArguments arguments, Map<String, String> env, PrintStream out) {
        if (arguments.maintenanceRun()) {
            IcebergMaintenance.run(spark, arguments, env, out);
            return null;
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        StorageConfig.applyS3a(hadoop, arguments, env);
        Map<String, String> schemes = arguments.effectiveSchemeMap(StorageConfig.runtimeHasS3FileSystem(hadoop));
        String rawPath = JobArguments.mapScheme(arguments.rawPath(), schemes);
        String curatedPath = JobArguments.mapScheme(arguments.curatedPath(), schemes);
        String errorsPath = JobArguments.mapScheme(arguments.errorsPath(), schemes);
        String summaryPath = JobArguments.mapScheme(arguments.summaryPath(), schemes);

        spark.conf().set("spark.sql.session.timeZone", "UTC");
        spark.conf().set("spark.sql.sources.partitionOverwriteMode", "dynamic");
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");

        String hourDir = stripSlash(rawPath) + "/" + arguments.arrivalHour().rawPartition();
        String errorsDir = stripSlash(errorsPath) + "/" + RawHourTransform.ARRIVAL_HOUR + "=" + arguments.arrivalHour().label();
        try {
            RunSummary summary = curate(spark, arguments, hourDir, stripSlash(curatedPath), errorsDir, started, t0);
            writeSummary(hadoop, summaryPath, summary);
            out.println(summary.toJson(false));
            return summary;
        } catch (Exception e) {
            // Exception, not RuntimeException: Spark throws its checked SparkException from Scala code.
            RunSummary failed = new RunSummary("FAILED", arguments.arrivalHour().label(), hourDir, curatedPath, errorsDir,
                    started.toString(), elapsedMs(t0), 0, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>(), new TreeMap<>(), List.of(),
                    Map.of(), String.valueOf(e));
            try {
                writeSummary(hadoop, summaryPath, failed);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            out.println(failed.toJson(false));
            throw e instanceof RuntimeException r ? r
                    : new IllegalStateException("curated run for arrival hour " + arguments.arrivalHour() + " failed: " + e, e);
        }
    }

    private static RunSummary curate(SparkSession spark, JobArguments arguments, String hourDir, String curatedPath,
            String errorsDir, Instant started, long t0) throws Exception {
        ArrivalHour hour = arguments.arrivalHour();
        long maxRecordsPerFile = arguments.maxRecordsPerFile();
        boolean iceberg = JobArguments.FORMAT_ICEBERG.equals(arguments.curatedFormat());
        TableContract contract = TableContract.load();
        List<FileStatus> objects = listInputObjects(spark.sparkContext().hadoopConfiguration(), hourDir);
        List<String> inputs = objects.stream().map(o -> o.getPath().toString()).toList();
        if (inputs.isEmpty()) {
            // An hour with no objects (an idle stream) is a successful no-op: nothing to replace, nothing to reject.
            System.err.println(LOG_PREFIX + "no raw objects under " + hourDir + "; nothing to curate");
            return new RunSummary("SUCCEEDED", hour.label(), hourDir, curatedPath, errorsDir, started.toString(), elapsedMs(t0),
                    0, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>(), new TreeMap<>(), List.of(), Map.of(), null);
        }

        // Adaptive execution does not coalesce the shuffle of a cached plan, so size the dedup shuffle to the input:
        // about one partition per 4 MB of gzip (some 15,000 events), never more than configured.
        long inputBytes = objects.stream().mapToLong(FileStatus::getLen).sum();
        spark.conf().set("spark.sql.shuffle.partitions",
                String.valueOf(shufflePartitions(inputBytes, spark.sparkContext().defaultParallelism(),
                        Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions", "200")))));

        // Wall time of each Spark action, so a slow run shows where its time went.
        Map<String, Long> phases = new LinkedHashMap<>();
        long tPhase = System.nanoTime();
        // _metadata.file_path, not input_file_name(): the MERGE into the Iceberg table needs a deterministic source plan
        Dataset<Row> lines = spark.read().text(inputs.toArray(new String[0]))
                .withColumn(RawHourTransform.SOURCE, col("_metadata.file_path"));
        // One parse, one shuffle (the dedup window), one cache; three actions read the cache: counts, errors, curated.
        Dataset<Row> ranked = RawHourTransform.rankByEarliestArrival(RawHourTransform.classify(lines, contract))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long blank = 0;
            long valid = 0;
            long duplicates = 0;
            long sameArrival = 0;
            SortedMap<String, Long> byReason = new TreeMap<>();
            SortedMap<String, Long> timeFlags = new TreeMap<>();
            Map<String, long[]> perPartition = new TreeMap<>();
            for (Row r : ranked.groupBy(col(RawHourTransform.REASON), col(RawHourTransform.RANK).equalTo(1).as("kept"),
                            col(RawHourTransform.SAME_ARRIVAL), col("event_date"), col("event_hour"), col("time_flag"))
                    .count().collectAsList()) {
                String reason = r.getString(0);
                long n = r.getLong(6);
                if (RawHourTransform.BLANK_LINE.equals(reason)) {
                    blank += n;
                } else if (reason != null) {
                    byReason.merge(reason, n, Long::sum);
                } else if (r.getBoolean(1)) {
                    valid += n;
                    perPartition.computeIfAbsent(r.getString(3) + "\u0000" + r.getInt(4), k -> new long[1])[0] += n;
                    if (!r.isNullAt(5)) {
                        timeFlags.merge(r.getString(5), n, Long::sum);
                    }
                } else {
                    valid += n;
                    duplicates += n;
                    if (!r.isNullAt(2) && r.getBoolean(2)) {
                        sameArrival += n;
                    }
                }
            }
            long rejectedCount = byReason.values().stream().mapToLong(Long::longValue).sum();
            tPhase = phase(phases, "parse_validate_deduplicate", tPhase);

            // Always overwrite this hour's errors, so a re-run that rejects nothing leaves no stale rejects behind.
            RawHourTransform.rejected(ranked).coalesce(1).write().mode(SaveMode.Overwrite).json(errorsDir);
            tPhase = phase(phases, "write_errors", tPhase);

            List<RunSummary.Partition> partitions = new ArrayList<>();
            perPartition.forEach((k, v) -> {
                String[] parts = k.split("\u0000");
                partitions.add(new RunSummary.Partition(parts[0], Integer.parseInt(parts[1]), v[0]));
            });
            partitions.sort(Comparator.comparing(RunSummary.Partition::eventDate).thenComparingInt(RunSummary.Partition::eventHour));
            long written = partitions.stream().mapToLong(RunSummary.Partition::rows).sum();

            if (iceberg) {
                // Even with no row to write: a re-run that now rejects everything must remove the hour's earlier rows.
                Dataset<Row> curated = RawHourTransform.curated(ranked, contract, hour);
                IcebergCurated table = IcebergCurated.open(spark, arguments, curatedPath);
                table.ensureTable(curated.schema());
                if (JobArguments.WRITE_OVERWRITE.equals(arguments.writeMode())) {
                    table.overwriteHour(curated, hour.label());
                } else {
                    table.mergeHour(curated, hour.label());
                }
                phase(phases, "write_curated", tPhase);
            } else if (written > 0) {
                Dataset<Row> curated = RawHourTransform.curated(ranked, contract, hour);
                String[] partitionKeys = contract.curatedPartitionKeys().stream().map(TableContract.Column::name)
                        .toArray(String[]::new);
                // One task per event-time partition: one file per partition instead of one per shuffle partition.
                curated.repartition(col("event_date"), col("event_hour"))
                        .sortWithinPartitions(col("event_date"), col("event_hour"), col("event_time"), col("event_id"))
                        .write()
                        .mode(SaveMode.Overwrite)
                        .option("partitionOverwriteMode", "dynamic")
                        .option("compression", "snappy")
                        .option("maxRecordsPerFile", maxRecordsPerFile)
                        .partitionBy(partitionKeys)
                        .parquet(curatedPath);
                phase(phases, "write_curated", tPhase);
            }

            return new RunSummary("SUCCEEDED", hour.label(), hourDir, curatedPath, errorsDir, started.toString(), elapsedMs(t0),
                    inputs.size(), blank, valid + rejectedCount, valid, written, duplicates, sameArrival, rejectedCount,
                    byReason, timeFlags, partitions, phases, null);
        } finally {
            ranked.unpersist();
        }
    }

    static int shufflePartitions(long inputBytes, int parallelism, int configured) {
        long bySize = (inputBytes + (4L << 20) - 1) / (4L << 20);
        return (int) Math.max(1, Math.min(configured, Math.max(parallelism, bySize)));
    }

    /** The raw objects of one hour (hidden and marker files skipped); none when the hour's directory does not exist. */
    static List<FileStatus> listInputObjects(Configuration conf, String hourDir) throws IOException {
        Path dir = new Path(hourDir);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            return List.of();
        }
        return Arrays.stream(fs.listStatus(dir))
                .filter(FileStatus::isFile)
                .filter(f -> !f.getPath().getName().startsWith("_") && !f.getPath().getName().startsWith("."))
                .sorted(Comparator.comparing(f -> f.getPath().toString()))
                .toList();
    }

    /** Writes the summary as one object through Hadoop's FileSystem, so s3a://, s3:// (EMRFS) and file:// all work. */
    static void writeSummary(Configuration conf, String summaryPath, RunSummary summary) throws IOException {
        writeText(conf, summaryPath, summary.toJson(true));
    }

    static void writeText(Configuration conf, String file, String text) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(conf);
        try (OutputStream os = fs.create(path, true)) {
            os.write(text.getBytes(StandardCharsets.UTF_8));
            os.write('\n');
        }
    }

    private static long phase(Map<String, Long> phases, String name, long since) {
        long now = System.nanoTime();
        phases.put(name, (now - since) / 1_000_000);
        return now;
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static long elapsedMs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
