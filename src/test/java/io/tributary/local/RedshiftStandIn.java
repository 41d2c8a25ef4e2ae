package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The Redshift stand-in: PostgreSQL 15 (embedded, on 127.0.0.1, trust auth) behind {@link RedshiftShim}, so the real
 * Amazon Redshift JDBC driver connects to it. One server per JVM, stopped at JVM exit; a fresh database per caller.
 */
public final class RedshiftStandIn {

    public static final String DRIVER = "com.amazon.redshift.jdbc42.Driver";
    public static final String USER = "postgres";
    /** Ignored (trust auth), but the driver wants one. */
    public static final String PASSWORD = "local";

    private static RedshiftStandIn instance;

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
                RedshiftShim shim = RedshiftShim.start(pg.getPort());
                instance = new RedshiftStandIn(pg, shim);
                Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "redshift-stand-in-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL of the Redshift stand-in", e);
            }
        }
        return instance;
    }

    /** A JDBC URL of the Redshift driver, through the shim, to a database. */
    public String jdbcUrl(String database) {
        return "jdbc:redshift://127.0.0.1:" + shim.port() + "/" + database + "?ssl=false";
    }

    /** Creates a uniquely named database and returns its name. */
    public String createDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            // the name is generated here from a UUID, never from input: safe to put in DDL
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " in the Redshift stand-in", e);
        }
        return name;
    }

    /** Drops a database created by {@link #createDatabase}, closing its remaining sessions. */
    public void dropDatabase(String name) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name + " in the Redshift stand-in", e);
        }
    }

    /** A connection with the Redshift driver. */
    public Connection connect(String database) throws SQLException {
        return connect(database, new Properties());
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
