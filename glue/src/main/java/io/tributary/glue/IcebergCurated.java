package io.tributary.glue;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The curated zone as an Apache Iceberg table: the Spark catalog that holds it (the Glue Data Catalog on AWS, a
 * HadoopCatalog on the curated path's parent outside Glue), its creation and schema evolution from the table contract,
 * and the replacement of one arrival hour's rows in one atomic commit.
 *
 * <p>The table is partitioned by {@code hours(event_time)} (hidden partitioning; late events land in their event hour),
 * copy-on-write for every row-level operation (no delete files: readers plan data files only), snappy Parquet.
 * {@code event_date}, {@code event_hour} and {@code arrival_hour} are ordinary columns.
 */
public final class IcebergCurated {

    /** Spark session extensions the MERGE and the maintenance procedures need; set when the session is built. */
    public static final String EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

    /** Table properties set at creation (documented in glue/README.md). */
    static final Map<String, String> PROPERTIES = properties();

    private final SparkSession spark;
    private final String catalog;
    private final String table;
    private final String tableInCatalog;
    private final String location;

    private IcebergCurated(SparkSession spark, String catalog, String tableInCatalog, String location) {
        this.spark = spark;
        this.catalog = catalog;
        this.tableInCatalog = tableInCatalog;
        this.table = catalog + "." + tableInCatalog;
        this.location = location;
    }

    private static Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("format-version", "2");
        p.put("write.format.default", "parquet");
        p.put("write.parquet.compression-codec", "snappy");
        // copy-on-write: no positional or equality delete files, so every reader (Athena, the stand-in) plans data files only
        p.put("write.delete.mode", "copy-on-write");
        p.put("write.update.mode", "copy-on-write");
        p.put("write.merge.mode", "copy-on-write");
        p.put("write.distribution-mode", "hash");
        p.put("write.target-file-size-bytes", String.valueOf(128L << 20));
        p.put("write.metadata.delete-after-commit.enabled", "true");
        p.put("write.metadata.previous-versions-max", "100");
        p.put("history.expire.max-snapshot-age-ms", String.valueOf(7L * 24 * 3600 * 1000));
        p.put("history.expire.min-snapshots-to-keep", "5");
        return p;
    }

    /**
     * Registers the table's Spark catalog for this session and returns a handle. On Glue the catalog is the Glue Data
     * Catalog (GlueCatalog, S3FileIO) and the table is {@code --curated_table}; elsewhere a HadoopCatalog whose warehouse
     * is the curated path's grandparent, so the table {@code <parent>.<last>} lives exactly at {@code --curated_path}.
     */
    public static IcebergCurated open(SparkSession spark, JobArguments arguments, String curatedPath) {
        String path = stripSlash(curatedPath);
        // Row-based Parquet reads for the MERGE's target scan: with Iceberg 1.7.1's vectorized (Arrow) reader, the re-run of
        // a 1,000,000-event hour failed with "RefCnt has gone negative" and then a SIGSEGV of the JVM (docs/iceberg.md).
        spark.conf().set("spark.sql.iceberg.vectorization.enabled", "false");
        String prefix;
        String name;
        if (JobArguments.CATALOG_GLUE.equals(arguments.icebergCatalog())) {
            name = "tributary_glue";
            prefix = "spark.sql.catalog." + name;
            spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
            spark.conf().set(prefix + ".catalog-impl", "org.apache.iceberg.aws.glue.GlueCatalog");
            spark.conf().set(prefix + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
            spark.conf().set(prefix + ".warehouse", parent(path));
            spark.conf().set(prefix + ".cache-enabled", "false");
            String table = arguments.curatedTable().orElseThrow(() -> new JobArgumentException(
                    "--" + JobArguments.CURATED_TABLE + " (database.table) is required with --" + JobArguments.ICEBERG_CATALOG + " glue"));
            return new IcebergCurated(spark, name, table, path);
        }
        int last = path.lastIndexOf('/');
        int secondLast = last > 0 ? path.lastIndexOf('/', last - 1) : -1;
        if (secondLast < 0 || path.substring(0, secondLast).endsWith("/") || path.substring(0, secondLast).endsWith(":")) {
            throw new JobArgumentException("--" + JobArguments.CURATED_PATH + " must have two path segments below its root for the "
                    + "local Iceberg catalog (s3://bucket/curated/events), got '" + curatedPath + "'");
        }
        String warehouse = path.substring(0, secondLast);
        String namespace = path.substring(secondLast + 1, last);
        String tableName = path.substring(last + 1);
        name = "tributary_local_" + Integer.toHexString(warehouse.hashCode());
        prefix = "spark.sql.catalog." + name;
        spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
        spark.conf().set(prefix + ".type", "hadoop");
        spark.conf().set(prefix + ".warehouse", warehouse);
        // every run (and, in tests, every run in one session) reads the latest commit, not a cached one
        spark.conf().set(prefix + ".cache-enabled", "false");
        return new IcebergCurated(spark, name, quote(namespace) + "." + quote(tableName), path);
    }

    public String table() {
        return table;
    }

    /** The Spark catalog's name (for its system procedures). */
    public String catalog() {
        return catalog;
    }

    /** The table's name inside its catalog (namespace.table), as the system procedures take it. */
    public String tableInCatalog() {
        return tableInCatalog;
    }

    public String location() {
        return location;
    }

    /**
     * Creates the table when it does not exist, then adds every contract column the table lacks as an optional column
     * (a metadata-only change: no data file is rewritten; older snapshots keep their schema). Returns the columns added.
     */
    public List<String> ensureTable(StructType curatedSchema) {
        StructType nullable = new StructType(java.util.Arrays.stream(curatedSchema.fields())
                .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata())).toArray(StructField[]::new));
        if (!spark.catalog().tableExists(table)) {
            String props = PROPERTIES.entrySet().stream().map(e -> "'" + e.getKey() + "'='" + e.getValue() + "'")
                    .collect(Collectors.joining(", "));
            String locationClause = catalog.equals("tributary_glue") ? " LOCATION '" + location.replace("'", "''") + "'" : "";
            spark.sql("CREATE TABLE IF NOT EXISTS " + table + " (" + nullable.toDDL() + ") USING iceberg "
                    + "PARTITIONED BY (hours(event_time))" + locationClause + " TBLPROPERTIES (" + props + ")");
            if (extensionsEnabled(spark)) {
                // one task per event hour, rows sorted by event time inside each file (narrow min/max for pruning)
                spark.sql("ALTER TABLE " + table + " WRITE DISTRIBUTED BY PARTITION LOCALLY ORDERED BY event_time, event_id");
            }
            return List.of();
        }
        Set<String> existing = java.util.Arrays.stream(spark.table(table).schema().fieldNames())
                .map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<String> added = new ArrayList<>();
        for (StructField f : nullable.fields()) {
            if (!existing.contains(f.name().toLowerCase(Locale.ROOT))) {
                spark.sql("ALTER TABLE " + table + " ADD COLUMN " + quote(f.name()) + " " + f.dataType().sql());
                added.add(f.name());
            }
        }
        return added;
    }

    /**
     * Replaces the arrival hour's rows with {@code rows} in one snapshot, by MERGE: keyed on {@code event_id} within the
     * hour, rows of the hour that the new output lacks are deleted, matched rows updated, new rows inserted. Copy-on-write
     * rewrites only the files that hold rows of the hour, so a compacted file that mixes hours is rewritten, not refused.
     */
    public void mergeHour(Dataset<Row> rows, String arrivalHour) {
        if (!extensionsEnabled(spark)) {
            throw new IllegalStateException("MERGE INTO needs the Iceberg Spark session extensions: start the session with "
                    + "spark.sql.extensions=" + EXTENSIONS + " (on Glue: --conf spark.sql.extensions=" + EXTENSIONS + ")");
        }
        String[] columns = rows.columns();
        String hourLiteral = "'" + arrivalHour.replace("'", "''") + "'";
        Dataset<Row> upserts = rows.withColumn("_op", lit("upsert"));
        // the hour's rows the new output no longer has: delete markers (only the key matters)
        Dataset<Row> stale = spark.table(table).filter(col(RawHourTransform.ARRIVAL_HOUR).equalTo(lit(arrivalHour)))
                .select(col("event_id")).join(rows.select(col("event_id")), "event_id", "left_anti");
        List<Column> staleCols = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            staleCols.add(f.name().equals("event_id") ? col("event_id") : lit(null).cast(f.dataType()).as(f.name()));
        }
        staleCols.add(lit("delete").as("_op"));
        Dataset<Row> source = upserts.unionByName(stale.select(staleCols.toArray(new Column[0])));
        String view = "tributary_merge_source_" + arrivalHour.replace('-', '_');
        source.createOrReplaceTempView(view);
        String set = java.util.Arrays.stream(columns).map(c -> "t." + quote(c) + " = s." + quote(c)).collect(Collectors.joining(", "));
        String names = java.util.Arrays.stream(columns).map(IcebergCurated::quote).collect(Collectors.joining(", "));
        String values = java.util.Arrays.stream(columns).map(c -> "s." + quote(c)).collect(Collectors.joining(", "));
        try {
            spark.sql("MERGE INTO " + table + " t USING " + view + " s "
                    + "ON t.event_id = s.event_id AND t." + RawHourTransform.ARRIVAL_HOUR + " = " + hourLiteral + " "
                    + "WHEN MATCHED AND s._op = 'delete' THEN DELETE "
                    + "WHEN MATCHED THEN UPDATE SET " + set + " "
                    + "WHEN NOT MATCHED AND s._op = 'upsert' THEN INSERT (" + names + ") VALUES (" + values + ")");
        } finally {
            spark.catalog().dropTempView(view);
        }
    }

    /**
     * Replaces the arrival hour's rows by an overwrite with the filter {@code arrival_hour = <hour>}: a metadata delete of
     * every file whose rows all match, plus the new files. Iceberg refuses it when a file holds rows of several hours
     * (after compaction): "Cannot delete file where some, but not all, rows match filter".
     */
    public void overwriteHour(Dataset<Row> rows, String arrivalHour) throws Exception {
        rows.writeTo(table).overwrite(col(RawHourTransform.ARRIVAL_HOUR).equalTo(lit(arrivalHour)));
    }

    static boolean extensionsEnabled(SparkSession spark) {
        return spark.conf().getOption("spark.sql.extensions").map(v -> v.contains(EXTENSIONS)).getOrElse(() -> false);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static String parent(String path) {
        int last = path.lastIndexOf('/');
        return last > 0 ? path.substring(0, last) : path;
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
