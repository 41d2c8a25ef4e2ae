package io.tributary.event;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** ISO-8601 parsing and UTC formatting on the hot path: a hand-written fast path for the common shapes,
 *  java.time for everything else. */
public final class Timestamps {

    private Timestamps() {
    }

    /**
     * Parses an ISO-8601 date-time with an offset ({@code Z} or {@code ±HH:MM}); a date-time without an offset is read as UTC.
     *
     * @throws DateTimeParseException when the text is not such a date-time
     */
    public static Instant parse(String s) {
        Instant fast = parseFast(s);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}; null when the text has another shape. */
    private static Instant parseFast(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1 || hour > 23
                || minute > 59 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n - 21 < 1 || n - 21 > 9) {
                return null;
            }
            int frac = digits(s, 20, n - 21);
            if (frac < 0) {
                return null;
            }
            nanos = frac;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
    public static String iso(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        char[] c = new char[24];
        put(c, 0, d.getYear(), 4);
        c[4] = '-';
        put(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, d.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, d.getHour(), 2);
        c[13] = ':';
        put(c, 14, d.getMinute(), 2);
        c[16] = ':';
        put(c, 17, d.getSecond(), 2);
        c[19] = '.';
        put(c, 20, d.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** {@code yyyy-MM-dd} in UTC. */
    public static String date(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        char[] c = new char[10];
        put(c, 0, d.getYear(), 4);
        c[4] = '-';
        put(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, d.getDayOfMonth(), 2);
        return new String(c);
    }

    /** Hour of day (0-23) in UTC. */
    public static int hour(Instant t) {
        return (int) Math.floorMod(t.getEpochSecond(), 86_400L) / 3_600;
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
