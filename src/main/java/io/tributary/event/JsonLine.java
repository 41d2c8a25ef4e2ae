package io.tributary.event;

import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one flat JSON object of string, number and timestamp fields straight into UTF-8 bytes: the raw-zone line of
 * every valid event, the hottest code of ingest. It writes the bytes Jackson's generator writes for the same fields
 * (its escapes, UTF-8 for the rest of the BMP, surrogates escaped), without a generator per record and with
 * the field names encoded once ({@link Fields}); {@code JsonLineTest} holds the two side by side. Each string reserves six
 * bytes per character up front, which suits the raw line's values (contract fields checked against their byte limits,
 * and Kinesis coordinates); the errors-zone line, which carries a whole rejected payload, stays with Jackson's generator.
 * Not thread-safe: one per line.
 */
final class JsonLine {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    /** ASCII characters written as they are (everything from space to DEL but {@code "} and {@code \}). */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    /** The names of a line's fields in the order they are written, each encoded once with its separator. */
    static final class Fields {
        private final String[] names;
        private final byte[][] prefixes;

        Fields(String... names) {
            this.names = names.clone();
            this.prefixes = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                JsonLine l = new JsonLine(null, 16);
                l.string(names[i]);
                byte[] name = Arrays.copyOf(l.buf, l.len);
                byte[] prefix = new byte[name.length + 2];
                prefix[0] = (byte) (i == 0 ? '{' : ',');
                System.arraycopy(name, 0, prefix, 1, name.length);
                prefix[prefix.length - 1] = ':';
                prefixes[i] = prefix;
            }
        }
    }

    private final Fields fields;
    private byte[] buf;
    private int len;
    private int next;

    JsonLine(Fields fields, int capacity) {
        this.fields = fields;
        buf = new byte[Math.max(capacity, 16)];
    }

    /** {@code "name":"value"}, or {@code "name":null} for a null value. */
    JsonLine field(String name, String value) {
        name(name);
        if (value == null) {
            append(NULL);
        } else {
            string(value);
        }
        return this;
    }

    JsonLine field(String name, int value) {
        name(name);
        ensure(11);
        String digits = Integer.toString(value);
        for (int i = 0; i < digits.length(); i++) {
            buf[len++] = (byte) digits.charAt(i);
        }
        return this;
    }

    /** {@code "name":"yyyy-MM-ddTHH:mm:ss.SSSZ"} in UTC, as {@link Timestamps#iso} renders it. */
    JsonLine isoField(String name, Instant t) {
        name(name);
        ensure(26);
        buf[len++] = '"';
        len = Timestamps.writeIso(t, buf, len);
        buf[len++] = '"';
        return this;
    }

    /** The line: the object closed, its bytes copied out. */
    byte[] end() {
        if (next != fields.names.length) {
            throw new IllegalStateException("JSON line ends after " + next + " of its " + fields.names.length + " fields");
        }
        ensure(1);
        buf[len++] = '}';
        return Arrays.copyOf(buf, len);
    }

    private void name(String name) {
        if (next >= fields.names.length || !name.equals(fields.names[next])) {
            throw new IllegalStateException("JSON line field '" + name + "' written out of its order "
                    + Arrays.toString(fields.names) + " at " + next);
        }
        append(fields.prefixes[next++]);
    }

    private void append(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** A quoted JSON string: printable ASCII as is; {@code "}, {@code \}, control characters and surrogates escaped as
     *  Jackson escapes them; everything else as UTF-8. */
    private void string(String s) {
        int n = s.length();
        // worst case: 6 bytes per character (a control character or a surrogate as \\uXXXX), plus the quotes
        ensure(n * 6 + 2);
        byte[] b = buf;
        int at = len;
        b[at++] = '"';
        int i = 0;
        for (char c; i < n && (c = s.charAt(i)) < 0x80 && PLAIN[c]; i++) {
            b[at++] = (byte) c;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    b[at++] = (byte) c;
                } else {
                    at = escape(c, b, at);
                }
            } else if (c < 0x800) {
                b[at++] = (byte) (0xc0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            } else if (!Character.isSurrogate(c)) {
                b[at++] = (byte) (0xe0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            } else {
                // as Jackson's generator does by default: a character outside the BMP as its two escaped surrogates
                at = escape(c, b, at);
            }
        }
        b[at++] = '"';
        len = at;
    }

    private static int escape(char c, byte[] b, int at) {
        b[at++] = '\\';
        switch (c) {
            case '"' -> b[at++] = '"';
            case '\\' -> b[at++] = '\\';
            case '\b' -> b[at++] = 'b';
            case '\t' -> b[at++] = 't';
            case '\n' -> b[at++] = 'n';
            case '\f' -> b[at++] = 'f';
            case '\r' -> b[at++] = 'r';
            default -> {
                b[at++] = 'u';
                b[at++] = HEX[c >> 12];
                b[at++] = HEX[(c >> 8) & 0xf];
                b[at++] = HEX[(c >> 4) & 0xf];
                b[at++] = HEX[c & 0xf];
            }
        }
        return at;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
