package io.tributary.glue;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.json_object_keys;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The job's transformations, free of I/O so tests can reason about them: parse raw lines with the contract's schema,
 * give every rejected line a reason, deduplicate on event_id keeping the earliest arrival, shape the curated rows.
 */
public final class RawHourTransform {

    /** Filled by PERMISSIVE parsing with the line that did not fit the schema. */
    public static final String CORRUPT_RECORD = "_corrupt_record";
    /** Original line, kept for rejected rows only (null for valid rows, to keep the cache small). */
    public static final String LINE = "_line";
    /** Raw object the line came from. */
    public static final String SOURCE = "_source";
    /** Null for a valid row, else the rejection reason (or {@link #BLANK_LINE}). */
    public static final String REASON = "_reason";
    public static final String MESSAGE = "_message";
    /** 1 for the row kept for its event_id. */
    public static final String RANK = "_rank";
    /** True for a duplicate that arrived at the same ingest_time as the kept row (a replay of the same record). */
    public static final String SAME_ARRIVAL = "_same_arrival";
    public static final String ARRIVAL_HOUR = "arrival_hour";

    /** Blank lines carry no record: counted in the summary, not quarantined. */
    public static final String BLANK_LINE = "blank_line";

    /** Rejection reasons, in the order they are checked; a row gets the first that applies. */
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String TYPE_MISMATCH = "type_mismatch";
    public static final String MISSING_REQUIRED = "missing_required";
    public static final String BAD_EVENT_TIME = "bad_event_time";
    public static final String BAD_INGEST_TIME = "bad_ingest_time";
    public static final String BAD_EVENT_DATE = "bad_event_date";
    public static final String BAD_EVENT_HOUR = "bad_event_hour";

    /** ISO-8601 date-time with optional fraction and zone (no zone means UTC: the job's session time zone is UTC). */
    static final String ISO_TIMESTAMP = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?$";
    static final String ISO_DATE = "^\\d{4}-\\d{2}-\\d{2}$";

    private RawHourTransform() {
    }

    /**
     * Parses lines ({@code value}, {@code _source}) with the contract's raw schema in PERMISSIVE mode and classifies each:
     * the result has the raw columns, {@link #REASON}, {@link #MESSAGE}, {@link #SOURCE} and {@link #LINE} (rejected rows only).
     */
    public static Dataset<Row> classify(Dataset<Row> lines, TableContract contract) {
        Column line = col("value");
        Column parsed = from_json(line, contract.rawSchema(CORRUPT_RECORD),
                Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT_RECORD));
        Dataset<Row> withRecord = lines.select(line.as(LINE), col(SOURCE), parsed.as("r"));

        Column corrupt = col("r." + CORRUPT_RECORD);
        // json_object_keys parses the line again, so it only runs for lines the schema already refused.
        Column notAnObject = col("r").isNull().or(corrupt.isNotNull().and(json_object_keys(col(LINE)).isNull()));

        List<Column> missing = new ArrayList<>();
        Column anyMissing = lit(false);
        for (TableContract.Column c : contract.requiredRawColumns()) {
            Column v = col("r." + c.name());
            Column absent = c.sparkType().equals(DataTypes.StringType) ? v.isNull().or(trim(v).equalTo("")) : v.isNull();
            anyMissing = anyMissing.or(absent);
            missing.add(when(absent, lit(c.name())));
        }
        List<Column> typed = new ArrayList<>();
        for (TableContract.Column c : contract.rawColumns()) {
            if (!c.sparkType().equals(DataTypes.StringType)) {
                typed.add(when(expr("get_json_object(" + LINE + ", '$." + c.name() + "')").isNotNull(),
                        lit(c.name() + " (" + c.type() + ")")));
            }
        }

        Column eventTime = col("r.event_time");
        Column ingestTime = col("r.ingest_time");
        Column eventDate = col("r.event_date");
        Column eventHour = col("r.event_hour");

        Column reason = when(trim(col(LINE)).equalTo(""), lit(BLANK_LINE))
                .when(notAnObject, lit(MALFORMED_JSON))
                .when(corrupt.isNotNull(), lit(TYPE_MISMATCH))
                .when(anyMissing, lit(MISSING_REQUIRED))
                .when(validTimestamp("r.event_time").unary_$bang(), lit(BAD_EVENT_TIME))
                .when(validTimestamp("r.ingest_time").unary_$bang(), lit(BAD_INGEST_TIME))
                .when(eventDate.rlike(ISO_DATE).unary_$bang().or(expr("try_cast(r.event_date AS DATE)").isNull()),
                        lit(BAD_EVENT_DATE))
                .when(eventHour.lt(0).or(eventHour.gt(23)), lit(BAD_EVENT_HOUR));

        Column message = when(col(REASON).equalTo(MALFORMED_JSON), lit("line is not a JSON object"))
                .when(col(REASON).equalTo(TYPE_MISMATCH),
                        concat(lit("a value has the wrong JSON type for the contract; typed columns present: "),
                                concat_ws(", ", typed.toArray(new Column[0]))))
                .when(col(REASON).equalTo(MISSING_REQUIRED),
                        concat(lit("missing required: "), concat_ws(", ", missing.toArray(new Column[0]))))
                .when(col(REASON).equalTo(BAD_EVENT_TIME),
                        concat(lit("event_time is not an ISO-8601 timestamp: "), coalesce(eventTime, lit("null"))))
                .when(col(REASON).equalTo(BAD_INGEST_TIME),
                        concat(lit("ingest_time is not an ISO-8601 timestamp: "), coalesce(ingestTime, lit("null"))))
                .when(col(REASON).equalTo(BAD_EVENT_DATE),
                        concat(lit("event_date is not a yyyy-MM-dd date: "), coalesce(eventDate, lit("null"))))
                .when(col(REASON).equalTo(BAD_EVENT_HOUR),
                        concat(lit("event_hour is outside 0-23: "), eventHour.cast(DataTypes.StringType)));

        List<Column> out = new ArrayList<>();
        for (TableContract.Column c : contract.rawColumns()) {
            out.add(col("r." + c.name()).as(c.name()));
        }
        out.add(col(SOURCE));
        out.add(col(REASON));
        out.add(message.as(MESSAGE));
        out.add(when(col(REASON).isNotNull(), col(LINE)).as(LINE));
        return withRecord.withColumn(REASON, reason).select(out.toArray(new Column[0]));
    }

    private static Column validTimestamp(String column) {
        return col(column).rlike(ISO_TIMESTAMP).and(expr("try_cast(" + column + " AS TIMESTAMP)").isNotNull());
    }

    /** Rejected rows shaped like the errors zone's records (table contract, section errors), plus the raw object. */
    public static Dataset<Row> rejected(Dataset<Row> rows) {
        return rows
                .filter(col(REASON).isNotNull().and(col(REASON).notEqual(BLANK_LINE)))
                .select(col(REASON).as("reason"), col(MESSAGE).as("message"), col(LINE).as("payload"),
                        lit("utf8").as("payload_encoding"), col("shard_id"), col("sequence_number"), col("ingest_time"),
                        col(SOURCE).as("source_object"));
    }

    /**
     * Ranks the valid rows of each event_id: earliest ingest_time first, then shard_id, then sequence number (numeric order
     * of the decimal string). Row {@code _rank = 1} is kept; the others are duplicates. Rejected rows travel along (each
     * under a key of its own, so they spread evenly) so that one parse, one shuffle and one cache serve the whole run.
     */
    public static Dataset<Row> rankByEarliestArrival(Dataset<Row> classified) {
        Column valid = col(REASON).isNull();
        Column key = when(valid, col("event_id"))
                .otherwise(concat(lit("\u0000"), xxhash64(col(SOURCE), col(LINE)).cast(DataTypes.StringType)));
        WindowSpec byEvent = Window.partitionBy(col("_key"));
        WindowSpec ordered = byEvent.orderBy(col("_ingest_ts").asc(), col("shard_id").asc(),
                length(col("sequence_number")).asc(), col("sequence_number").asc());
        return classified
                .withColumn("_key", key)
                .withColumn("_ingest_ts", when(valid, expr("try_cast(ingest_time AS TIMESTAMP)")))
                .withColumn(RANK, row_number().over(ordered))
                .withColumn(SAME_ARRIVAL, col("_ingest_ts").equalTo(min(col("_ingest_ts")).over(byEvent)))
                .drop("_key");
    }

    /** The kept rows as curated columns (contract order and types) plus the partition columns. */
    public static Dataset<Row> curated(Dataset<Row> ranked, TableContract contract, ArrivalHour arrivalHour) {
        List<Column> out = new ArrayList<>();
        for (TableContract.Column c : contract.curatedColumns()) {
            if (c.sparkType().equals(DataTypes.TimestampType)) {
                out.add(expr("try_cast(" + c.name() + " AS TIMESTAMP)").as(c.name()));
            } else {
                out.add(col(c.name()).cast(c.sparkType()).as(c.name()));
            }
        }
        for (TableContract.Column p : contract.curatedPartitionKeys()) {
            if (p.name().equals(ARRIVAL_HOUR)) {
                out.add(lit(arrivalHour.label()).cast(p.sparkType()).as(ARRIVAL_HOUR));
            } else if (contract.rawColumns().stream().anyMatch(r -> r.name().equals(p.name()))) {
                out.add(col(p.name()).cast(p.sparkType()).as(p.name()));
            } else {
                throw new IllegalStateException("table contract: curated partition key '" + p.name()
                        + "' is neither a raw column nor arrival_hour");
            }
        }
        return ranked.filter(col(REASON).isNull().and(col(RANK).equalTo(1))).select(out.toArray(new Column[0]));
    }
}
