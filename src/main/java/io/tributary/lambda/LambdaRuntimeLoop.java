package io.tributary.lambda;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tributary.config.TributaryConfig;
import io.tributary.sealing.OrchestratedHours;

/**
 * The Lambda custom runtime (provided.al2023, the native function.zip): polls the Lambda Runtime API for the next
 * invocation, runs it through {@link KinesisBatchHandler} (or, in the lake-ops function, whose handler setting is
 * {@value #LAKE_OPS}, through {@link OrchestratedHours}) and posts the reply or the error. Runs only when
 * {@code tributary.lambda.runtime-api} is set; the managed Java runtime calls {@link KinesisStreamHandler} or
 * {@link LakeOpsHandler} instead.
 */
@Singleton
public class LambdaRuntimeLoop {

    private static final Logger LOG = Logger.getLogger(LambdaRuntimeLoop.class);
    private static final String API = "/2018-06-01/runtime/invocation/";
    private static final String REQUEST_ID = "Lambda-Runtime-Aws-Request-Id";

    /** The handler setting (Lambda's {@code _HANDLER}) of the lake-ops function in the custom runtime. */
    public static final String LAKE_OPS = "lake-ops";
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final KinesisBatchHandler handler;
    private final Instance<OrchestratedHours> lakeOps;
    private final ObjectMapper json;
    private volatile boolean running;
    private Thread thread;

    public LambdaRuntimeLoop(KinesisBatchHandler handler, Instance<OrchestratedHours> lakeOps, ObjectMapper json) {
        this.handler = handler;
        this.lakeOps = lakeOps;
        this.json = json;
    }

    void onStart(@Observes StartupEvent event, TributaryConfig config) {
        config.lambda().runtimeApi().ifPresent(api -> {
            running = true;
            boolean ops = LAKE_OPS.equals(System.getenv("_HANDLER"));
            thread = new Thread(() -> loop("http://" + api, ops), "lambda-runtime");
            thread.setDaemon(true);
            thread.start();
            LOG.infof("Lambda mode: polling the Runtime API at %s", api);
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void loop(String base, boolean ops) {
        // no request timeout on /next: it is a long poll that returns when the next event arrives
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        while (running) {
            String requestId = null;
            try {
                HttpResponse<byte[]> next = http.send(HttpRequest.newBuilder(URI.create(base + API + "next")).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                requestId = next.headers().firstValue(REQUEST_ID)
                        .orElseThrow(() -> new IOException("Runtime API answered /next without " + REQUEST_ID + " (" + next.statusCode() + ")"));
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                if (ops) {
                    json.writeValue(reply, lakeOps.get().handle(json.readValue(next.body(), OBJECT)));
                } else {
                    handler.handle(new ByteArrayInputStream(next.body()), reply);
                }
                post(http, base + API + requestId + "/response", reply.toByteArray(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.errorf(e, "invocation %s failed", requestId);
                if (requestId != null) {
                    reportError(http, base + API + requestId + "/error", e);
                } else {
                    pause();
                }
            }
        }
    }

    private void reportError(HttpClient http, String url, Exception failure) {
        try {
            byte[] body = json.writeValueAsBytes(java.util.Map.of("errorMessage", String.valueOf(failure.getMessage()),
                    "errorType", failure.getClass().getName()));
            post(http, url, body, "Unhandled");
        } catch (IOException e) {
            LOG.error("could not report the invocation error to the Runtime API", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void post(HttpClient http, String url, byte[] body, String errorType) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (errorType != null) {
            b.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() / 100 != 2) {
            throw new IOException("Runtime API refused " + url + ": " + r.statusCode() + " " + r.body());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000); // the Runtime API itself is unreachable: do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
