package io.tributary.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

/**
 * A loopback TCP shim that lets the Amazon Redshift JDBC driver talk to a plain PostgreSQL server: it answers the
 * driver's SSLRequest (and GSSENCRequest) with 'N', drops the Redshift-only startup parameters PostgreSQL rejects with
 * "unrecognized configuration parameter", and then pipes bytes both ways, one thread per direction per connection.
 */
public final class RedshiftShim implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedshiftShim.class);

    private static final int PROTOCOL_3 = 196608;
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;

    /**
     * Startup parameters passed through to PostgreSQL. Everything else the driver sends is dropped: with driver 2.1.0.33
     * that is {@code driver_version}, {@code os_version} and {@code client_protocol_version} ({@code plugin_name} too when
     * an IAM plugin is configured). Passed through, PostgreSQL ends the connection with
     * {@code FATAL: unrecognized configuration parameter "driver_version"}. See {@link #dropped()}.
     */
    static final Set<String> PASSED = Set.of("user", "database", "options", "application_name", "client_encoding",
            "DateStyle", "TimeZone", "extra_float_digits", "search_path", "replication");

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RedshiftShim(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** Listens on a free port of 127.0.0.1 and forwards to PostgreSQL on 127.0.0.1:{@code postgresPort}. */
    public static RedshiftShim start(int postgresPort) {
        try {
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            RedshiftShim shim = new RedshiftShim(s, new InetSocketAddress(InetAddress.getLoopbackAddress(), postgresPort));
            Thread t = new Thread(shim::acceptLoop, "redshift-shim-accept");
            t.setDaemon(true);
            t.start();
            return shim;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Redshift shim on 127.0.0.1", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Startup parameter names dropped so far (for the record of what PostgreSQL rejects). */
    public Set<String> dropped() {
        return Set.copyOf(dropped);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "redshift-shim-" + client.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warnf(e, "Redshift shim: accept failed on port %d", port());
                }
            }
        }
    }

    private void serve(Socket client) {
        open.add(client);
        Socket pg = null;
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            byte[] startup;
            while (true) {
                int length = in.readInt();
                int code = in.readInt();
                byte[] rest = new byte[length - 8];
                in.readFully(rest);
                if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                    out.write('N');
                    out.flush();
                    continue;
                }
                if (code == CANCEL_REQUEST) {
                    startup = frame(code, rest);
                } else if (code == PROTOCOL_3) {
                    startup = rewriteStartup(rest);
                } else {
                    throw new IOException("unsupported startup code " + code);
                }
                break;
            }
            pg = new Socket();
            pg.connect(upstream, 5000);
            open.add(pg);
            pg.getOutputStream().write(startup);
            pg.getOutputStream().flush();
            Socket upstreamSocket = pg;
            Thread back = new Thread(() -> pipe(upstreamSocket, client), "redshift-shim-back-" + client.getPort());
            back.setDaemon(true);
            back.start();
            pipe(client, pg);
        } catch (IOException e) {
            if (!closed && !(e instanceof java.io.EOFException)) {
                LOG.debugf(e, "Redshift shim: connection from port %d ended", client.getPort());
            }
            closeQuietly(client);
            closeQuietly(pg);
        }
    }

    private byte[] rewriteStartup(byte[] body) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            int k = indexOfZero(body, i);
            String key = new String(body, i, k - i, StandardCharsets.UTF_8);
            int v = indexOfZero(body, k + 1);
            params.put(key, new String(body, k + 1, v - k - 1, StandardCharsets.UTF_8));
            i = v + 1;
        }
        List<String> drop = new ArrayList<>();
        var buffer = new java.io.ByteArrayOutputStream();
        for (var e : params.entrySet()) {
            if (PASSED.contains(e.getKey())) {
                buffer.write(e.getKey().getBytes(StandardCharsets.UTF_8));
                buffer.write(0);
                buffer.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                buffer.write(0);
            } else {
                drop.add(e.getKey());
            }
        }
        buffer.write(0);
        if (dropped.addAll(drop)) {
            LOG.debugf("Redshift shim: dropping startup parameters %s", drop);
        }
        return frame(PROTOCOL_3, buffer.toByteArray());
    }

    private static int indexOfZero(byte[] b, int from) throws IOException {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        throw new IOException("malformed startup message");
    }

    private static byte[] frame(int code, byte[] body) throws IOException {
        var buffer = new java.io.ByteArrayOutputStream(body.length + 8);
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeInt(body.length + 8);
        out.writeInt(code);
        out.write(body);
        return buffer.toByteArray();
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException ended) {
            // the other side closed: the connection is over
        } catch (IOException e) {
            if (!closed) {
                LOG.debugf(e, "Redshift shim: pipe ended");
            }
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket s) {
        if (s != null) {
            open.remove(s);
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        open.forEach(this::closeQuietly);
    }
}
