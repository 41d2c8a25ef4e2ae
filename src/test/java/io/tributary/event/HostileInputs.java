package io.tributary.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.tributary.batch.Batcher;
import io.tributary.batch.SealedBatch;

/**
 * A seeded, reproducible source of hostile event payloads: seed-shaped events, then one mutation each — truncation,
 * byte flips, random Unicode (supplementary planes, lone surrogates, noncharacters, BOM), control characters, huge and
 * tiny numbers, extreme dates, deep nesting, duplicate keys, strings around and far over the contract's byte limits,
 * wrong types, non-objects and random bytes. The same seed yields the same inputs in the same order.
 */
public final class HostileInputs {

    /** What was done to the input; the property tests report counts per kind. */
    public enum Kind {
        VALID, TRUNCATED, BYTE_FLIP, RANDOM_UNICODE, CONTROL_CHARACTER, SURROGATE, HUGE_OR_TINY_NUMBER, EXTREME_DATE,
        DEEP_NESTING, DUPLICATE_KEY, LONG_STRING, WRONG_TYPE, NOT_AN_OBJECT, RANDOM_BYTES
    }

    public record Input(Kind kind, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** One field of the event being built: its JSON key path and its value as a JSON fragment. */
    private record Field(String key, String json) {
    }

    private static final String[] EVENT_TYPES = {"page_view", "Page_View", "PURCHASE", "add_to_cart", "search", "click"};
    private static final String[] CATEGORIES = {"electronics", "books", "Garden & Outdoor", "jouets", "家電", "игрушки"};
    private static final String[] DEVICES = {"iPhone", "desktop", "Android Tablet", "smart-tv", "", "Mozilla/5.0 (X11)"};
    private static final String[] COUNTRIES = {"US", "usa", "United Kingdom", "DEU", "fr", "Atlantis", ""};
    private static final String[] EXTREME_DATES = {
        "0000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
        "-999999999-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59-14:00", "1900-01-01T00:00:00Z",
        "1900-01-01T00:00:00+14:00", "1899-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2024-02-29T12:00:00Z", "2026-11-30T24:00:00Z", "2026-11-30T23:59:60Z", "2026-11-30T10:00:00+25:00",
        "2026-11-30 10:00:00", "2026-11-30", "", " ", "2026-11-30T10:00:00.1234567890123Z", "20261130T100000Z",
        "2026-W48-1T10:00:00Z", "2026-11-30T10:00:00+05:45", "2026-11-30T10:00Z", "2026-11-30T10:00:00z",
        "2026-11-30T10:00:00.000+00:00[Europe/Paris]", "١٩٧٠-٠١-٠١T00:00:00Z", "2026-11-30T10:00:00\u0000Z"};
    private static final String[] NUMBERS = {
        "1e999999", "-1e999999", "1e-999999", "4.9e-324", "1.7976931348623157e308", "-0", "0.0000000000000000000001",
        "123456789012345678901234567890", "NaN", "Infinity", "-Infinity", "0x10", "01", "1.", ".5", "+1"};
    private static final String[] NOT_OBJECTS = {
        "", " ", "\n", "null", "true", "0", "\"event\"", "[]", "[{}]", "\uFEFF{}", "{", "}", "{}{}", "{} x", "//", "\"\\u0000\""};

    /** What {@link #ingest} sent (index = position in the shard) and the batches the batcher sealed from it. */
    public record Ingested(List<Input> sent, List<SealedBatch> sealed) {
    }

    /** The shard the generated records are read from; {@link #sequence} numbers them in order. */
    public static final String SHARD = "shardId-000000000000";

    private final SplittableRandom random;

    public HostileInputs(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * Runs {@code n} generated inputs through the processor and a batcher exactly as the consumer does (one shard,
     * arrival one millisecond apart from {@code arrival}), then drains the batcher. An exception names the input.
     */
    public static Ingested ingest(long seed, int n, EventProcessor processor, Batcher batcher, Instant arrival) {
        HostileInputs inputs = new HostileInputs(seed);
        List<Input> sent = new ArrayList<>(n);
        List<SealedBatch> sealed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Input input = inputs.next();
            sent.add(input);
            RecordMeta meta = new RecordMeta("events", SHARD, sequence(i), arrival.plusMillis(i));
            try {
                sealed.addAll(batcher.add(meta, processor.process(input.payload(), meta)));
            } catch (RuntimeException | Error e) {
                throw new AssertionError("input #" + i + " (" + input.kind() + ", seed " + seed + ") threw", e);
            }
        }
        sealed.addAll(batcher.drain());
        return new Ingested(sent, sealed);
    }

    /** Kinesis-like sequence numbers that sort with the input index. */
    public static String sequence(int i) {
        return "4959" + String.format("%012d", i);
    }

    public static int index(String sequenceNumber) {
        return Integer.parseInt(sequenceNumber.substring(4));
    }

    public Input next() {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        return new Input(kind, generate(kind));
    }

    private byte[] generate(Kind kind) {
        List<Field> event = baseEvent();
        switch (kind) {
            case VALID -> {
                return render(event);
            }
            case TRUNCATED -> {
                byte[] b = render(event);
                return java.util.Arrays.copyOf(b, random.nextInt(b.length));
            }
            case BYTE_FLIP -> {
                if (random.nextInt(8) == 0) {
                    replaceString(event, longString()); // flips in an oversize record too: its bytes must be kept
                }
                byte[] b = render(event);
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                return b;
            }
            case RANDOM_UNICODE -> replaceString(event, randomUnicode(1 + random.nextInt(40)));
            case CONTROL_CHARACTER -> replaceString(event, withControlCharacter());
            case SURROGATE -> {
                return surrogate(event);
            }
            case HUGE_OR_TINY_NUMBER -> {
                String n = random.nextBoolean() ? NUMBERS[random.nextInt(NUMBERS.length)] : digits(1 + random.nextInt(2_000));
                if (random.nextBoolean()) {
                    event.add(new Field("ignored_number", n));
                } else {
                    replace(event, randomKey(event), n);
                }
            }
            case EXTREME_DATE -> replace(event, "timestamp", quote(EXTREME_DATES[random.nextInt(EXTREME_DATES.length)]));
            case DEEP_NESTING -> {
                int depth = new int[] {30, 31, 32, 33, 64, 5_000}[random.nextInt(6)];
                event.add(new Field("nested", "[".repeat(depth) + "]".repeat(depth)));
            }
            case DUPLICATE_KEY -> {
                Field f = event.get(random.nextInt(event.size()));
                event.add(random.nextInt(event.size()), new Field(f.key(), random.nextBoolean() ? f.json() : quote("other")));
            }
            case LONG_STRING -> replaceString(event, longString());
            case WRONG_TYPE -> replace(event, randomKey(event),
                    new String[] {"1", "true", "null", "[]", "{}", "[\"a\"]", "12.5"}[random.nextInt(7)]);
            case NOT_AN_OBJECT -> {
                return NOT_OBJECTS[random.nextInt(NOT_OBJECTS.length)].getBytes(StandardCharsets.UTF_8);
            }
            case RANDOM_BYTES -> {
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                return b;
            }
        }
        return render(event);
    }

    private List<Field> baseEvent() {
        List<Field> f = new ArrayList<>();
        if (random.nextInt(4) > 0) {
            f.add(new Field("event_id", quote("evt-" + Long.toHexString(random.nextLong()))));
        }
        long second = 1_764_460_800L + random.nextInt(86_400); // within 2025-11-30 (UTC), so late relative to arrival
        String ts = java.time.Instant.ofEpochSecond(second, random.nextInt(3) == 0 ? random.nextInt(1_000) * 1_000_000L : 0).toString();
        f.add(new Field("timestamp", quote(random.nextInt(5) == 0 ? ts.replace("Z", "+00:00") : ts)));
        f.add(new Field("user_id", quote("user_" + random.nextInt(10_000))));
        f.add(new Field("event_type", quote(EVENT_TYPES[random.nextInt(EVENT_TYPES.length)])));
        f.add(new Field("data.page_url", quote("https://Shop.Example.com/p/" + random.nextInt(1_000) + "?q=" + random.nextInt(9))));
        f.add(new Field("data.product_id", quote("prod_" + random.nextInt(500))));
        f.add(new Field("data.category", quote(CATEGORIES[random.nextInt(CATEGORIES.length)])));
        f.add(new Field("data.session_id", quote("sess_" + Long.toHexString(random.nextLong()))));
        f.add(new Field("data.device_type", quote(DEVICES[random.nextInt(DEVICES.length)])));
        f.add(new Field("data.location.country", quote(COUNTRIES[random.nextInt(COUNTRIES.length)])));
        f.add(new Field("data.location.city", quote(random.nextBoolean() ? "São Paulo" : "New York")));
        return f;
    }

    private String randomKey(List<Field> event) {
        return event.get(random.nextInt(event.size())).key();
    }

    private static void replace(List<Field> event, String key, String json) {
        for (int i = 0; i < event.size(); i++) {
            if (event.get(i).key().equals(key)) {
                event.set(i, new Field(key, json));
                return;
            }
        }
        event.add(new Field(key, json));
    }

    private void replaceString(List<Field> event, String json) {
        replace(event, randomKey(event), json);
    }

    /** A JSON string of random code points: ASCII, Latin-1, CJK, emoji, combining marks, RTL, noncharacters, BOM. */
    private String randomUnicode(int length) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < length; i++) {
            int cp = switch (random.nextInt(9)) {
                case 0 -> 0x20 + random.nextInt(0x5F);
                case 1 -> 0xA0 + random.nextInt(0x60);
                case 2 -> 0x4E00 + random.nextInt(0x5000);
                case 3 -> 0x1F300 + random.nextInt(0x300);
                case 4 -> 0x0300 + random.nextInt(0x70);
                case 5 -> 0x0590 + random.nextInt(0x170);
                case 6 -> new int[] {0xFFFE, 0xFFFF, 0xFEFF, 0xFFFD, 0x10FFFF, 0x200B, 0x2028}[random.nextInt(7)];
                case 7 -> 0x10000 + random.nextInt(0xFFFFF);
                default -> 'a' + random.nextInt(26);
            };
            if (cp == '"' || cp == '\\') {
                s.append('\\');
            }
            s.appendCodePoint(cp);
        }
        return s.append('"').toString();
    }

    /** A string with a control character, raw (invalid JSON below U+0020) or escaped, at a random place. */
    private String withControlCharacter() {
        int c = new int[] {0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x85, 0x9F}[random.nextInt(10)];
        String ch = random.nextBoolean() ? String.format("\\u%04x", c) : String.valueOf((char) c);
        return switch (random.nextInt(3)) {
            case 0 -> "\"" + ch + "\"";
            case 1 -> "\"view" + ch + "\"";
            default -> "\"" + ch + "page_view" + ch + "\"";
        };
    }

    /** Surrogates: escaped lone high or low, a reversed pair, a correct pair, or CESU-8 bytes (invalid UTF-8). */
    private byte[] surrogate(List<Field> event) {
        String json = switch (random.nextInt(5)) {
            case 0 -> "\"a\\ud800\"";
            case 1 -> "\"\\udc00b\"";
            case 2 -> "\"\\ude00\\ud83d\"";
            case 3 -> "\"\\ud83d\\ude00\"";
            default -> null;
        };
        String key = randomKey(event);
        if (json != null) {
            replace(event, key, json);
            return render(event);
        }
        replace(event, key, "\"CESU\"");
        byte[] b = render(event);
        String text = new String(b, StandardCharsets.UTF_8);
        int at = text.indexOf("CESU");
        byte[] prefix = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] suffix = text.substring(at + 4).getBytes(StandardCharsets.UTF_8);
        byte[] cesu = {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80};
        byte[] out = new byte[prefix.length + cesu.length + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(cesu, 0, out, prefix.length, cesu.length);
        System.arraycopy(suffix, 0, out, prefix.length + cesu.length, suffix.length);
        return out;
    }

    /** Around a contract limit (in bytes, with 1-4 byte characters so a limit can fall inside one), or far over it. */
    private String longString() {
        int target = new int[] {63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024, 1025, 8191, 8192, 8193, 100_000,
            1_100_000}[random.nextInt(17)];
        String unit = new String[] {"a", "é", "家", "😀"}[random.nextInt(4)];
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        return quote(unit.repeat(Math.max(1, target / unitBytes)) + "x".repeat(random.nextInt(2) * (target % unitBytes)));
    }

    private String digits(int n) {
        StringBuilder s = new StringBuilder(n + 1);
        if (random.nextBoolean()) {
            s.append('-');
        }
        s.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Renders the fields as nested JSON objects by their dotted keys, in order; a repeated key is written twice. */
    private static byte[] render(List<Field> fields) {
        StringBuilder top = new StringBuilder("{");
        StringBuilder data = new StringBuilder();
        StringBuilder location = new StringBuilder();
        for (Field f : fields) {
            String key = f.key();
            if (key.startsWith("data.location.")) {
                append(location, key.substring("data.location.".length()), f.json());
            } else if (key.startsWith("data.")) {
                append(data, key.substring("data.".length()), f.json());
            } else {
                append(top, key, f.json());
            }
        }
        if (location.length() > 0) {
            append(data, "location", "{" + location + "}");
        }
        if (data.length() > 0) {
            append(top, "data", "{" + data + "}");
        }
        return top.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void append(StringBuilder object, String key, String json) {
        if (object.length() > 1 || (object.length() == 1 && object.charAt(0) != '{')) {
            object.append(',');
        }
        object.append('"').append(key).append("\":").append(json);
    }
}
