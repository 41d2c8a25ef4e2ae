package io.tributary.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** bin/generate: posts seed-shaped events to /events at a chosen rate for a bounded time (loopback by default). */
public final class GeneratorMain {

    /** Events per request: well under the service's record (10,000) and body (10 MiB) limits. */
    static final int PER_REQUEST = 5_000;

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String url = args.length > 2 ? args[2] : "http://127.0.0.1:8080/events";
        String key = System.getenv().getOrDefault("TRIBUTARY_INGEST_API_KEY", "dev-key");
        if (rate < 1 || rate > 100_000 || seconds < 1 || seconds > 86_400) {
            throw new IllegalArgumentException("usage: generate [events-per-second 1..100000] [seconds 1..86400] [url]");
        }
        EventGenerator g = new EventGenerator(System.nanoTime(), Instant.now());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        long accepted = 0;
        long start = System.nanoTime();
        for (int s = 0; s < seconds; s++) {
            for (int sent = 0; sent < rate; sent += PER_REQUEST) {
                accepted += post(http, url, key, g, Math.min(PER_REQUEST, rate - sent));
            }
            long next = start + (s + 1) * 1_000_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            System.out.printf(Locale.ROOT, "\rsent %,d events (%d/s)", accepted, rate);
        }
        System.out.println();
    }

    /** One request of {@code n} events; how many were accepted (0 when the request failed). */
    static long post(HttpClient http, String url, String key, EventGenerator g, int n) throws Exception {
        StringBuilder body = new StringBuilder(n * 300);
        for (int i = 0; i < n; i++) {
            body.append(g.nextJson()).append('\n');
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("X-Api-Key", key)
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            System.err.println("HTTP " + r.statusCode() + ": " + r.body().substring(0, Math.min(500, r.body().length())));
            return 0;
        }
        return n;
    }
}
