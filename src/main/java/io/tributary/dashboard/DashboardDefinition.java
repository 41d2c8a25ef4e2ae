package io.tributary.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dashboard definition ({@code dashboard/definition.json}): the datasets and visuals that the local page and the
 * QuickSight analysis (Terraform) both read. Checked when loaded, so a bad edit fails the start with a message naming it.
 */
public final class DashboardDefinition {

    public static final String RESOURCE = "dashboard/definition.json";

    /** QuickSight's input column types, the only types a column may have. */
    static final Set<String> COLUMN_TYPES = Set.of("STRING", "INTEGER", "DECIMAL", "DATETIME", "BIT", "BOOLEAN", "JSON");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public record Column(String name, String type) {
    }

    public record Dataset(String id, String title, String sql, String timeColumn, List<Column> columns) {
    }

    private final JsonNode json;
    private final Map<String, Dataset> datasets;

    private DashboardDefinition(JsonNode json, Map<String, Dataset> datasets) {
        this.json = json;
        this.datasets = datasets;
    }

    /** Reads and checks the definition from the classpath. */
    public static DashboardDefinition load(ObjectMapper mapper) {
        try (InputStream in = DashboardDefinition.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(mapper.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    static DashboardDefinition parse(JsonNode root) {
        if (root == null || root.path("version").asInt() != 1) {
            throw invalid("'version' must be 1");
        }
        Map<String, Dataset> datasets = new HashMap<>();
        for (JsonNode d : root.path("datasets")) {
            String id = identifier(d, "id", "a dataset");
            if (!"redshift".equals(d.path("source").asText())) {
                throw invalid("dataset " + id + ": 'source' must be \"redshift\"");
            }
            String sql = d.path("sql").asText("");
            if (!sql.regionMatches(true, 0, "SELECT ", 0, 7) || sql.contains(";") || sql.contains("?")) {
                throw invalid("dataset " + id + ": 'sql' must be one SELECT without ';' or parameters");
            }
            List<Column> columns = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (JsonNode c : d.path("columns")) {
                String name = identifier(c, "name", "a column of dataset " + id);
                String type = c.path("type").asText();
                if (!COLUMN_TYPES.contains(type)) {
                    throw invalid("dataset " + id + ", column " + name + ": type '" + type + "' is not one of " + COLUMN_TYPES);
                }
                if (!names.add(name)) {
                    throw invalid("dataset " + id + ": column " + name + " twice");
                }
                columns.add(new Column(name, type));
            }
            String time = identifier(d, "time_column", "dataset " + id);
            if (!names.contains(time)) {
                throw invalid("dataset " + id + ": time_column " + time + " is not one of its columns");
            }
            if (datasets.put(id, new Dataset(id, d.path("title").asText(id), sql, time, List.copyOf(columns))) != null) {
                throw invalid("dataset " + id + " twice");
            }
        }
        if (datasets.isEmpty()) {
            throw invalid("no datasets");
        }
        for (JsonNode v : root.path("visuals")) {
            String id = identifier(v, "id", "a visual");
            Dataset d = datasets.get(v.path("dataset").asText());
            if (d == null) {
                throw invalid("visual " + id + ": dataset '" + v.path("dataset").asText() + "' is not defined");
            }
            for (String field : List.of("x", "y", "series", "split")) {
                if (v.hasNonNull(field) && d.columns().stream().noneMatch(c -> c.name().equals(v.get(field).asText()))) {
                    throw invalid("visual " + id + ": " + field + " '" + v.get(field).asText() + "' is not a column of " + d.id());
                }
            }
        }
        return new DashboardDefinition(root, Map.copyOf(datasets));
    }

    public JsonNode json() {
        return json;
    }

    public Dataset dataset(String id) {
        return datasets.get(id);
    }

    /**
     * The dataset's SQL restricted to a time window: the definition's SQL stays plain (QuickSight runs it as custom SQL)
     * and the window is one bound parameter. The time column is an identifier checked at load, never request data.
     */
    static String windowed(Dataset d) {
        return "SELECT * FROM (" + d.sql() + ") d WHERE " + d.timeColumn() + " >= ? ORDER BY " + d.timeColumn();
    }

    private static String identifier(JsonNode node, String field, String what) {
        String value = node.path(field).asText("");
        if (!IDENTIFIER.matcher(value).matches()) {
            throw invalid(what + ": '" + field + "' must be a lower-case identifier, not '" + value + "'");
        }
        return value;
    }

    private static IllegalStateException invalid(String message) {
        return new IllegalStateException(RESOURCE + ": " + message);
    }
}
