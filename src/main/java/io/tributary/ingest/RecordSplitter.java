package io.tributary.ingest;

import java.util.Arrays;

/**
 * Finds the records of a {@code POST /events} body — the elements of one JSON array, one JSON object, or the lines of
 * NDJSON — as byte ranges, in one pass and without parsing them.
 *
 * <p>Why a scanner and not Jackson's {@code JsonParser}: the parser stops at the first malformed byte, so one element with
 * invalid UTF-8, a syntax error, a name over Jackson's limits or deep nesting would leave its neighbours without an
 * answer. Element boundaries only need strings and brackets; each record is then judged alone by the event processor.
 */
final class RecordSplitter {

    /** Where the records are: {@code [start, end)} byte ranges of the body, in order. */
    static final class Spans {
        private int[] starts;
        private int[] ends;
        private int count;

        private Spans(int capacity) {
            starts = new int[capacity];
            ends = new int[capacity];
        }

        int count() {
            return count;
        }

        int start(int i) {
            return starts[i];
        }

        int end(int i) {
            return ends[i];
        }

        /** The bytes of record {@code i}. */
        byte[] copy(byte[] body, int i) {
            return Arrays.copyOfRange(body, starts[i], ends[i]);
        }

        private void add(int start, int end) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            starts[count] = start;
            ends[count] = end;
            count++;
        }
    }

    /** The body as a whole cannot be answered per record: the HTTP status and a message for the producer. */
    static final class BodyRefused extends Exception {
        private final int status;

        BodyRefused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final int maxRecords;

    /** @param maxRecords most records a body may hold; one more is refused with 413 as soon as it is seen */
    RecordSplitter(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    /**
     * A body starting with {@code [} is one JSON array whose elements are the records; otherwise one JSON object (when
     * the whole body is one bracketed value, however many lines it spans) or NDJSON, one record per non-blank line.
     * An empty element ({@code [1,,2]}) is a record (the event processor rejects it as empty); a trailing comma is not.
     *
     * @throws BodyRefused 400 for a body without records, an array that is not closed or has content after it; 413 for
     *                     more than the record limit
     */
    Spans split(byte[] body) throws BodyRefused {
        int first = skipWhitespace(body, 0);
        Spans spans = new Spans(Math.min(maxRecords, 1024));
        if (first < body.length && body[first] == '[') {
            arrayElements(body, first, spans);
        } else {
            int end = first < body.length && body[first] == '{' ? valueEnd(body, first) : -1;
            if (end > 0 && skipWhitespace(body, end) == body.length) {
                spans.add(first, end);
            } else {
                lines(body, spans);
            }
        }
        if (spans.count() == 0) {
            throw new BodyRefused(400, "request body holds no records: send a JSON object, a JSON array or NDJSON");
        }
        return spans;
    }

    /** The elements of the array opening at {@code open}: split at commas outside strings and nested brackets. */
    private void arrayElements(byte[] body, int open, Spans spans) throws BodyRefused {
        int depth = 0;
        int start = -1;
        int last = -1;
        for (int i = open + 1; i < body.length; i++) {
            byte b = body[i];
            if (isWhitespace(b)) {
                continue;
            }
            if (depth == 0 && b == ',') {
                add(spans, start < 0 ? i : start, start < 0 ? i : last + 1);
                start = -1;
                continue;
            }
            if (depth == 0 && b == ']') {
                if (start >= 0) {
                    add(spans, start, last + 1);
                }
                requireEnd(body, i + 1);
                return;
            }
            if (start < 0) {
                start = i;
            }
            if (b == '"') {
                i = stringEnd(body, i);
                if (i < 0) {
                    throw notClosed(open);
                }
            } else if (b == '[' || b == '{') {
                depth++;
            } else if ((b == ']' || b == '}') && depth > 0) {
                depth--;
            }
            last = i;
        }
        throw notClosed(open);
    }

    private static void requireEnd(byte[] body, int from) throws BodyRefused {
        int after = skipWhitespace(body, from);
        if (after < body.length) {
            throw new BodyRefused(400, "content after the JSON array at byte " + after
                    + ": send one JSON array, one JSON object or NDJSON");
        }
    }

    private static BodyRefused notClosed(int open) {
        return new BodyRefused(400, "the JSON array opened at byte " + open + " is not closed (or a string in it is not)");
    }

    private void add(Spans spans, int start, int end) throws BodyRefused {
        if (spans.count() == maxRecords) {
            throw new BodyRefused(413, "request holds more than " + maxRecords
                    + " records, the limit per request (tributary.ingest.max-records-per-request): send at most "
                    + maxRecords + " records per request");
        }
        spans.add(start, end);
    }

    /** NDJSON: each non-blank line, without surrounding white space (a trailing CR included). */
    private void lines(byte[] body, Spans spans) throws BodyRefused {
        int lineStart = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int start = skipWhitespace(body, lineStart);
                int end = i;
                while (end > start && isWhitespace(body[end - 1])) {
                    end--;
                }
                if (end > start) {
                    add(spans, start, end);
                }
                lineStart = i + 1;
            }
        }
    }

    /** End (exclusive) of the bracketed value opening at {@code open}, or -1 when it does not close. */
    static int valueEnd(byte[] body, int open) {
        int depth = 0;
        for (int i = open; i < body.length; i++) {
            byte b = body[i];
            if (b == '"') {
                i = stringEnd(body, i);
                if (i < 0) {
                    return -1;
                }
            } else if (b == '[' || b == '{') {
                depth++;
            } else if ((b == ']' || b == '}') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Index of the quote closing the string that opens at {@code open}, or -1. Bytes of multi-byte UTF-8 sequences (and
     *  invalid bytes) are all above 0x7F, so they never look like a quote or a backslash. */
    private static int stringEnd(byte[] body, int open) {
        for (int i = open + 1; i < body.length; i++) {
            if (body[i] == '\\') {
                i++;
            } else if (body[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int skipWhitespace(byte[] body, int from) {
        int i = from;
        while (i < body.length && isWhitespace(body[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
