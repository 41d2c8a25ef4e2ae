package io.tributary.glue;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The job's arguments, in Glue's {@code --key value} style. Glue adds its own (--JOB_ID, --JOB_RUN_ID, --TempDir,
 * --job-bookmark-option, ...): unknown keys are ignored. A missing or invalid argument fails fast, naming it.
 */
public record JobArguments(
        String rawPath,
        String curatedPath,
        String errorsPath,
        String summaryPath,
        ArrivalHour arrivalHour,
        String pathSchemeMap,
        Optional<String> s3Endpoint,
        boolean s3PathStyle,
        Optional<String> s3Region,
        Optional<String> sparkMaster,
        String logLevel,
        long maxRecordsPerFile,
        String curatedFormat,
        String icebergCatalog,
        Optional<String> curatedTable,
        String writeMode,
        String maintenance,
        int retainLast,
        long snapshotRetentionHours,
        long orphanRetentionHours) {

    public static final String RAW_PATH = "raw_path";
    public static final String CURATED_PATH = "curated_path";
    public static final String ERRORS_PATH = "errors_path";
    public static final String SUMMARY_PATH = "summary_path";
    public static final String ARRIVAL_HOUR = "arrival_hour";
    public static final String PATH_SCHEME_MAP = "path_scheme_map";
    public static final String S3_ENDPOINT = "s3_endpoint";
    public static final String S3_PATH_STYLE = "s3_path_style";
    public static final String S3_REGION = "s3_region";
    public static final String SPARK_MASTER = "spark_master";
    public static final String LOG_LEVEL = "log_level";
    public static final String MAX_RECORDS_PER_FILE = "max_records_per_file";
    public static final String CURATED_FORMAT = "curated_format";
    public static final String ICEBERG_CATALOG = "iceberg_catalog";
    public static final String CURATED_TABLE = "curated_table";
    public static final String WRITE_MODE = "write_mode";
    public static final String MAINTENANCE = "maintenance";
    public static final String RETAIN_LAST = "retain_last";
    public static final String SNAPSHOT_RETENTION_HOURS = "snapshot_retention_hours";
    public static final String ORPHAN_RETENTION_HOURS = "orphan_retention_hours";

    /** The curated zone's formats: the Iceberg table (default) or the Hive-style layout of before (kept for the benchmark). */
    public static final String FORMAT_ICEBERG = "iceberg";
    public static final String FORMAT_HIVE = "hive";
    /** The Iceberg catalogs: the Glue Data Catalog (on AWS) or a HadoopCatalog beside the table (local runs, the stand-ins). */
    public static final String CATALOG_GLUE = "glue";
    public static final String CATALOG_HADOOP = "hadoop";
    /** How a run replaces its arrival hour's rows in the Iceberg table (see glue/README.md for the measurements). */
    public static final String WRITE_MERGE = "merge";
    public static final String WRITE_OVERWRITE = "overwrite";
    /** Maintenance runs instead of a curation run: none (curate), compact, expire, or all (compact then expire). */
    public static final List<String> MAINTENANCE_MODES = List.of("none", "compact", "expire", "all");

    /** {@code auto}: map s3:// to s3a:// unless the runtime has an s3:// file system of its own (Glue's EMRFS). */
    public static final String SCHEME_MAP_AUTO = "auto";
    public static final String SCHEME_MAP_NONE = "none";

    public static final String USAGE = String.join("\n",
            "usage: java -cp <tributary-glue-job.jar:spark and hadoop jars> io.tributary.glue.CuratedJob \\",
            "         --raw_path <uri> --arrival_hour yyyy-MM-dd-HH --curated_path <uri> --errors_path <uri> --summary_path <uri>",
            "         [--path_scheme_map auto|none|s3=s3a[,from=to]] [--s3_endpoint http://host:port] [--s3_path_style true|false]",
            "         [--s3_region <region>] [--spark_master local[2]] [--log_level WARN] [--max_records_per_file 0]",
            "         [--curated_format iceberg|hive] [--iceberg_catalog hadoop|glue] [--curated_table database.table]",
            "         [--write_mode merge|overwrite] [--maintenance none|compact|expire|all] [--retain_last 5]",
            "         [--snapshot_retention_hours 168] [--orphan_retention_hours 72]",
            "  With --maintenance (not none) only --curated_path and --summary_path are required.",
            "  Unknown --keys (Glue's --JOB_ID, --JOB_RUN_ID, --TempDir, --job-bookmark-option, ...) are ignored.",
            "  S3A endpoint and credentials also come from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,",
            "  AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION.");

    /** Parses Glue-style command-line arguments: {@code --key value}, {@code --key=value}, or a bare {@code --flag}. */
    public static Map<String, String> toMap(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String token = args[i];
            if (token == null || !token.startsWith("--") || token.length() == 2) {
                throw new JobArgumentException("unexpected argument '" + token + "': arguments are --key value pairs");
            }
            String key = token.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                map.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                map.put(key, args[++i]);
            } else {
                map.put(key, "");
            }
        }
        return map;
    }

    public static JobArguments parse(String[] args, Map<String, String> env) {
        return parse(toMap(args), env);
    }

    /** Validates resolved arguments (as Glue's getResolvedOptions returns them; keys without the leading dashes). */
    public static JobArguments parse(Map<String, String> args, Map<String, String> env) {
        Map<String, String> a = new LinkedHashMap<>();
        args.forEach((k, v) -> a.put(k.startsWith("--") ? k.substring(2) : k, v));

        String maintenance = oneOf(a, MAINTENANCE, "none", MAINTENANCE_MODES);
        boolean maintenanceRun = !"none".equals(maintenance);
        List<String> missing = new ArrayList<>();
        for (String key : maintenanceRun ? List.of(CURATED_PATH, SUMMARY_PATH)
                : List.of(RAW_PATH, ARRIVAL_HOUR, CURATED_PATH, ERRORS_PATH, SUMMARY_PATH)) {
            if (blank(a.get(key))) {
                missing.add("--" + key);
            }
        }
        if (!missing.isEmpty()) {
            throw new JobArgumentException("missing required argument" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing));
        }

        String raw = blank(a.get(RAW_PATH)) ? "" : path(a, RAW_PATH);
        String curated = path(a, CURATED_PATH);
        String errors = blank(a.get(ERRORS_PATH)) ? "" : path(a, ERRORS_PATH);
        String summary = path(a, SUMMARY_PATH);
        if (summary.endsWith("/")) {
            throw new JobArgumentException("--" + SUMMARY_PATH + " must name a file, not a directory: '" + summary + "'");
        }

        ArrivalHour hour = null;
        if (!(maintenanceRun && blank(a.get(ARRIVAL_HOUR)))) {
            try {
                hour = ArrivalHour.parse(a.get(ARRIVAL_HOUR));
            } catch (IllegalArgumentException e) {
                throw new JobArgumentException("--" + ARRIVAL_HOUR + ": " + e.getMessage());
            }
        }

        String schemeMap = Optional.ofNullable(a.get(PATH_SCHEME_MAP)).map(String::trim).filter(s -> !s.isEmpty())
                .orElse(SCHEME_MAP_AUTO);
        parseSchemeMap(schemeMap);

        Optional<String> endpoint = firstNonBlank(a.get(S3_ENDPOINT), env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
        if (endpoint.isPresent()) {
            try {
                URI uri = new URI(endpoint.get());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new URISyntaxException(endpoint.get(), "not an http(s) URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new JobArgumentException("--" + S3_ENDPOINT + " must be an http(s) URL such as http://127.0.0.1:9000, got '"
                        + endpoint.get() + "'");
            }
        }

        boolean pathStyle = endpoint.isPresent();
        if (a.containsKey(S3_PATH_STYLE)) {
            pathStyle = bool(a, S3_PATH_STYLE);
        }

        String logLevel = Optional.ofNullable(a.get(LOG_LEVEL)).filter(s -> !blank(s)).orElse("WARN").toUpperCase(Locale.ROOT);
        if (!List.of("ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF").contains(logLevel)) {
            throw new JobArgumentException("--" + LOG_LEVEL + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '"
                    + a.get(LOG_LEVEL) + "'");
        }

        long maxRecords = 0;
        if (!blank(a.get(MAX_RECORDS_PER_FILE))) {
            try {
                maxRecords = Long.parseLong(a.get(MAX_RECORDS_PER_FILE).trim());
            } catch (NumberFormatException e) {
                maxRecords = -1;
            }
            if (maxRecords < 0) {
                throw new JobArgumentException("--" + MAX_RECORDS_PER_FILE + " must be a whole number >= 0 (0 = no limit), got '"
                        + a.get(MAX_RECORDS_PER_FILE) + "'");
            }
        }

        String format = oneOf(a, CURATED_FORMAT, FORMAT_ICEBERG, List.of(FORMAT_ICEBERG, FORMAT_HIVE));
        String catalog = oneOf(a, ICEBERG_CATALOG, CATALOG_HADOOP, List.of(CATALOG_HADOOP, CATALOG_GLUE));
        Optional<String> table = firstNonBlank(a.get(CURATED_TABLE));
        if (table.isPresent() && !table.get().matches("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*")) {
            throw new JobArgumentException("--" + CURATED_TABLE + " must be database.table, got '" + table.get() + "'");
        }
        if (CATALOG_GLUE.equals(catalog) && table.isEmpty() && FORMAT_ICEBERG.equals(format)) {
            throw new JobArgumentException("--" + CURATED_TABLE + " (database.table) is required with --" + ICEBERG_CATALOG + " glue");
        }
        String writeMode = oneOf(a, WRITE_MODE, WRITE_MERGE, List.of(WRITE_MERGE, WRITE_OVERWRITE));

        return new JobArguments(raw, curated, errors, summary, hour, schemeMap, endpoint, pathStyle,
                firstNonBlank(a.get(S3_REGION), env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION")),
                firstNonBlank(a.get(SPARK_MASTER)), logLevel, maxRecords, format, catalog, table, writeMode, maintenance,
                (int) whole(a, RETAIN_LAST, 5, 1), whole(a, SNAPSHOT_RETENTION_HOURS, 168, 0), whole(a, ORPHAN_RETENTION_HOURS, 72, 24));
    }

    /**
     * The scheme rewrites to apply to every path: empty for {@code none}; for {@code auto}, s3 to s3a only when the runtime
     * has no s3:// file system (Glue has EMRFS, plain Hadoop 3 has none).
     */
    public Map<String, String> effectiveSchemeMap(boolean runtimeHasS3FileSystem) {
        if (SCHEME_MAP_AUTO.equals(pathSchemeMap)) {
            return runtimeHasS3FileSystem ? Map.of() : Map.of("s3", "s3a");
        }
        return parseSchemeMap(pathSchemeMap);
    }

    static Map<String, String> parseSchemeMap(String value) {
        if (SCHEME_MAP_AUTO.equals(value) || SCHEME_MAP_NONE.equals(value)) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            String[] kv = pair.trim().split("=", -1);
            if (kv.length != 2 || !kv[0].trim().matches("[a-zA-Z][a-zA-Z0-9+.-]*") || !kv[1].trim().matches("[a-zA-Z][a-zA-Z0-9+.-]*")) {
                throw new JobArgumentException("--" + PATH_SCHEME_MAP + " must be auto, none or from=to pairs such as s3=s3a, got '"
                        + value + "'");
            }
            map.put(kv[0].trim(), kv[1].trim());
        }
        return Collections.unmodifiableMap(map);
    }

    /** Rewrites the scheme of a path ({@code s3://bucket/key} to {@code s3a://bucket/key} with {@code s3=s3a}). */
    public static String mapScheme(String path, Map<String, String> schemeMap) {
        int colon = path.indexOf("://");
        if (colon <= 0) {
            return path;
        }
        String target = schemeMap.get(path.substring(0, colon));
        return target == null ? path : target + path.substring(colon);
    }

    private static String path(Map<String, String> a, String key) {
        String value = a.get(key).trim();
        int sep = value.indexOf("://");
        if (sep > 0 && value.substring(0, sep).matches("s3[a-z]?")) {
            String rest = value.substring(sep + 3);
            if (rest.isEmpty() || rest.startsWith("/")) {
                throw new JobArgumentException("--" + key + " must name a bucket (s3://bucket/prefix), got '" + value + "'");
            }
        }
        return value;
    }

    private static long whole(Map<String, String> a, String key, long dflt, long min) {
        if (blank(a.get(key))) {
            return dflt;
        }
        try {
            long v = Long.parseLong(a.get(key).trim());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new JobArgumentException("--" + key + " must be a whole number >= " + min + ", got '" + a.get(key) + "'");
    }

    /** A maintenance run (compaction, snapshot expiry) instead of the curation of an arrival hour. */
    public boolean maintenanceRun() {
        return !"none".equals(maintenance);
    }

    private static String oneOf(Map<String, String> a, String key, String dflt, List<String> allowed) {
        String v = Optional.ofNullable(a.get(key)).map(String::trim).filter(x -> !x.isEmpty()).orElse(dflt)
                .toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new JobArgumentException("--" + key + " must be one of " + String.join(", ", allowed) + ", got '" + a.get(key) + "'");
        }
        return v;
    }

    private static boolean bool(Map<String, String> a, String key) {
        String v = a.get(key).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new JobArgumentException("--" + key + " must be true or false, got '" + a.get(key) + "'");
        };
    }

    private static Optional<String> firstNonBlank(String... values) {
        for (String v : values) {
            if (!blank(v)) {
                return Optional.of(v.trim());
            }
        }
        return Optional.empty();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
