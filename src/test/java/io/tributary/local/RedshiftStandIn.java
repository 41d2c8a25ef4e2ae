package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import io.tributary.warehouse.SchemaMigrator;
import io.tributary.warehouse.SqlDialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The Redshift stand-in: PostgreSQL 15 (embedded, on 127.0.0.1, trust auth) behind {@link RedshiftShim}, so the real
 * Amazon Redshift JDBC driver connects to it. One server per JVM, stopped at JVM exit; a fresh database per caller.
 * VARCHAR(n) counts bytes as in Redshift (see {@link #VARCHAR_BYTES_FUNCTION}).
 *
 * <p>Users as deployed: {@link #connect} logs in as the application user {@link #USER}, which has no CREATE on any
 * database (PUBLIC keeps CONNECT and TEMP, as on Redshift); {@link #createDatabase} runs the admin bootstrap
 * (sql/redshift/admin/bootstrap.sql: the analytics schema, owned by the application user) as the admin {@link #ADMIN_USER}.
 */
public final class RedshiftStandIn {

    public static final String DRIVER = "com.amazon.redshift.jdbc42.Driver";
    /** The application user: no CREATE on the database, owner of the analytics schema (Terraform's redshift_app_username). */
    public static final String USER = "tributary_app";
    /** The admin user (superuser here): creates databases, the application user and its schema. */
    public static final String ADMIN_USER = "postgres";
    /** Ignored (trust auth), but the driver wants one. */
    public static final String PASSWORD = "local";

    private static RedshiftStandIn instance;

    /**
     * Redshift's VARCHAR(n) holds n bytes of UTF-8; PostgreSQL's holds n characters, so a multi-byte value Redshift refuses
     * would load here. This event trigger function runs after every CREATE TABLE / ALTER TABLE (migrations, and the
     * loads' temp stage tables alike) and retypes each VARCHAR(n) column to a domain over VARCHAR(n) that also checks
     * {@code octet_length(VALUE) <= n}. A domain is checked wherever a value enters the column (INSERT, UPDATE, MERGE,
     * COPY, a stage table built with LIKE) and follows a later ALTER COLUMN ... TYPE VARCHAR(m), which a CHECK constraint
     * on the table would not. The error is Redshift's: SQLSTATE 22001, "value too long for type character varying(n)"
     * (the raising function is only called when the length check already failed, so a valid row costs one comparison).
     */
    static final String VARCHAR_BYTES_FUNCTION = """
            CREATE FUNCTION public.redshift_varchar_bytes() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $fn$
            DECLARE
                command record;
                col record;
                domain_name text;
            BEGIN
                FOR command IN SELECT DISTINCT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'table' LOOP
                    FOR col IN SELECT a.attname, a.atttypmod - 4 AS n FROM pg_attribute a
                               WHERE a.attrelid = command.objid AND a.attnum > 0 AND NOT a.attisdropped
                                 AND a.atttypid = 'pg_catalog.varchar'::regtype AND a.atttypmod > 4 LOOP
                        domain_name := 'redshift_varchar_' || col.n;
                        IF to_regtype('public.' || domain_name) IS NULL THEN
                            BEGIN
                                EXECUTE format('CREATE DOMAIN public.%I AS pg_catalog.varchar(%s) '
                                        || 'CHECK (VALUE IS NULL OR octet_length(VALUE) <= %s OR public.redshift_value_too_long(%s))',
                                        domain_name, col.n, col.n, col.n);
                            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                                NULL; -- a concurrent session created it
                            END;
                        END IF;
                        -- fires this trigger again for the ALTER, which then finds no VARCHAR(n) column left
                        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE public.%I', command.objid::regclass, col.attname, domain_name);
                    END LOOP;
                END LOOP;
            END
            $fn$""";

    /** Raises Redshift's error for a value over VARCHAR(n) bytes; called by the domains' check only when it failed. */
    static final String VALUE_TOO_LONG_FUNCTION = """
            CREATE FUNCTION public.redshift_value_too_long(n integer) RETURNS boolean LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION 'value too long for type character varying(%)', n USING ERRCODE = 'string_data_right_truncation';
            END
            $fn$""";

    static final String VARCHAR_BYTES_TRIGGER = "CREATE EVENT TRIGGER redshift_varchar_bytes ON ddl_command_end "
            + "WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE') "
            + "EXECUTE FUNCTION public.redshift_varchar_bytes()";

    private final EmbeddedPostgres postgres;
    private final RedshiftShim shim;

    private RedshiftStandIn(EmbeddedPostgres postgres, RedshiftShim shim) {
        this.postgres = postgres;
        this.shim = shim;
    }

    /** The JVM's stand-in, started on first use. */
    public static synchronized RedshiftStandIn get() {
        if (instance == null) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("max_connections", "100")
                        // a throwaway server: durability buys nothing and costs the MERGE benchmark fsyncs
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setRegisterShutdownHook(true)
                        .start();
                installByteLengthVarchar(pg);
                createApplicationUser(pg);
                RedshiftShim shim = RedshiftShim.start(pg.getPort());
                instance = new RedshiftStandIn(pg, shim);
                Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "redshift-stand-in-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL of the Redshift stand-in", e);
            }
        }
        return instance;
    }

    /** Installs the VARCHAR byte-length semantics in template1, so every database created from it has them. */
    private static void installByteLengthVarchar(EmbeddedPostgres pg) {
        try (Connection c = pg.getTemplateDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(VALUE_TOO_LONG_FUNCTION);
            s.execute(VARCHAR_BYTES_FUNCTION);
            s.execute(VARCHAR_BYTES_TRIGGER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot install Redshift's VARCHAR byte-length semantics in the Redshift stand-in", e);
        }
    }

    /**
     * The application user, once per cluster: may log in, nothing more (no CREATEDB, no CREATE on databases). The domain
     * trigger above runs as its owner (SECURITY DEFINER), since the application user may not create types in public.
     */
    private static void createApplicationUser(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN NOCREATEDB NOCREATEROLE PASSWORD '" + PASSWORD + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the application user " + USER + " in the Redshift stand-in", e);
        }
    }

    /** A JDBC URL of the Redshift driver, through the shim, to a database. */
    public String jdbcUrl(String database) {
        return "jdbc:redshift://127.0.0.1:" + shim.port() + "/" + database + "?ssl=false";
    }

    /** Creates a uniquely named database with the admin bootstrap done (the application's schema) and returns its name. */
    public String createDatabase(String prefix) {
        String name = createBareDatabase(prefix);
        adminBootstrap(name);
        return name;
    }

    /** Creates a uniquely named database with the admin bootstrap done and the application's migrations applied (what
     *  the application's start leaves), and returns its name. */
    public String createMigratedDatabase(String prefix) throws SQLException {
        String name = createDatabase(prefix);
        new SchemaMigrator(dataSource(name), SqlDialect.POSTGRESQL).migrate();
        return name;
    }

    /** Creates a uniquely named database without the admin bootstrap: what the application finds before it. */
    public String createBareDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = connectAsAdmin("postgres"); Statement s = c.createStatement()) {
            // the name is generated here from a UUID, never from input: safe to put in DDL
            s.execute("CREATE DATABASE " + name);
            // Redshift's defaults: PUBLIC may connect and create temporary tables, nothing else (no CREATE)
            s.execute("REVOKE ALL ON DATABASE " + name + " FROM PUBLIC");
            s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + name + " TO PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " in the Redshift stand-in", e);
        }
        return name;
    }

    /** Runs sql/redshift/admin/bootstrap.sql as the admin, as the README says to, minus CREATE USER (done once per cluster). */
    public void adminBootstrap(String database) {
        String sql = io.tributary.warehouse.SqlScript.resource("sql/redshift/admin/bootstrap.sql");
        try (Connection c = connectAsAdmin(database); Statement s = c.createStatement()) {
            for (String statement : io.tributary.warehouse.SqlScript.statements(sql, io.tributary.warehouse.SqlDialect.POSTGRESQL)) {
                if (!statement.startsWith("CREATE USER")) {
                    s.execute(statement.replace(":app_user", USER));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run the admin bootstrap in " + database + " of the Redshift stand-in", e);
        }
    }

    /** Drops a database created by {@link #createDatabase}, closing its remaining sessions. */
    public void dropDatabase(String name) {
        try (Connection c = connectAsAdmin("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name + " in the Redshift stand-in", e);
        }
    }

    /** A connection with the Redshift driver, as the application user. */
    public Connection connect(String database) throws SQLException {
        return connect(database, new Properties());
    }

    /** A connection with the Redshift driver as a named user of the cluster ({@link #USER} or {@link #ADMIN_USER}). */
    public Connection connectAs(String database, String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", PASSWORD);
        return new com.amazon.redshift.jdbc42.Driver().connect(jdbcUrl(database), p);
    }

    /** A connection with the Redshift driver as the admin user (bootstrap, inspection). */
    public Connection connectAsAdmin(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", ADMIN_USER);
        p.setProperty("password", PASSWORD);
        return new com.amazon.redshift.jdbc42.Driver().connect(jdbcUrl(database), p);
    }

    /** A connection with the Redshift driver and extra driver properties (e.g. reWriteBatchedInserts). */
    public Connection connect(String database, Properties extra) throws SQLException {
        Properties p = new Properties();
        p.putAll(extra);
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        // the driver is called directly: after a @QuarkusTest, DriverManager may not see the test class loader's drivers
        return new com.amazon.redshift.jdbc42.Driver().connect(jdbcUrl(database), p);
    }

    /** A minimal non-pooling DataSource with the Redshift driver, for tests without Quarkus. */
    public DataSource dataSource(String database) {
        return new SimpleDataSource(() -> connect(database));
    }

    /** Like {@link #dataSource(String)}, with extra driver properties. */
    public DataSource dataSource(String database, Properties extra) {
        return new SimpleDataSource(() -> connect(database, extra));
    }

    /** Startup parameters the shim dropped so far. */
    public java.util.Set<String> droppedStartupParameters() {
        return shim.dropped();
    }

    private void stop() {
        shim.close();
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("Redshift stand-in: PostgreSQL did not stop cleanly: " + e);
        }
    }
}
