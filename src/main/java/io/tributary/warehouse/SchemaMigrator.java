package io.tributary.warehouse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * Applies the versioned warehouse DDL (sql/redshift/V&lt;n&gt;__*.sql, in the order of migrations.index) in one
 * transaction under a lock on analytics.schema_version. Repeatable: applied versions are skipped, and a changed applied
 * file fails loudly instead of drifting.
 */
public final class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    private static final String BASE = "sql/redshift/";
    private static final Pattern FILE = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
    /** A fresh UTC calendar per use: Calendar is mutable and not thread-safe. */
    static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }

    /** One versioned file. */
    public record Migration(int version, String description, String file, String sql, String checksum) {
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final List<Migration> migrations;

    public SchemaMigrator(DataSource dataSource, SqlDialect dialect) {
        this(dataSource, dialect, load(SqlScript.resource(BASE + "migrations.index")));
    }

    SchemaMigrator(DataSource dataSource, SqlDialect dialect, List<Migration> migrations) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.migrations = List.copyOf(migrations);
    }

    /** The migrations named in an index (one file name per line), checked to be in strictly increasing version order. */
    static List<Migration> load(String index) {
        List<Migration> out = new ArrayList<>();
        int last = 0;
        for (String line : index.split("\\R")) {
            String file = line.strip();
            if (file.isEmpty() || file.startsWith("#")) {
                continue;
            }
            Matcher m = FILE.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException(BASE + "migrations.index: '" + file + "' is not named V<n>__<description>.sql");
            }
            int version = Integer.parseInt(m.group(1));
            if (version <= last) {
                throw new IllegalStateException(BASE + "migrations.index: " + file + " is out of order (after V" + last + ")");
            }
            last = version;
            String sql = SqlScript.resource(BASE + file);
            out.add(new Migration(version, m.group(2).replace('_', ' '), file, sql, sha256(sql)));
        }
        return out;
    }

    /** Applies the pending migrations and returns their versions (empty when the schema is up to date). */
    public List<Integer> migrate() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                List<Integer> applied = migrate(c);
                c.commit();
                if (!applied.isEmpty()) {
                    LOG.infof("Warehouse schema migrated to V%d (%s, applied %s)", applied.get(applied.size() - 1), dialect.id(), applied);
                }
                return applied;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The schema the migrations create their tables in; created by the admin (sql/redshift/admin/bootstrap.sql). */
    static final String SCHEMA = "analytics";
    static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_namespace WHERE nspname = ?";
    static final String SCHEMA_PRIVILEGE = "SELECT has_schema_privilege(current_user, ?, ?)";

    /**
     * Fails fast, naming the missing admin step or grant, when the connected user cannot create its tables: the schema
     * must exist and the user needs USAGE and CREATE on it (it owns it after the documented bootstrap). The application
     * never creates the schema: its user has no CREATE on the database, as in the deployed Redshift.
     */
    static void checkSchemaAccess(Connection c) throws SQLException {
        String user;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_user")) {
            r.next();
            user = r.getString(1);
        }
        try (PreparedStatement p = c.prepareStatement(SCHEMA_EXISTS)) {
            p.setString(1, SCHEMA);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalStateException("Redshift schema " + SCHEMA + " does not exist: the admin user must create it "
                            + "once for the application user (CREATE SCHEMA " + SCHEMA + " AUTHORIZATION " + user
                            + "; sql/redshift/admin/bootstrap.sql, terraform/README.md). The application user " + user
                            + " has no CREATE on the database by design");
                }
            }
        }
        for (String privilege : List.of("USAGE", "CREATE")) {
            try (PreparedStatement p = c.prepareStatement(SCHEMA_PRIVILEGE)) {
                p.setString(1, SCHEMA);
                p.setString(2, privilege);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next() || !r.getBoolean(1)) {
                        throw new IllegalStateException("Redshift user " + user + " lacks " + privilege + " on schema " + SCHEMA
                                + ": as the admin user run ALTER SCHEMA " + SCHEMA + " OWNER TO " + user + " (or GRANT USAGE, CREATE ON SCHEMA "
                                + SCHEMA + " TO " + user + "); see terraform/README.md");
                    }
                }
            }
        }
    }

    private List<Integer> migrate(Connection c) throws SQLException {
        checkSchemaAccess(c);
        try (Statement s = c.createStatement()) {
            for (String sql : SqlScript.statements(SqlScript.resource(BASE + "bootstrap.sql"), dialect)) {
                s.execute(sql);
            }
            // serialises concurrent starts (several tasks): the second waits, then sees the versions applied
            s.execute("LOCK TABLE analytics.schema_version");
        }
        Map<Integer, String> done = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version, checksum FROM analytics.schema_version")) {
            while (r.next()) {
                done.put(r.getInt(1), r.getString(2));
            }
        }
        List<Integer> applied = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        for (Migration m : migrations) {
            String checksum = done.get(m.version());
            if (checksum != null) {
                if (!checksum.equals(m.checksum())) {
                    throw new IllegalStateException("warehouse migration " + m.file() + " changed after it was applied "
                            + "(checksum " + checksum + " in analytics.schema_version): add a new version instead");
                }
                continue;
            }
            try (Statement s = c.createStatement()) {
                for (String sql : SqlScript.statements(m.sql(), dialect)) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new SQLException("warehouse migration " + m.file() + " failed: " + e.getMessage(), e.getSQLState(), e);
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO analytics.schema_version (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
                p.setInt(1, m.version());
                p.setString(2, m.description());
                p.setString(3, m.checksum());
                p.setTimestamp(4, now, utc());
                p.executeUpdate();
            }
            applied.add(m.version());
        }
        return applied;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
