package io.tributary.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.duckdb.DuckDBConnection;
import org.jboss.logging.Logger;

/**
 * The Athena stand-in: the Athena JSON 1.1 API the AWS SDK speaks (StartQueryExecution, GetQueryExecution,
 * GetQueryResults with NextToken/MaxResults, StopQueryExecution) on 127.0.0.1, running each query asynchronously on
 * DuckDB over the curated Parquet files in the S3 stand-in's directory. The Glue catalog table of each registered
 * database is a DuckDB view whose columns and partition keys come from the table contract. Translations: {@link AthenaDialect}.
 */
public final class AthenaStandIn implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AthenaStandIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTRACT = "contract/events.contract.json";
    static final int MAX_RESULTS = 1000;

    enum State { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    /** One query execution; fields written by the worker are volatile and published by the state write. */
    static final class Execution {
        final String id = UUID.randomUUID().toString();
        final String query;
        final String database;
        final String workgroup;
        final String outputLocation;
        final Instant submitted = Instant.now();
        volatile Instant completed;
        volatile State state = State.QUEUED;
        volatile String reason;
        volatile Statement statement;
        volatile List<String[]> columns = List.of(); // {name, athena type}
        volatile List<String[]> rows = List.of();    // the header row first, as Athena returns it
        volatile long engineMillis;

        Execution(String query, String database, String workgroup, String outputLocation) {
            this.query = query;
            this.database = database;
            this.workgroup = workgroup;
            this.outputLocation = outputLocation;
        }

        boolean done() {
            return state == State.SUCCEEDED || state == State.FAILED || state == State.CANCELLED;
        }
    }

    /** Where a database's events table reads its Parquet files. */
    record Location(Path basedir, String bucket, String prefix) {
        Path dir() {
            return basedir.resolve(bucket).resolve(prefix);
        }
    }

    private final HttpServer http;
    private final DuckDBConnection duckdb;
    private final ExecutorService workers;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Map<String, String> byClientToken = new ConcurrentHashMap<>();
    private final Map<String, Location> databases = new ConcurrentHashMap<>();
    /** Workgroups whose configuration is enforced: their result location overrides the client's (Terraform's workgroup). */
    private final Map<String, String> enforcedOutput = new ConcurrentHashMap<>();
    /** The S3 stand-in's directory: when set, result files are written there as Athena writes them to S3. */
    private volatile Path resultsBasedir;

    private AthenaStandIn(HttpServer http, DuckDBConnection duckdb, ExecutorService workers) {
        this.http = http;
        this.duckdb = duckdb;
        this.workers = workers;
    }

    /** Starts the stand-in on a free port of 127.0.0.1, stopped at JVM exit. */
    public static AthenaStandIn start() {
        try {
            DuckDBConnection duckdb = (DuckDBConnection) duckdb();
            try (Statement s = duckdb.createStatement()) {
                for (AthenaDialect.Macro m : AthenaDialect.MACROS) {
                    s.execute(m.ddl());
                }
            }
            HttpServer http = StandInHttp.loopback();
            ExecutorService workers = Executors.newFixedThreadPool(2, StandInHttp.daemon("athena-stand-in-query"));
            AthenaStandIn standIn = new AthenaStandIn(http, duckdb, workers);
            StandInHttp.serve(http, "athena-stand-in-http", standIn::handle);
            Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "athena-stand-in-stop"));
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Athena stand-in on 127.0.0.1", e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open DuckDB for the Athena stand-in", e);
        }
    }

    /**
     * A new in-memory DuckDB, offline: no extension downloads (the JDBC build has parquet, json and icu built in). The
     * driver is called directly: after a {@code @QuarkusTest} in the same JVM, DriverManager no longer sees drivers of the
     * test class loader ("No suitable driver found for jdbc:duckdb:").
     */
    public static Connection duckdb() throws SQLException {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        return new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", p);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /**
     * Registers a Glue catalog database whose {@code events} table reads
     * {@code <basedir>/<bucket>/<prefix>/**}{@code /*.parquet} with hive partitioning (the curated layout).
     */
    public void defineDatabase(String database, Path basedir, String bucket, String prefix) {
        if (!database.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("Glue database names here are lower-case identifiers: " + database);
        }
        databases.put(database, new Location(basedir, bucket, prefix));
        refresh(database);
    }

    /**
     * Writes each successful query's result files into the S3 stand-in's directory ({@code <basedir>/<bucket>/<key>}), as
     * Athena does: {@code <location>/<id>.csv} and its {@code <id>.csv.metadata} beside it ("Find query output files in
     * Amazon S3", https://docs.aws.amazon.com/athena/latest/ug/querying-finding-output-files.html). A reader that loads
     * by prefix (Redshift COPY) meets the metadata file too, as on AWS. Locations in a bucket the stand-in has no
     * directory for are not written (the older tests' default location).
     */
    public void writeResultFilesUnder(Path basedir) {
        this.resultsBasedir = basedir;
    }

    /** A workgroup with enforce_workgroup_configuration: its result location replaces the client's (Terraform's athena module). */
    public void enforceWorkgroupOutput(String workgroup, String outputLocation) {
        enforcedOutput.put(workgroup, outputLocation);
    }

    /**
     * (Re)defines a database's events view over the curated Iceberg table's CURRENT snapshot: Iceberg's library plans the
     * snapshot's data files and DuckDB reads exactly those (a file written by a later commit, or one a later commit
     * replaced, is not read). Delete files are refused: the job writes copy-on-write, so a table with them was not written
     * by it. No table yet: an empty relation with the contract's columns.
     */
    private synchronized void refresh(String database) {
        Location loc = databases.get(database);
        String table = quote(database) + "." + quote(contract().path("table").asText());
        String body;
        if (!LocalIceberg.exists(loc.dir())) {
            List<String> empty = new ArrayList<>();
            JsonNode curated = contract().path("curated");
            for (JsonNode c : curated.path("columns")) {
                empty.add("CAST(NULL AS " + AthenaDialect.duckdbType(c.path("type").asText()) + ") AS " + quote(c.path("name").asText()));
            }
            for (JsonNode k : curated.path("partition_keys")) {
                empty.add("CAST(NULL AS " + AthenaDialect.duckdbType(k.path("type").asText()) + ") AS " + quote(k.path("name").asText()));
            }
            // Athena answers an empty table with no rows; read_parquet would fail on no files
            body = "SELECT " + String.join(", ", empty) + " WHERE false";
        } else {
            LocalIceberg.Snapshot snapshot = LocalIceberg.plan(loc.basedir(), loc.dir());
            List<String> select = new ArrayList<>();
            List<String> typedNulls = new ArrayList<>();
            for (org.apache.iceberg.types.Types.NestedField f : snapshot.schema().columns()) {
                String type = duckdbType(f.type());
                select.add("CAST(" + quote(f.name()) + " AS " + type + ") AS " + quote(f.name()));
                typedNulls.add("CAST(NULL AS " + type + ") AS " + quote(f.name()));
            }
            for (LocalIceberg.PlannedFile f : snapshot.files()) {
                if (f.deletes() > 0) {
                    throw new AthenaTranslator.Refusal("NOT_SUPPORTED", "the Athena stand-in does not support Iceberg delete files ("
                            + f.deletes() + " apply to " + f.path().getFileName() + " in " + table
                            + "); the curated table is written copy-on-write, which never creates them");
                }
            }
            String empty = "SELECT " + String.join(", ", typedNulls) + " WHERE false";
            if (snapshot.files().isEmpty()) {
                body = empty;
            } else {
                String files = LocalIceberg.sqlFileList(snapshot.files().stream().map(LocalIceberg.PlannedFile::path).toList());
                // UNION ALL BY NAME: a column added after a file was written reads as NULL from that file, as Iceberg does
                body = "SELECT " + String.join(", ", select) + " FROM (SELECT * FROM read_parquet([" + files
                        + "], union_by_name = true) UNION ALL BY NAME " + empty + ")";
            }
        }
        try (Statement s = duckdb.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(database));
            s.execute("CREATE OR REPLACE VIEW " + table + " AS " + body);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot define " + table + " in the Athena stand-in: " + e.getMessage(), e);
        }
    }

    /** DuckDB type of an Iceberg column; a timestamp with zone reads as UTC wall-clock time, as the contract's timestamps do. */
    static String duckdbType(org.apache.iceberg.types.Type type) {
        return switch (type.typeId()) {
            case STRING -> "VARCHAR";
            case INTEGER -> "INTEGER";
            case LONG -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case FLOAT -> "FLOAT";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
            default -> throw new AthenaTranslator.Refusal("NOT_SUPPORTED", "the Athena stand-in does not support Iceberg type " + type);
        };
    }

    /** Runs between the snapshot planning of a query and its execution (tests commit a snapshot there). */
    volatile Runnable afterPlanning = () -> { };

    /** The columns of each Glue table, as Trino resolves names against them. */
    private static Map<String, List<String>> tables() {
        JsonNode curated = contract().path("curated");
        List<String> columns = new ArrayList<>();
        curated.path("columns").forEach(c -> columns.add(c.path("name").asText()));
        curated.path("partition_keys").forEach(k -> columns.add(k.path("name").asText()));
        return Map.of(contract().path("table").asText(), columns);
    }

    static JsonNode contract() {
        try (InputStream in = AthenaStandIn.class.getClassLoader().getResourceAsStream(CONTRACT)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CONTRACT, e);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    // ---- the JSON 1.1 protocol ----

    private static final class ApiError extends RuntimeException {
        final String type;
        final int status;

        ApiError(String type, int status, String message) {
            super(message);
            this.type = type;
            this.status = status;
        }
    }

    static ApiError invalid(String message) {
        return new ApiError("InvalidRequestException", 400, message);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ObjectNode response;
            try {
                if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith("AmazonAthena.")) {
                    throw new ApiError("UnknownOperationException", 400, "expected POST with X-Amz-Target: AmazonAthena.<Operation>");
                }
                response = switch (target.substring("AmazonAthena.".length())) {
                    case "StartQueryExecution" -> startQueryExecution(request);
                    case "GetQueryExecution" -> getQueryExecution(request);
                    case "GetQueryResults" -> getQueryResults(request);
                    case "StopQueryExecution" -> stopQueryExecution(request);
                    default -> throw new ApiError("UnknownOperationException", 400, "the Athena stand-in does not implement " + target);
                };
                StandInHttp.send(exchange, 200, StandInHttp.AWS_JSON, response, null);
            } catch (ApiError e) {
                ObjectNode error = JSON.createObjectNode().put("__type", e.type).put("Message", e.getMessage());
                if (e.type.equals("InvalidRequestException")) {
                    error.put("AthenaErrorCode", "INVALID_INPUT");
                }
                StandInHttp.send(exchange, e.status, StandInHttp.AWS_JSON, error, e.type);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Athena stand-in: %s failed", target);
                StandInHttp.send(exchange, 500, StandInHttp.AWS_JSON, JSON.createObjectNode().put("__type", "InternalServerException").put("Message", String.valueOf(e)),
                        "InternalServerException");
            }
        }
    }


    private ObjectNode startQueryExecution(JsonNode request) {
        String query = request.path("QueryString").asText("");
        if (query.isBlank()) {
            throw invalid("QueryString must not be empty");
        }
        String token = request.path("ClientRequestToken").asText(null);
        if (token != null) {
            String existing = byClientToken.get(token);
            if (existing != null) {
                if (!executions.get(existing).query.equals(query)) {
                    throw invalid("Idempotent parameters do not match");
                }
                return JSON.createObjectNode().put("QueryExecutionId", existing);
            }
        }
        String database = request.path("QueryExecutionContext").path("Database").asText("default").toLowerCase(Locale.ROOT);
        String workgroup = request.path("WorkGroup").asText("primary");
        String output = enforcedOutput.getOrDefault(workgroup,
                request.path("ResultConfiguration").path("OutputLocation").asText("s3://athena-stand-in-results/"));
        if (request.has("ExecutionParameters")) {
            List<String> parameters = new ArrayList<>();
            request.get("ExecutionParameters").forEach(v -> parameters.add(v.asText()));
            query = bindExecutionParameters(query, parameters);
        }
        Execution e = new Execution(query, database, workgroup, output);
        executions.put(e.id, e);
        if (token != null) {
            byClientToken.put(token, e.id);
        }
        workers.submit(() -> run(e));
        return JSON.createObjectNode().put("QueryExecutionId", e.id);
    }

    private void run(Execution e) {
        synchronized (e) {
            if (e.state != State.QUEUED) {
                return; // stopped while queued
            }
            e.state = State.RUNNING;
        }
        long start = System.nanoTime();
        try (Connection c = duckdb.duplicate(); Statement s = c.createStatement()) {
            for (String db : databases.keySet()) {
                // the current snapshot of each table the query may read (its database, any other it names), planned once
                if (db.equals(e.database) || e.query.toLowerCase(java.util.Locale.ROOT).contains(db)) {
                    refresh(db);
                }
            }
            afterPlanning.run();
            for (AthenaDialect.Setting setting : AthenaDialect.SESSION) {
                s.execute(String.format(setting.sql(), e.database.replace("'", "''")));
            }
            e.statement = s;
            if (e.state == State.CANCELLED) {
                return;
            }
            if (s.execute(AthenaDialect.translate(e.query, tables()))) {
                try (ResultSet r = s.getResultSet()) {
                    read(e, r);
                }
            }
            writeResultFiles(e);
            finish(e, State.SUCCEEDED, null, start);
        } catch (AthenaTranslator.Refusal refusal) {
            finish(e, State.FAILED, refusal.getMessage(), start);
        } catch (SQLException | RuntimeException ex) {
            finish(e, State.FAILED, AthenaDialect.athenaError(ex.getMessage()), start);
        } catch (IOException ex) {
            finish(e, State.FAILED, "Error writing the query result to " + e.outputLocation + ": " + ex.getMessage(), start);
        }
    }

    /**
     * Athena's execution parameters: each {@code ?} of the query (outside string literals, quoted identifiers and comments)
     * is replaced, in order, by the next value as written (a varchar is passed quoted, e.g. {@code '2024-01-15-10'}).
     * "The values are applied sequentially to the parameters in the query in the order in which the parameters occur"
     * (StartQueryExecution, ExecutionParameters: https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html);
     * a count that does not match is refused, as Athena refuses it.
     */
    static String bindExecutionParameters(String query, List<String> parameters) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < query.length()) {
                    if (query.charAt(end) == c) {
                        if (end + 1 < query.length() && query.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                out.append(query, i, Math.min(query.length(), end + 1));
                i = end;
            } else if (c == '-' && i + 1 < query.length() && query.charAt(i + 1) == '-') {
                int end = query.indexOf('\n', i);
                end = end < 0 ? query.length() : end;
                out.append(query, i, end);
                i = end - 1;
            } else if (c == '?') {
                if (next >= parameters.size()) {
                    throw invalid("Query has more parameters (?) than the " + parameters.size() + " execution parameters given");
                }
                out.append(parameters.get(next++));
            } else {
                out.append(c);
            }
        }
        if (next != parameters.size()) {
            throw invalid(parameters.size() + " execution parameters given for a query with " + next + " parameters (?)");
        }
        return out.toString();
    }

    /** The result CSV as Athena writes it: a header, every value in double quotes ("" inside), NULL as an empty field. */
    static String resultCsv(List<String[]> rows) {
        StringBuilder csv = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    csv.append(',');
                }
                if (row[i] != null) {
                    csv.append('"').append(row[i].replace("\"", "\"\"")).append('"');
                }
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    private void writeResultFiles(Execution e) throws IOException {
        Path basedir = resultsBasedir;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("s3://([^/]+)/?(.*)").matcher(e.outputLocation);
        if (basedir == null || !m.matches() || !Files.isDirectory(basedir.resolve(m.group(1)))) {
            return;
        }
        String prefix = m.group(2).isEmpty() || m.group(2).endsWith("/") ? m.group(2) : m.group(2) + "/";
        Path csv = basedir.resolve(m.group(1)).resolve(prefix + e.id + ".csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, resultCsv(e.rows), StandardCharsets.UTF_8);
        // Athena's metadata file is protobuf (the result's column names and types, for GetQueryResults): one
        // length-delimited entry per column, each starting with the tag byte 0x0A, a newline to a CSV reader. This one is
        // shaped the same way, so a reader that loads the whole prefix meets what it would meet on AWS
        StringBuilder meta = new StringBuilder("\u0008\u0001");
        e.columns.forEach(col -> meta.append('\n').append((char) Math.min(127, col[0].length() + col[1].length() + 4))
                .append('\n').append((char) col[0].length()).append(col[0]).append('\u0012').append((char) col[1].length()).append(col[1]));
        Files.write(basedir.resolve(m.group(1)).resolve(prefix + e.id + ".csv.metadata"), meta.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void read(Execution e, ResultSet r) throws SQLException {
        ResultSetMetaData md = r.getMetaData();
        int n = md.getColumnCount();
        List<String[]> columns = new ArrayList<>(n);
        String[] header = new String[n];
        for (int i = 1; i <= n; i++) {
            header[i - 1] = md.getColumnLabel(i);
            columns.add(new String[] {md.getColumnLabel(i), AthenaDialect.athenaType(md.getColumnTypeName(i))});
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        while (r.next()) {
            String[] row = new String[n];
            for (int i = 1; i <= n; i++) {
                String type = columns.get(i - 1)[1];
                // LocalDateTime for a plain timestamp: a java.sql.Timestamp would shift with the JVM's time zone
                row[i - 1] = type.equals("timestamp") ? renderTimestamp(r.getObject(i, java.time.LocalDateTime.class))
                        : type.startsWith("timestamp") ? renderTimestamp(r.getObject(i)) : AthenaDialect.athenaText(type, r, i);
            }
            rows.add(row);
        }
        e.columns = columns;
        e.rows = rows;
    }

    private static final java.time.format.DateTimeFormatter MILLIS = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** Athena renders timestamps with milliseconds, and a zoned one in UTC with ' UTC'. */
    static String renderTimestamp(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof java.time.OffsetDateTime t) {
            return MILLIS.format(t.atZoneSameInstant(java.time.ZoneOffset.UTC)) + " UTC";
        }
        if (value instanceof java.time.LocalDateTime t) {
            return MILLIS.format(t);
        }
        if (value instanceof java.sql.Timestamp t) {
            return MILLIS.format(t.toLocalDateTime());
        }
        return value.toString();
    }

    private static void finish(Execution e, State state, String reason, long startNanos) {
        synchronized (e) {
            e.statement = null;
            if (e.state == State.CANCELLED) {
                return;
            }
            e.engineMillis = (System.nanoTime() - startNanos) / 1_000_000;
            e.reason = reason;
            e.completed = Instant.now();
            e.state = state;
        }
    }

    private Execution execution(JsonNode request) {
        String id = request.path("QueryExecutionId").asText("");
        Execution e = executions.get(id);
        if (e == null) {
            throw invalid("QueryExecution " + id + " was not found");
        }
        return e;
    }

    private ObjectNode getQueryExecution(JsonNode request) {
        Execution e = execution(request);
        ObjectNode qe = JSON.createObjectNode();
        qe.put("QueryExecutionId", e.id).put("Query", e.query).put("StatementType", statementType(e.query))
                .put("WorkGroup", e.workgroup);
        qe.putObject("ResultConfiguration").put("OutputLocation", (e.outputLocation.endsWith("/") ? e.outputLocation : e.outputLocation + "/") + e.id + ".csv");
        qe.putObject("QueryExecutionContext").put("Database", e.database).put("Catalog", "AwsDataCatalog");
        ObjectNode status = qe.putObject("Status");
        State state = e.state;
        status.put("State", state.name()).put("SubmissionDateTime", epochSeconds(e.submitted));
        if (e.completed != null) {
            status.put("CompletionDateTime", epochSeconds(e.completed));
        }
        if (e.reason != null) {
            status.put("StateChangeReason", e.reason);
            if (state == State.FAILED) {
                status.putObject("AthenaError").put("ErrorCategory", 2).put("ErrorType", 1006).put("Retryable", false)
                        .put("ErrorMessage", e.reason);
            }
        }
        qe.putObject("Statistics").put("EngineExecutionTimeInMillis", e.engineMillis)
                .put("TotalExecutionTimeInMillis", e.engineMillis).put("QueryQueueTimeInMillis", 0).put("DataScannedInBytes", 0);
        ObjectNode out = JSON.createObjectNode();
        out.set("QueryExecution", qe);
        return out;
    }

    private static double epochSeconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    private static String statementType(String query) {
        String q = query.stripLeading().toUpperCase(Locale.ROOT);
        if (q.startsWith("SELECT") || q.startsWith("WITH") || q.startsWith("INSERT") || q.startsWith("(")) {
            return "DML";
        }
        if (q.startsWith("CREATE") || q.startsWith("DROP") || q.startsWith("ALTER") || q.startsWith("MSCK")) {
            return "DDL";
        }
        return "UTILITY";
    }

    private ObjectNode getQueryResults(JsonNode request) {
        Execution e = execution(request);
        int max = request.path("MaxResults").asInt(MAX_RESULTS);
        if (max < 1 || max > MAX_RESULTS) {
            throw invalid("MaxResults must be between 1 and " + MAX_RESULTS + ", not " + max);
        }
        State state = e.state;
        if (state == State.QUEUED || state == State.RUNNING) {
            throw invalid("Query has not yet finished. Current state: " + state);
        }
        if (state != State.SUCCEEDED) {
            throw invalid("Query did not finish successfully. Final query state: " + state
                    + (e.reason == null ? "" : "\n" + e.reason));
        }
        int offset = 0;
        String token = request.path("NextToken").asText(null);
        if (token != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
                if (!parts[0].equals(e.id)) {
                    throw invalid("NextToken is not of query " + e.id);
                }
                offset = Integer.parseInt(parts[1]);
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException bad) {
                throw invalid("NextToken is invalid");
            }
        }
        List<String[]> rows = e.rows;
        int end = Math.min(rows.size(), offset + max);
        ObjectNode out = JSON.createObjectNode().put("UpdateCount", 0);
        ObjectNode resultSet = out.putObject("ResultSet");
        ArrayNode rowsJson = resultSet.putArray("Rows");
        for (String[] row : rows.subList(Math.min(offset, rows.size()), end)) {
            ArrayNode data = rowsJson.addObject().putArray("Data");
            for (String v : row) {
                ObjectNode datum = data.addObject();
                if (v != null) {
                    datum.put("VarCharValue", v);
                }
            }
        }
        ArrayNode columns = resultSet.putObject("ResultSetMetadata").putArray("ColumnInfo");
        for (String[] c : e.columns) {
            columns.addObject().put("CatalogName", "hive").put("SchemaName", "").put("TableName", "")
                    .put("Name", c[0]).put("Label", c[0]).put("Type", c[1]).put("Precision", 0).put("Scale", 0)
                    .put("Nullable", "UNKNOWN").put("CaseSensitive", c[1].equals("varchar"));
        }
        if (end < rows.size()) {
            out.put("NextToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((e.id + ":" + end).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private ObjectNode stopQueryExecution(JsonNode request) {
        Execution e = execution(request);
        Statement running;
        synchronized (e) {
            if (e.done()) {
                return JSON.createObjectNode();
            }
            e.reason = "Query cancelled by user";
            e.completed = Instant.now();
            e.state = State.CANCELLED;
            running = e.statement;
        }
        if (running != null) {
            try {
                running.cancel();
            } catch (SQLException ex) {
                LOG.debugf(ex, "Athena stand-in: cancelling %s", e.id);
            }
        }
        return JSON.createObjectNode();
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
        try {
            duckdb.close();
        } catch (SQLException e) {
            LOG.debugf(e, "Athena stand-in: closing DuckDB");
        }
    }
}
