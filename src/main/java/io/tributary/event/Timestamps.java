package io.tributary.event;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.nio.charset.StandardCharsets;

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
        byte[] b = new byte[24];
        writeIso(t, b, 0);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** Writes {@link #iso} of {@code t} into {@code b} at {@code at}; returns the index after it (24 bytes on). */
    static int writeIso(Instant t, byte[] b, int at) {
        long seconds = t.getEpochSecond();
        Day day = day(Math.floorDiv(seconds, 86_400L));
        System.arraycopy(day.ascii, 0, b, at, 10);
        int s = (int) Math.floorMod(seconds, 86_400L);
        b[at + 10] = 'T';
        put(b, at + 11, s / 3_600, 2);
        b[at + 13] = ':';
        put(b, at + 14, s / 60 % 60, 2);
        b[at + 16] = ':';
        put(b, at + 17, s % 60, 2);
        b[at + 19] = '.';
        put(b, at + 20, t.getNano() / 1_000_000, 3);
        b[at + 23] = 'Z';
        return at + 24;
    }

    /** {@code yyyy-MM-dd} in UTC. */
    public static String date(Instant t) {
        return day(Math.floorDiv(t.getEpochSecond(), 86_400L)).text;
    }

    /** {@code dt=yyyy-MM-dd/hour=HH} in UTC: an hour's partition of the raw zone. */
    public static String hourPartition(Instant t) {
        long seconds = t.getEpochSecond();
        Day day = day(Math.floorDiv(seconds, 86_400L));
        int h = (int) Math.floorMod(seconds, 86_400L) / 3_600;
        String p = day.partitions[h];
        if (p == null) {
            // racy like DAYS: a String is immutable, so a thread sees it whole or not at all
            p = "dt=" + day.text + "/hour=" + (h < 10 ? "0" : "") + h;
            day.partitions[h] = p;
        }
        return p;
    }

    /** One UTC day's {@code yyyy-MM-dd} (and its hours' partitions, made when first asked for), kept for the next
     *  record: nearly every record falls on the day of the one before. */
    private record Day(long epochDay, String text, byte[] ascii, String[] partitions) {
    }

    /** Two days, by the parity of the day: records around midnight (event time and arrival time on either side) keep both. */
    private static final Day[] DAYS = new Day[2];

    private static Day day(long epochDay) {
        int slot = (int) (epochDay & 1);
        // a benign race: a Day is immutable, so a thread sees either a whole Day or an older one, which it replaces
        Day d = DAYS[slot];
        if (d == null || d.epochDay != epochDay) {
            java.time.LocalDate date = java.time.LocalDate.ofEpochDay(epochDay);
            byte[] c = new byte[10];
            put(c, 0, date.getYear(), 4);
            c[4] = '-';
            put(c, 5, date.getMonthValue(), 2);
            c[7] = '-';
            put(c, 8, date.getDayOfMonth(), 2);
            d = new Day(epochDay, new String(c, StandardCharsets.US_ASCII), c, new String[24]);
            DAYS[slot] = d;
        }
        return d;
    }

    /** Hour of day (0-23) in UTC. */
    public static int hour(Instant t) {
        return (int) Math.floorMod(t.getEpochSecond(), 86_400L) / 3_600;
    }

    private static void put(byte[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
