package io.tributary.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local Lambda mock event server: the Lambda Runtime API (GET .../invocation/next, POST .../{id}/response and
 * .../{id}/error) that the function polls, plus {@code POST /} that queues an event, waits for the function's reply and
 * answers with it (200) or with the reported error (500). {@code POST /2015-03-31/functions/{name}/invocations} does the
 * same the way the Lambda Invoke API answers ({@code aws lambda invoke --endpoint-url}): a function error is a 200 with
 * {@code X-Amz-Function-Error}. Loopback only, free port. Test and dev use only.
 */
public final class LambdaRuntimeStandIn implements AutoCloseable {

    private static final String API = "/2018-06-01/runtime/invocation/";
    /** The Lambda Invoke API's path prefix (POST /2015-03-31/functions/{name}/invocations), for the AWS CLI. */
    private static final String INVOKE_API = "/2015-03-31/functions/";

    private record Invocation(String id, byte[] event, CompletableFuture<Reply> reply) {
    }

    private record Reply(int status, byte[] body) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-runtime-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();

    private LambdaRuntimeStandIn(HttpServer server) {
        this.server = server;
    }

    public static LambdaRuntimeStandIn start() {
        // small replies on loopback: without TCP_NODELAY, Nagle and delayed ACKs add tens of ms to every invocation
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            LambdaRuntimeStandIn s = new LambdaRuntimeStandIn(server);
            server.createContext("/", s::handle);
            server.setExecutor(s.threads);
            server.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    public String runtimeApi() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Where events are posted. */
    public String eventsUrl() {
        return "http://" + runtimeApi() + "/";
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (path.equals(API + "next") && x.getRequestMethod().equals("GET")) {
                next(x);
            } else if (path.startsWith(API) && x.getRequestMethod().equals("POST")) {
                String[] parts = path.substring(API.length()).split("/");
                Invocation inv = parts.length == 2 ? inFlight.remove(parts[0]) : null;
                if (inv == null) {
                    respond(x, 400, "{\"errorMessage\":\"unknown invocation\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                inv.reply.complete(new Reply(parts[1].equals("response") ? 200 : 500, read(x.getRequestBody())));
                respond(x, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            } else if (x.getRequestMethod().equals("POST")) {
                invoke(x);
            } else {
                respond(x, 404, new byte[0]);
            }
        }
    }

    private void next(HttpExchange x) throws IOException {
        try {
            Invocation inv = queue.take();
            inFlight.put(inv.id, inv);
            x.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", inv.id);
            x.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 900_000));
            x.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:tributary-local");
            respond(x, 200, inv.event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void invoke(HttpExchange x) throws IOException {
        Invocation inv = new Invocation(UUID.randomUUID().toString(), read(x.getRequestBody()), new CompletableFuture<>());
        queue.add(inv);
        try {
            Reply r = inv.reply.get(120, TimeUnit.SECONDS);
            x.getResponseHeaders().add("Content-Type", "application/json");
            if (x.getRequestURI().getPath().startsWith(INVOKE_API) && r.status != 200) {
                // the Lambda Invoke API (aws lambda invoke): a function error is a 200 with this header
                x.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
                respond(x, 200, r.body);
            } else {
                respond(x, r.status, r.body);
            }
        } catch (TimeoutException e) {
            respond(x, 504, "{\"errorMessage\":\"the function did not answer within 120 s\"}".getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            respond(x, 500, String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] read(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void respond(HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
