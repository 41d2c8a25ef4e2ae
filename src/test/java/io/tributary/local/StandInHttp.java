package io.tributary.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/** The HTTP side the in-JVM AWS stand-ins (Glue, Athena, Redshift Data API, Lambda Invoke) share: a server on a free port of
 *  127.0.0.1, and JSON replies with AWS's request id and error-type headers. */
final class StandInHttp {

    /** The AWS JSON 1.1 protocol's content type (Glue, Athena, the Redshift Data API). */
    static final String AWS_JSON = "application/x-amz-json-1.1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StandInHttp() {
    }

    /** A server on a free port of 127.0.0.1, not yet serving: {@link #serve} starts it once its handler exists. */
    static HttpServer loopback() throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    }

    /** Serves every path with {@code handler} on daemon threads named {@code threadName}. */
    static void serve(HttpServer http, String threadName, HttpHandler handler) {
        http.createContext("/", handler);
        http.setExecutor(Executors.newCachedThreadPool(daemon(threadName)));
        http.start();
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    static String endpoint(HttpServer http) {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** A JSON reply; {@code errorType} (null for none) goes in {@code x-amzn-ErrorType}, as AWS names an error. */
    static void send(HttpExchange exchange, int status, String contentType, ObjectNode body, String errorType) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
