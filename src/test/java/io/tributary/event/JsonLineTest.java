package io.tributary.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** The raw-zone line writer writes exactly the bytes Jackson's generator writes for the same fields. */
class JsonLineTest {

    static final JsonLine.Fields FIELDS = new JsonLine.Fields("a", "näme \"q\"", "n", "t", "z");
    static final JsonFactory JACKSON = new JsonFactory();
    static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static byte[] jackson(String a, String b, int n, Instant t, String z) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JACKSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("a", a);
            g.writeStringField("näme \"q\"", b);
            g.writeNumberField("n", n);
            g.writeStringField("t", ISO_MILLIS.format(t));
            g.writeStringField("z", z);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    static byte[] line(String a, String b, int n, Instant t, String z) {
        return new JsonLine(FIELDS, 8).field("a", a).field("näme \"q\"", b).field("n", n).isoField("t", t).field("z", z).end();
    }

    /** Characters from every class the writer treats apart: plain ASCII, quote and backslash, control characters,
     *  two- and three-byte UTF-8, surrogate pairs and lone surrogates. */
    static String randomText(Random r) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(8)) {
                case 0 -> s.append((char) (0x20 + r.nextInt(0x60)));
                case 1 -> s.append(r.nextBoolean() ? '"' : '\\');
                case 2 -> s.append((char) r.nextInt(0x20));
                case 3 -> s.append((char) (0x80 + r.nextInt(0x780)));
                case 4 -> s.append((char) (0x800 + r.nextInt(0xd000 - 0x800)));
                case 5 -> s.appendCodePoint(0x10000 + r.nextInt(0x100000));
                case 6 -> s.append((char) (0xd800 + r.nextInt(0x800)));
                default -> s.append((char) 0x7f);
            }
        }
        return s.toString();
    }

    @Test
    void writesTheBytesJacksonWritesForEveryKindOfCharacter() throws IOException {
        Random r = new Random(20261205);
        for (int i = 0; i < 20_000; i++) {
            String a = randomText(r);
            String b = r.nextInt(10) == 0 ? null : randomText(r);
            int n = r.nextInt();
            Instant t = Instant.ofEpochSecond(r.nextLong(-62_167_219_200L, 253_402_300_799L), r.nextInt(1_000_000_000));
            String z = randomText(r);
            assertArrayEquals(jackson(a, b, n, t, z), line(a, b, n, t, z), () -> "strings " + a + " / " + b + " / " + z + " at " + t);
        }
    }

    @Test
    void rendersTimestampsAsTimestampsIsoDoes() {
        Instant[] times = {Instant.parse("2026-12-31T23:59:59.999Z"), Instant.parse("2027-01-01T00:00:00Z"),
            Instant.parse("2024-02-29T12:34:56.007Z"), Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.5Z")};
        for (Instant t : times) {
            String line = new String(new JsonLine(new JsonLine.Fields("t"), 8).isoField("t", t).end(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals("{\"t\":\"" + Timestamps.iso(t) + "\"}", line);
            assertEquals(DateTimeFormatter.ISO_LOCAL_DATE.format(t.atZone(java.time.ZoneOffset.UTC)), Timestamps.date(t));
            assertEquals(String.format("dt=%s/hour=%02d", Timestamps.date(t), t.atZone(java.time.ZoneOffset.UTC).getHour()),
                    Timestamps.hourPartition(t));
        }
        assertEquals("2026-12-31T23:59:59.999Z", Timestamps.iso(times[0]));
        assertEquals("1969-12-31T23:59:59.500Z", Timestamps.iso(times[4]));
    }

    @Test
    void escapesSurrogatesPairedOrNotAsJacksonDoes() throws IOException {
        for (String s : new String[] {"x\ud800y", "x\udc00", "\ud83d\ude00", "\ude00\ud83d"}) {
            assertArrayEquals(jackson(s, s, 0, Instant.EPOCH, s), line(s, s, 0, Instant.EPOCH, s), s);
        }
        assertEquals("{\"t\":\"\\uD83D\\uDE00\"}", new String(new JsonLine(new JsonLine.Fields("t"), 4).field("t", "\ud83d\ude00").end(),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void refusesFieldsOutOfTheirOrderOrMissing() {
        assertThrows(IllegalStateException.class, () -> new JsonLine(FIELDS, 8).field("n", 1));
        assertThrows(IllegalStateException.class, () -> new JsonLine(FIELDS, 8).field("a", "x").end());
    }
}
