package io.tributary.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Lambda Invoke API (test scope) on 127.0.0.1: {@code POST /2015-03-31/functions/{FunctionName}/invocations} with the
 * event as the body, RequestResponse only (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). Each function
 * name or ARN (an alias ARN too, as Step Functions passes it) is bound to a handler: the application's own handler bean
 * in the conformance tests. The reply is the handler's result as JSON with status 200; a handler that throws gives 200
 * with {@code X-Amz-Function-Error: Unhandled} and {@code {"errorMessage","errorType","stackTrace"}}, as the Java runtime
 * reports an unhandled exception. An unknown function is a 404 ResourceNotFoundException. Every call is recorded.
 */
public final class LambdaInvokeStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

    /** One invocation: the function as named by the caller, and the event it sent. */
    public record Invocation(String function, Map<String, Object> event) {
    }

    private final HttpServer http;
    private final Map<String, Function<Map<String, Object>, Map<String, Object>>> functions = new ConcurrentHashMap<>();
    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();

    private LambdaInvokeStandIn(HttpServer http) {
        this.http = http;
    }

    public static LambdaInvokeStandIn start() {
        try {
            HttpServer http = StandInHttp.loopback();
            LambdaInvokeStandIn standIn = new LambdaInvokeStandIn(http);
            StandInHttp.serve(http, "lambda-invoke-stand-in", standIn::handle);
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Lambda Invoke stand-in on 127.0.0.1", e);
        }
    }

    public String endpoint() {
        return StandInHttp.endpoint(http);
    }

    /** Binds a function name or ARN to a handler. */
    public void bind(String function, Function<Map<String, Object>, Map<String, Object>> handler) {
        functions.put(function, handler);
    }

    public List<Invocation> invocations() {
        return List.copyOf(invocations);
    }

    public void clear() {
        invocations.clear();
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
                StandInHttp.send(exchange, 404, "application/json", JSON.createObjectNode().put("Type", "User").put("message", "not an Invoke request"), "ResourceNotFoundException");
                return;
            }
            String function = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            if (type != null && !type.equals("RequestResponse")) {
                StandInHttp.send(exchange, 400, "application/json", JSON.createObjectNode().put("message", "the stand-in answers RequestResponse only"),
                        "InvalidParameterValueException");
                return;
            }
            Function<Map<String, Object>, Map<String, Object>> handler = functions.get(function);
            if (handler == null) {
                StandInHttp.send(exchange, 404, "application/json", JSON.createObjectNode().put("Type", "User").put("message", "Function not found: " + function),
                        "ResourceNotFoundException");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, Object> event = body.length == 0 ? Map.of() : JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
            invocations.add(new Invocation(function, event));
            byte[] reply;
            String functionError = null;
            try {
                reply = JSON.writeValueAsBytes(handler.apply(event));
            } catch (RuntimeException e) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                ObjectNode error = JSON.createObjectNode().put("errorMessage", String.valueOf(e.getMessage()))
                        .put("errorType", e.getClass().getName());
                trace.toString().lines().skip(1).limit(20).map(String::strip).forEach(error.withArray("stackTrace")::add);
                reply = JSON.writeValueAsBytes(error);
                functionError = "Unhandled";
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Amz-Executed-Version", "1");
            if (functionError != null) {
                exchange.getResponseHeaders().set("X-Amz-Function-Error", functionError);
            }
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        }
    }
}
