package io.tributary.local;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/** A DataSource that opens a new connection per call: enough for plain-Java tests of the warehouse beans. */
final class SimpleDataSource implements DataSource {

    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;

    SimpleDataSource(Opener opener) {
        this.opener = opener;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return opener.open();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return opener.open();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no log writer
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the driver's default
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
