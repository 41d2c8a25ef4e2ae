package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.jboss.logging.Logger;

/**
 * The Redshift Data API on the Redshift stand-in (test scope): the JSON 1.1 protocol the AWS SDK speaks
 * ({@code X-Amz-Target: RedshiftData.BatchExecuteStatement | ExecuteStatement | DescribeStatement}) on 127.0.0.1.
 * Statements run on {@link RedshiftStandIn} through the Redshift JDBC driver, logged in as the user the request's secret
 * names, asynchronously; a batch runs "serially as a single transaction" and any failure rolls the whole batch back
 * (BatchExecuteStatement, https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_BatchExecuteStatement.html;
 * statuses and sub-statements: API_DescribeStatement.html).
 *
 * <p>What Redshift has and PostgreSQL lacks is translated, and only what the project's load uses; anything else of the
 * kind is refused with a clear error rather than run differently:
 * <ul>
 * <li>{@code SYSDATE}: the start of the current transaction, TIMESTAMP in UTC ("SYSDATE returns the start date and time
 *     for the current transaction, not for the start of the current statement",
 *     https://docs.aws.amazon.com/redshift/latest/dg/r_SYSDATE.html); {@code GETDATE()}: the start of the current
 *     statement, to the second (https://docs.aws.amazon.com/redshift/latest/dg/r_GETDATE.html).</li>
 * <li>{@code DATEADD(hour|minute, n, expr)} (https://docs.aws.amazon.com/redshift/latest/dg/r_DATEADD_function.html);
 *     other date parts are refused.</li>
 * <li>{@code COPY table FROM 's3://bucket/path' IAM_ROLE … FORMAT AS CSV [IGNOREHEADER n] [EMPTYASNULL] [MANIFEST]},
 *     read from the S3 stand-in's files. Without MANIFEST the path is an object PREFIX: every object whose key begins
 *     with it is loaded ("COPY <table_name> FROM 's3://<bucket_name>/<object_prefix>'",
 *     https://docs.aws.amazon.com/redshift/latest/dg/t_loading-tables-from-s3.html); with MANIFEST the file lists the
 *     objects to load ({"entries":[{"url":…,"mandatory":true}]},
 *     https://docs.aws.amazon.com/redshift/latest/dg/loading-data-files-using-manifest.html). CSV as Redshift reads it:
 *     IGNOREHEADER skips that many lines of each file; an empty field loads NULL into a non-character column, and into a
 *     CHAR/VARCHAR column only with EMPTYASNULL ("Empty fields for other data types, such as INT, are always loaded
 *     with NULL", https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-conversion.html). A row with
 *     more or fewer fields than the table has columns fails the COPY (Redshift: "Extra column(s) found" / "Delimiter not
 *     found"). An authorization parameter is required, as in Redshift; every other COPY option is refused.</li>
 * </ul>
 * Every call is recorded ({@link #calls}) as the IAM action and resource the Data API authorizes.
 */
public final class RedshiftDataApiStandIn implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedshiftDataApiStandIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded call: the IAM action and the resource it names. */
    public record Call(String action, String resource) {
    }

    /** A statement or batch and its sub-statements, as DescribeStatement reports them. */
    static final class Run {
        final String id = UUID.randomUUID().toString();
        final List<String> sqls;
        final boolean batch;
        final String database;
        final String workgroup;
        final String secretArn;
        final Instant created = Instant.now();
        volatile Instant updated = created;
        volatile String status = "SUBMITTED";
        volatile String error;
        final String[] subStatus;
        final String[] subError;
        final long[] subRows;

        Run(List<String> sqls, boolean batch, String database, String workgroup, String secretArn) {
            this.sqls = sqls;
            this.batch = batch;
            this.database = database;
            this.workgroup = workgroup;
            this.secretArn = secretArn;
            this.subStatus = new String[sqls.size()];
            this.subError = new String[sqls.size()];
            this.subRows = new long[sqls.size()];
            java.util.Arrays.fill(subStatus, "SUBMITTED");
        }
    }

    private static final class ApiError extends RuntimeException {
        final String type;

        ApiError(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    /** Redshift's error for a statement, as the Data API reports it in Error. */
    static final class RedshiftError extends RuntimeException {
        RedshiftError(String message) {
            super(message);
        }
    }

    private final HttpServer http;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "redshift-data-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final String workgroup;
    private final String workgroupArn;
    private final Map<String, String> databases;
    private final Map<String, String> secretUsers;
    private final Path s3Basedir;

    private RedshiftDataApiStandIn(HttpServer http, String workgroup, String workgroupArn, Map<String, String> databases,
                                   Map<String, String> secretUsers, Path s3Basedir) {
        this.http = http;
        this.workgroup = workgroup;
        this.workgroupArn = workgroupArn;
        this.databases = Map.copyOf(databases);
        this.secretUsers = Map.copyOf(secretUsers);
        this.s3Basedir = s3Basedir;
    }

    /**
     * Starts the stand-in for one Redshift Serverless workgroup: {@code databases} maps the database names requests use
     * (Terraform's) to the stand-in's databases, {@code secretUsers} each secret ARN to the user name the secret holds;
     * COPY reads objects from {@code s3Basedir} (the S3 stand-in's directory).
     */
    public static RedshiftDataApiStandIn start(String workgroup, String workgroupArn, Map<String, String> databases,
                                               Map<String, String> secretUsers, Path s3Basedir) {
        try {
            HttpServer http = StandInHttp.loopback();
            RedshiftDataApiStandIn standIn = new RedshiftDataApiStandIn(http, workgroup, workgroupArn, databases, secretUsers, s3Basedir);
            StandInHttp.serve(http, "redshift-data-stand-in-http", standIn::handle);
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Redshift Data API stand-in on 127.0.0.1", e);
        }
    }

    public String endpoint() {
        return StandInHttp.endpoint(http);
    }

    /** Every call so far, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
    }

    // ---- the JSON 1.1 protocol ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            try {
                if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith("RedshiftData.")) {
                    throw new ApiError("UnknownOperationException", "expected POST with X-Amz-Target: RedshiftData.<Operation>");
                }
                JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
                ObjectNode response = switch (target.substring("RedshiftData.".length())) {
                    case "BatchExecuteStatement" -> submit(request, true);
                    case "ExecuteStatement" -> submit(request, false);
                    case "DescribeStatement" -> describe(request);
                    default -> throw new ApiError("UnknownOperationException", "the Redshift Data API stand-in does not implement " + target);
                };
                StandInHttp.send(exchange, 200, StandInHttp.AWS_JSON, response, null);
            } catch (ApiError e) {
                StandInHttp.send(exchange, 400, StandInHttp.AWS_JSON, JSON.createObjectNode().put("__type", e.type).put("Message", e.getMessage()), e.type);
            } catch (RuntimeException e) {
                LOG.error("Redshift Data API stand-in request failed", e);
                StandInHttp.send(exchange, 500, StandInHttp.AWS_JSON, JSON.createObjectNode().put("__type", "InternalServerException").put("Message", String.valueOf(e)),
                        "InternalServerException");
            }
        }
    }

    private ObjectNode submit(JsonNode request, boolean batch) {
        String wg = request.path("WorkgroupName").asText("");
        if (request.has("ClusterIdentifier") || wg.isEmpty()) {
            throw new ApiError("ValidationException", "this stand-in is the Redshift Serverless workgroup " + workgroup + ": pass WorkgroupName");
        }
        calls.add(new Call(batch ? "redshift-data:BatchExecuteStatement" : "redshift-data:ExecuteStatement", workgroupArn));
        if (!workgroup.equals(wg)) {
            throw new ApiError("ResourceNotFoundException", "Workgroup " + wg + " not found");
        }
        String secretArn = request.path("SecretArn").asText("");
        if (secretArn.isEmpty()) {
            throw new ApiError("ValidationException", "this stand-in authenticates with SecretArn only (no DbUser, no temporary credentials)");
        }
        String database = request.path("Database").asText("");
        if (database.isEmpty()) {
            throw new ApiError("ValidationException", "Database is required when authenticating with a secret");
        }
        List<String> sqls = new ArrayList<>();
        if (batch) {
            request.path("Sqls").forEach(s -> sqls.add(s.asText()));
            if (sqls.isEmpty() || sqls.size() > 40) {
                throw new ApiError("ValidationException", "Sqls must hold 1 to 40 statements, not " + sqls.size());
            }
        } else {
            sqls.add(request.path("Sql").asText(""));
        }
        if (request.has("Parameters")) {
            throw new ApiError("ValidationException", "the stand-in does not implement statement Parameters");
        }
        Run run = new Run(List.copyOf(sqls), batch, database, wg, secretArn);
        runs.put(run.id, run);
        workers.submit(() -> execute(run));
        ObjectNode out = JSON.createObjectNode().put("Id", run.id).put("CreatedAt", seconds(run.created))
                .put("Database", database).put("SecretArn", secretArn).put("WorkgroupName", wg);
        return out;
    }

    private ObjectNode describe(JsonNode request) {
        calls.add(new Call("redshift-data:DescribeStatement", "*"));
        String id = request.path("Id").asText("");
        Run run = runs.get(id.replaceFirst(":\\d+$", ""));
        if (run == null) {
            throw new ApiError("ResourceNotFoundException", "Query does not exist: " + id);
        }
        ObjectNode out = JSON.createObjectNode().put("Id", run.id).put("Status", run.status)
                .put("CreatedAt", seconds(run.created)).put("UpdatedAt", seconds(run.updated))
                .put("Database", run.database).put("SecretArn", run.secretArn).put("WorkgroupName", run.workgroup)
                .put("HasResultSet", false).put("IsBatchStatement", run.batch)
                .put("QueryString", run.batch ? "" : run.sqls.get(0));
        if (run.error != null) {
            out.put("Error", run.error);
        }
        if (run.batch) {
            ArrayNode subs = out.putArray("SubStatements");
            for (int i = 0; i < run.sqls.size(); i++) {
                ObjectNode s = subs.addObject().put("Id", run.id + ":" + (i + 1)).put("Status", run.subStatus[i])
                        .put("QueryString", run.sqls.get(i)).put("HasResultSet", false).put("ResultRows", run.subRows[i]);
                if (run.subError[i] != null) {
                    s.put("Error", run.subError[i]);
                }
            }
        }
        return out;
    }

    // ---- execution: one transaction per request ----

    private void execute(Run run) {
        String standInDb = databases.get(run.database);
        String user = secretUsers.get(run.secretArn);
        calls.add(new Call("secretsmanager:GetSecretValue", run.secretArn));
        run.status = "STARTED";
        if (standInDb == null || user == null) {
            fail(run, 0, standInDb == null ? "database \"" + run.database + "\" does not exist"
                    : "could not read the secret " + run.secretArn + " (the stand-in knows no such secret)");
            return;
        }
        int i = 0;
        try (Connection c = RedshiftStandIn.get().connectAs(standInDb, user)) {
            c.setAutoCommit(false);
            try {
                for (; i < run.sqls.size(); i++) {
                    run.subStatus[i] = "STARTED";
                    run.subRows[i] = executeOne(c, run.sqls.get(i));
                    run.subStatus[i] = "FINISHED";
                }
                c.commit();
                run.updated = Instant.now();
                run.status = "FINISHED";
            } catch (SQLException | RedshiftError | IOException e) {
                c.rollback();
                fail(run, i, e.getMessage());
            }
        } catch (SQLException e) {
            fail(run, i, e.getMessage());
        }
    }

    private static void fail(Run run, int failed, String message) {
        String error = "ERROR: " + String.valueOf(message).replaceFirst("^ERROR: ", "");
        for (int j = 0; j < run.sqls.size(); j++) {
            run.subStatus[j] = j < failed ? "ABORTED" : j == failed ? "FAILED" : "ABORTED";
        }
        run.subError[Math.min(failed, run.sqls.size() - 1)] = error;
        run.error = error;
        run.updated = Instant.now();
        run.status = "FAILED";
        LOG.infof("Redshift Data API stand-in: statement %d of %s failed: %s", failed + 1, run.id, error);
    }

    private long executeOne(Connection c, String sql) throws SQLException, IOException {
        Matcher copy = COPY.matcher(sql.strip());
        if (copy.matches()) {
            return copy(c, copy.group(1), copy.group(2), copy.group(3), copy.group(4));
        }
        if (sql.strip().toUpperCase(Locale.ROOT).startsWith("COPY ")) {
            throw new RedshiftError("the stand-in reads only COPY <table> FROM 's3://…' <options> (got: " + abbreviate(sql) + ")");
        }
        try (Statement s = c.createStatement()) {
            s.execute(translate(sql));
            return Math.max(0, s.getUpdateCount());
        }
    }

    // ---- Redshift SQL that PostgreSQL lacks ----

    private static final Pattern SYSDATE = Pattern.compile("(?i)\\bSYSDATE\\b");
    private static final Pattern GETDATE = Pattern.compile("(?i)\\bGETDATE\\s*\\(\\s*\\)");
    private static final Pattern DATEADD = Pattern.compile("(?i)\\bDATEADD\\s*\\(");

    /** The statement with SYSDATE, GETDATE() and DATEADD made PostgreSQL; string literals are left alone. */
    static String translate(String sql) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < sql.length()) {
            int quote = sql.indexOf('\'', i);
            String code = quote < 0 ? sql.substring(i) : sql.substring(i, quote);
            out.append(translateCode(code));
            if (quote < 0) {
                break;
            }
            int end = quote + 1;
            while (end < sql.length()) {
                if (sql.charAt(end) == '\'' && end + 1 < sql.length() && sql.charAt(end + 1) == '\'') {
                    end += 2;
                } else if (sql.charAt(end) == '\'') {
                    break;
                } else {
                    end++;
                }
            }
            out.append(sql, quote, Math.min(sql.length(), end + 1));
            i = end + 1;
        }
        return out.toString();
    }

    private static String translateCode(String code) {
        String s = SYSDATE.matcher(code).replaceAll("(transaction_timestamp() AT TIME ZONE 'UTC')");
        s = GETDATE.matcher(s).replaceAll("date_trunc('second', statement_timestamp() AT TIME ZONE 'UTC')");
        return dateadd(s);
    }

    /** DATEADD(part, n, expr) → ((expr)::timestamp + (n) * INTERVAL '1 part'), nested calls included; hour and minute only. */
    private static String dateadd(String s) {
        Matcher m = DATEADD.matcher(s);
        if (!m.find()) {
            return s;
        }
        int open = m.end() - 1;
        int close = matching(s, open);
        List<String> args = splitArgs(s.substring(open + 1, close));
        if (args.size() != 3) {
            throw new RedshiftError("DATEADD takes (datepart, interval, expression): " + s.substring(m.start(), close + 1));
        }
        String part = args.get(0).strip().toLowerCase(Locale.ROOT);
        if (!part.equals("hour") && !part.equals("minute")) {
            throw new RedshiftError("the stand-in implements DATEADD for hour and minute only, not " + part);
        }
        String replaced = "((" + dateadd(args.get(2)) + ")::timestamp + (" + dateadd(args.get(1)) + ") * INTERVAL '1 " + part + "')";
        return s.substring(0, m.start()) + replaced + dateadd(s.substring(close + 1));
    }

    private static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') {
                depth++;
            } else if (s.charAt(i) == ')' && --depth == 0) {
                return i;
            }
        }
        throw new RedshiftError("unbalanced parentheses in " + abbreviate(s));
    }

    private static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    // ---- COPY from the S3 stand-in ----

    private static final Pattern COPY = Pattern.compile(
            "(?is)COPY\\s+([A-Za-z_][A-Za-z0-9_.]*)\\s+FROM\\s+'s3://([^/']+)/([^']*)'\\s*(.*)");
    private static final Pattern OPTION = Pattern.compile(
            "(?is)\\s*(IAM_ROLE\\s+(?:default|'[^']*')|FORMAT\\s+(?:AS\\s+)?CSV|CSV|IGNOREHEADER\\s+(?:AS\\s+)?(\\d+)|EMPTYASNULL|MANIFEST)");

    private long copy(Connection c, String table, String bucket, String key, String optionText) throws SQLException, IOException {
        boolean role = false;
        boolean csv = false;
        boolean emptyAsNull = false;
        boolean manifest = false;
        int ignoreHeader = 0;
        String rest = optionText.strip();
        while (!rest.isEmpty()) {
            Matcher o = OPTION.matcher(rest);
            if (!o.lookingAt()) {
                throw new RedshiftError("the stand-in does not implement the COPY option at: " + abbreviate(rest)
                        + " (it reads IAM_ROLE, FORMAT AS CSV, IGNOREHEADER n, EMPTYASNULL, MANIFEST)");
            }
            String opt = o.group(1).toUpperCase(Locale.ROOT);
            if (opt.startsWith("IAM_ROLE")) {
                role = true;
            } else if (opt.startsWith("IGNOREHEADER")) {
                ignoreHeader = Integer.parseInt(o.group(2));
            } else if (opt.equals("EMPTYASNULL")) {
                emptyAsNull = true;
            } else if (opt.equals("MANIFEST")) {
                manifest = true;
            } else {
                csv = true;
            }
            rest = rest.substring(o.end()).strip();
        }
        if (!role) {
            throw new RedshiftError("COPY needs an authorization parameter (IAM_ROLE): Redshift cannot read s3://" + bucket + "/" + key + " without one");
        }
        if (!csv) {
            throw new RedshiftError("the stand-in reads CSV only (FORMAT AS CSV); Redshift's default pipe-delimited text is not implemented");
        }
        List<Path> files = manifest ? manifestEntries(bucket, key) : prefixObjects(bucket, key);
        List<Column> columns = columns(c, table);
        StringBuilder insert = new StringBuilder("INSERT INTO ").append(table).append(" (");
        StringBuilder values = new StringBuilder(" VALUES (");
        for (int i = 0; i < columns.size(); i++) {
            insert.append(i > 0 ? ", " : "").append('"').append(columns.get(i).name).append('"');
            values.append(i > 0 ? ", " : "").append("CAST(? AS ").append(columns.get(i).type).append(')');
        }
        long rows = 0;
        try (PreparedStatement p = c.prepareStatement(insert.append(')').append(values).append(')').toString())) {
            for (Path file : files) {
                List<List<Field>> records = Csv.parse(Files.readString(file, StandardCharsets.UTF_8), file);
                for (int r = ignoreHeader; r < records.size(); r++) {
                    List<Field> record = records.get(r);
                    if (record.size() != columns.size()) {
                        throw new RedshiftError("Load into table '" + table + "' failed. Check 'sys_load_error_detail' system table for details. ("
                                + (record.size() > columns.size() ? "Extra column(s) found" : "Delimiter not found")
                                + " in line " + (r + 1) + " of " + s3Url(file) + ")");
                    }
                    for (int i = 0; i < columns.size(); i++) {
                        Field f = record.get(i);
                        boolean isNull = f.value.isEmpty() && (!columns.get(i).character || !f.quoted || emptyAsNull);
                        if (isNull) {
                            p.setNull(i + 1, java.sql.Types.VARCHAR);
                        } else {
                            p.setString(i + 1, f.value);
                        }
                    }
                    p.addBatch();
                    rows++;
                }
            }
            p.executeBatch();
        }
        return rows;
    }

    private String s3Url(Path file) {
        Path rel = s3Basedir.relativize(file);
        return "s3://" + rel.getName(0) + "/" + rel.subpath(1, rel.getNameCount()).toString().replace('\\', '/');
    }

    /** Every object whose key begins with the prefix, in key order; none is Redshift's error. */
    private List<Path> prefixObjects(String bucket, String prefix) throws IOException {
        Path root = s3Basedir.resolve(bucket);
        if (!Files.isDirectory(root)) {
            throw new RedshiftError("S3ServiceException: The specified bucket does not exist (" + bucket + ")");
        }
        List<Path> out;
        try (Stream<Path> all = Files.walk(root)) {
            out = all.filter(Files::isRegularFile)
                    .filter(f -> root.relativize(f).toString().replace('\\', '/').startsWith(prefix))
                    .sorted().toList();
        }
        if (out.isEmpty()) {
            throw new RedshiftError("The specified S3 prefix '" + prefix + "' does not exist");
        }
        return out;
    }

    private List<Path> manifestEntries(String bucket, String key) throws IOException {
        Path manifest = s3Basedir.resolve(bucket).resolve(key);
        if (!Files.isRegularFile(manifest)) {
            throw new RedshiftError("Manifest file s3://" + bucket + "/" + key + " is not found");
        }
        JsonNode json;
        try {
            json = JSON.readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RedshiftError("Manifest file s3://" + bucket + "/" + key + " is not valid JSON: " + e.getMessage());
        }
        if (!json.path("entries").isArray()) {
            throw new RedshiftError("Manifest file s3://" + bucket + "/" + key + " has no \"entries\" list");
        }
        List<Path> out = new ArrayList<>();
        for (JsonNode entry : json.get("entries")) {
            Matcher m = Pattern.compile("s3://([^/]+)/(.+)").matcher(entry.path("url").asText(""));
            if (!m.matches()) {
                throw new RedshiftError("Manifest entry without an s3:// url: " + entry);
            }
            Path file = s3Basedir.resolve(m.group(1)).resolve(m.group(2));
            if (Files.isRegularFile(file)) {
                out.add(file);
            } else if (entry.path("mandatory").asBoolean(false)) {
                throw new RedshiftError("Manifest entry " + entry.path("url").asText() + " is mandatory and was not found");
            }
        }
        return out;
    }

    record Column(String name, String type, boolean character) {
    }

    private static List<Column> columns(Connection c, String table) throws SQLException {
        List<Column> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory FROM pg_attribute a "
                        + "JOIN pg_type t ON t.oid = (CASE WHEN (SELECT typtype FROM pg_type WHERE oid = a.atttypid) = 'd' "
                        + "THEN (SELECT typbasetype FROM pg_type WHERE oid = a.atttypid) ELSE a.atttypid END) "
                        + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            p.setString(1, table);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Column(r.getString(1), r.getString(2), "S".equals(r.getString(3))));
                }
            }
        }
        if (out.isEmpty()) {
            throw new RedshiftError("relation \"" + table + "\" does not exist");
        }
        return out;
    }

    record Field(String value, boolean quoted) {
    }

    /** RFC 4180 CSV (Redshift's CSV: '"' quotes, '""' inside quotes, fields may span lines when quoted). */
    static final class Csv {
        static List<List<Field>> parse(String text, Path file) {
            List<List<Field>> records = new ArrayList<>();
            List<Field> record = new ArrayList<>();
            StringBuilder value = new StringBuilder();
            boolean quoted = false;
            boolean inQuotes = false;
            boolean any = false;
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (inQuotes) {
                    if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        value.append('"');
                        i++;
                    } else if (ch == '"') {
                        inQuotes = false;
                    } else {
                        value.append(ch);
                    }
                } else if (ch == '"') {
                    if (value.length() > 0) {
                        throw new RedshiftError("Invalid quote formatting for CSV in " + file.getFileName());
                    }
                    inQuotes = true;
                    quoted = true;
                    any = true;
                } else if (ch == ',') {
                    record.add(new Field(value.toString(), quoted));
                    value.setLength(0);
                    quoted = false;
                    any = true;
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    if (any || value.length() > 0) {
                        record.add(new Field(value.toString(), quoted));
                        records.add(record);
                    }
                    record = new ArrayList<>();
                    value.setLength(0);
                    quoted = false;
                    any = false;
                } else {
                    value.append(ch);
                    any = true;
                }
            }
            if (inQuotes) {
                throw new RedshiftError("Missing newline: Unexpected character found at end of the input (an open quote) in " + file.getFileName());
            }
            if (any || value.length() > 0) {
                record.add(new Field(value.toString(), quoted));
                records.add(record);
            }
            return records;
        }
    }

    private static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() > 120 ? one.substring(0, 120) + "…" : one;
    }

    private static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

}
