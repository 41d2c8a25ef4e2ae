package io.tributary.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The table contract (events.contract.json, copied into the jar at build time) as the job needs it: the raw zone's
 * columns and required fields, the curated columns and partition keys. The schema is never written down twice.
 */
public final class TableContract {

    /** Classpath location of the contract inside the job jar. */
    public static final String RESOURCE = "contract/events.contract.json";

    /** One column of a contract section. */
    public record Column(String name, String type, boolean required) {

        public DataType sparkType() {
            return sparkType(type, name);
        }

        static DataType sparkType(String type, String column) {
            return switch (type) {
                case "string" -> DataTypes.StringType;
                case "int" -> DataTypes.IntegerType;
                case "long", "bigint" -> DataTypes.LongType;
                case "double" -> DataTypes.DoubleType;
                case "boolean" -> DataTypes.BooleanType;
                case "date" -> DataTypes.DateType;
                case "timestamp" -> DataTypes.TimestampType;
                default -> throw new IllegalStateException(
                        "table contract: column '" + column + "' has unsupported type '" + type + "'");
            };
        }
    }

    private final List<Column> rawColumns;
    private final List<Column> curatedColumns;
    private final List<Column> curatedPartitionKeys;

    private TableContract(List<Column> rawColumns, List<Column> curatedColumns, List<Column> curatedPartitionKeys) {
        this.rawColumns = List.copyOf(rawColumns);
        this.curatedColumns = List.copyOf(curatedColumns);
        this.curatedPartitionKeys = List.copyOf(curatedPartitionKeys);
    }

    /** Loads the contract packaged in the job jar. */
    /** A contract file that replaces the packaged one (tests of schema evolution only). */
    static final String OVERRIDE_PROPERTY = "tributary.contract.file";

    public static TableContract load() {
        String override = System.getProperty(OVERRIDE_PROPERTY);
        if (override != null) {
            try {
                return parse(new ObjectMapper().readTree(new java.io.File(override)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read table contract " + override, e);
            }
        }
        try (InputStream in = TableContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("table contract " + RESOURCE + " is not on the classpath: build the job with "
                        + "'mvn -f glue/pom.xml package', which copies it from src/main/resources/contract/");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read table contract " + RESOURCE, e);
        }
    }

    static TableContract parse(JsonNode root) {
        List<Column> raw = columns(root, "raw", "columns");
        List<Column> curated = columns(root, "curated", "columns");
        List<Column> partitions = columns(root, "curated", "partition_keys");
        for (Column c : curated) {
            if (raw.stream().noneMatch(r -> r.name().equals(c.name()))) {
                throw new IllegalStateException("table contract: curated column '" + c.name() + "' is not a raw column");
            }
        }
        return new TableContract(raw, curated, partitions);
    }

    private static List<Column> columns(JsonNode root, String section, String list) {
        JsonNode nodes = root.path(section).path(list);
        if (!nodes.isArray() || nodes.isEmpty()) {
            throw new IllegalStateException("table contract: " + section + "." + list + " is missing or empty");
        }
        List<Column> columns = new ArrayList<>();
        for (JsonNode n : nodes) {
            String name = n.path("name").asText("");
            String type = n.path("type").asText("");
            if (name.isEmpty() || type.isEmpty()) {
                throw new IllegalStateException("table contract: " + section + "." + list + " has a column without name or type");
            }
            Column.sparkType(type, name);
            columns.add(new Column(name, type, n.path("required").asBoolean(false)));
        }
        return columns;
    }

    public List<Column> rawColumns() {
        return rawColumns;
    }

    public List<Column> requiredRawColumns() {
        return rawColumns.stream().filter(Column::required).toList();
    }

    public List<Column> curatedColumns() {
        return curatedColumns;
    }

    public List<Column> curatedPartitionKeys() {
        return curatedPartitionKeys;
    }

    /** The schema used to parse one raw NDJSON line, plus the corrupt-record column PERMISSIVE mode fills. */
    public StructType rawSchema(String corruptRecordColumn) {
        List<StructField> fields = new ArrayList<>();
        for (Column c : rawColumns) {
            fields.add(DataTypes.createStructField(c.name(), c.sparkType(), true));
        }
        fields.add(DataTypes.createStructField(corruptRecordColumn, DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }
}
