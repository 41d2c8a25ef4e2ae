package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.tributary.aws.AwsCallRecorder;

/** The packaged application (target/quarkus-app/quarkus-run.jar) as a child process, for restart and shutdown tests. */
public final class AppProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;
    private final Instant started = Instant.now();

    private AppProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the application with the given configuration (system properties) and waits until /q/health/live answers. */
    public static AppProcess start(Map<String, String> config, Path log) {
        return start(config, null, log);
    }

    /**
     * As {@link #start(Map, Path)}, the child process's environment being exactly {@code environment} (nothing inherited
     * from the test JVM) when it is not null: a deployment's task environment.
     */
    public static AppProcess start(Map<String, String> config, Map<String, String> environment, Path log) {
        Path jar = StandIns.projectDir().resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after 'package'");
        }
        int port = StandInProcess.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Daws.cborEnabled=false");
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + port);
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        // The IAM check records the AWS calls of every application process, not only of the test JVM.
        String recordCalls = System.getProperty(AwsCallRecorder.PROPERTY);
        if (recordCalls != null && !config.containsKey(AwsCallRecorder.PROPERTY)) {
            cmd.add("-D" + AwsCallRecorder.PROPERTY + "=" + recordCalls);
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            if (environment != null) {
                builder.environment().clear();
                builder.environment().putAll(environment);
            }
            Process p = builder.start();
            AppProcess app = new AppProcess(p, port, log);
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            app.awaitLive(Duration.ofSeconds(120)); // a loaded 2-core machine has been seen to take 60 s
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitLive(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("application exited with " + process.exitValue() + "; log:\n" + logText());
            }
            try {
                if (get("/q/health/live").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            pause(200);
        }
        throw new IllegalStateException("application not live within " + timeout + "; log:\n" + logText());
    }

    public HttpResponse<String> get(String path) throws IOException {
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A Prometheus counter or gauge value from /q/metrics (summed over label sets); 0 when absent. */
    public double metric(String name) throws IOException {
        double sum = 0;
        for (String line : get("/q/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** SIGTERM, then wait for the process to exit; returns its exit code. */
    public int stopGracefully(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("application did not stop within " + timeout + " after SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hooks, no flush — a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Duration uptime() {
        return Duration.between(started, Instant.now());
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
