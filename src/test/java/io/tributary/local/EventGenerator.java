package io.tributary.local;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

import io.tributary.event.Timestamps;

/**
 * Seed-shaped events (see data/sample_input.json) with realistic variety: event types, users, sessions, devices written
 * several ways, countries as codes and names, URLs with paths and queries, some events without optional fields, a few
 * late and future timestamps. Deterministic for a given seed.
 */
public final class EventGenerator {

    private static final String[] TYPES = {"page_view", "page_view", "page_view", "click", "add_to_cart", "search", "purchase", "login"};
    private static final String[] CATEGORIES = {"electronics", "books", "clothing", "home", "toys", "sports", "beauty", "garden"};
    private static final String[] DEVICES = {"desktop", "mobile", "Mobile", "tablet", "iPhone", "android", "desktop", "smart-tv"};
    private static final String[] COUNTRIES = {"US", "us", "GB", "DE", "FR", "France", "USA", "JP", "BR", "IN", "CA", "Germany"};
    private static final String[] CITIES = {"New York", "London", "Berlin", "Paris", "Lyon", "Chicago", "Tokyo", "São Paulo", "Mumbai", "Toronto"};
    private static final String[] HOSTS = {"shop.example.com", "www.example.com", "m.example.com"};
    private static final String[] PATHS = {"/products/", "/category/", "/search?q=", "/cart", "/checkout", "/"};

    private final SplittableRandom random;
    private final Instant base;
    private long n;

    public EventGenerator(long seed, Instant base) {
        this.random = new SplittableRandom(seed);
        this.base = base;
    }

    /** The next event as JSON. */
    public String nextJson() {
        n++;
        int user = random.nextInt(50_000);
        String type = TYPES[random.nextInt(TYPES.length)];
        long offsetMs = -random.nextLong(3_600_000L);
        int r = random.nextInt(1000);
        if (r == 0) {
            offsetMs = -10L * 86_400_000L; // late: ten days old
        } else if (r == 1) {
            offsetMs = 2 * 3_600_000L; // future: a producer clock two hours ahead
        }
        String timestamp = Timestamps.iso(base.plusMillis(offsetMs));
        int product = random.nextInt(5000);
        String path = PATHS[random.nextInt(PATHS.length)];
        String url = "https://" + HOSTS[random.nextInt(HOSTS.length)] + path + (path.endsWith("/") && path.length() > 1 ? product : "");
        StringBuilder sb = new StringBuilder(400);
        sb.append("{\"timestamp\":\"").append(timestamp)
                .append("\",\"user_id\":\"user_").append(user)
                .append("\",\"event_type\":\"").append(type)
                .append("\",\"data\":{\"page_url\":\"").append(url).append('"');
        if (random.nextInt(4) != 0) {
            sb.append(",\"product_id\":\"prod_").append(product).append('"')
                    .append(",\"category\":\"").append(CATEGORIES[product % CATEGORIES.length]).append('"');
        }
        sb.append(",\"session_id\":\"sess_").append(user).append('_').append(random.nextInt(8)).append('"')
                .append(",\"device_type\":\"").append(DEVICES[random.nextInt(DEVICES.length)]).append('"');
        if (random.nextInt(20) != 0) {
            int c = random.nextInt(COUNTRIES.length);
            sb.append(",\"location\":{\"country\":\"").append(COUNTRIES[c])
                    .append("\",\"city\":\"").append(CITIES[c % CITIES.length]).append("\"}");
        }
        sb.append("}}");
        return sb.toString();
    }

    public byte[] next() {
        return nextJson().getBytes(StandardCharsets.UTF_8);
    }

    /** How many events this generator produced. */
    public long count() {
        return n;
    }
}
