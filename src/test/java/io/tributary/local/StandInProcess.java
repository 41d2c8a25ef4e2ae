package io.tributary.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A local stand-in running as a child process, bound to 127.0.0.1, stopped with the JVM that started it. */
public final class StandInProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;

    private StandInProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /** Starts a command and waits until {@code port} accepts connections (or the port the command prints, see below). */
    static StandInProcess start(String name, List<String> command, Path workDir, int port, Path log, Duration timeout) {
        return start(name, command, workDir, port, log, timeout, null);
    }

    /**
     * Starts a command; when {@code portPrefix} is set, the port is read from the first stdout line starting with it
     * (e.g. {@code KINESALITE_PORT=}).
     */
    static StandInProcess start(String name, List<String> command, Path workDir, int port, Path log, Duration timeout,
                                String portPrefix) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            if (portPrefix == null) {
                pb.redirectOutput(log.toFile());
            }
            Process p = pb.start();
            int actualPort = port;
            if (portPrefix != null) {
                actualPort = readPort(p, portPrefix, log, timeout);
            }
            StandInProcess s = new StandInProcess(name, p, actualPort);
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            s.awaitPort(timeout);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    private static int readPort(Process p, String prefix, Path log, Duration timeout) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(timeout);
        String line;
        StringBuilder seen = new StringBuilder();
        while (Instant.now().isBefore(deadline) && (line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith(prefix)) {
                int port = Integer.parseInt(line.substring(prefix.length()).trim());
                drain(out, l -> appendLog(log, l));
                return port;
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("stand-in did not print " + prefix + "; output:\n" + seen);
    }

    private static void drain(BufferedReader out, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    sink.accept(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "stand-in-output");
        t.setDaemon(true);
        t.start();
    }

    private static synchronized void appendLog(Path log, String line) {
        try {
            java.nio.file.Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // logging a stand-in's chatter is best effort
        }
    }

    private void awaitPort(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before listening");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        close();
        throw new IllegalStateException(name + " did not listen on 127.0.0.1:" + port + " within " + timeout);
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
