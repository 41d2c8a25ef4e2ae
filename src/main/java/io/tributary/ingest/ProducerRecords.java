package io.tributary.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import io.tributary.event.ReasonCode;

/**
 * Finds the user records producers pack into one Kinesis record, the way the KCL and Firehose read them: a KPL aggregate
 * (the Kinesis Producer Library's aggregation format) is de-aggregated; a JSON array of records, or NDJSON (one record per
 * line), is split into its elements; a gzip-compressed record is inflated first, then read the same way (its content,
 * even a single object, becomes user record 0 onwards). Anything else is one record. Each user record is then validated
 * on its own.
 *
 * <p>The KPL format (amazon-kinesis-producer, aggregation-format.md): the 4 magic bytes {@code F3 89 9A C2}, a protobuf
 * {@code AggregatedRecord}, and the 16-byte MD5 of the protobuf bytes. Read here by hand (varints and length-delimited
 * fields are all it takes) instead of pulling protobuf-java and the KPL onto the classpath and into the native image.
 */
public final class ProducerRecords {

    private static final byte[] KPL_MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int MD5_BYTES = 16;
    private static final byte[] GZIP_MAGIC = {0x1F, (byte) 0x8B, 0x08};
    /** Most bytes a gzip-compressed record may inflate to (a bound against decompression bombs); the event processor's
     *  own record limit then applies to each user record. */
    public static final int MAX_INFLATED_BYTES = 16 * 1024 * 1024;
    /** A Kinesis record holds at most 10 MiB: no count limit beyond that. */
    private static final RecordSplitter JSON_SPLITTER = new RecordSplitter(Integer.MAX_VALUE);

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    });

    /**
     * What one Kinesis record holds: {@code records} null when it is one record (to be processed as it is), else its user
     * records in order (index = sub-sequence number); {@code badAggregate} is set instead (with {@code reason}) when it is a
     * KPL aggregate or a gzip stream that cannot be read, and the whole record belongs in the errors zone.
     */
    public record Unpacked(List<byte[]> records, String badAggregate, ReasonCode reason) {
        static final Unpacked WHOLE = new Unpacked(null, null, null);

        Unpacked(List<byte[]> records) {
            this(records, null, null);
        }

        static Unpacked bad(ReasonCode reason, String message) {
            return new Unpacked(null, message, reason);
        }

        public boolean whole() {
            return records == null && badAggregate == null;
        }
    }

    private ProducerRecords() {
    }

    public static Unpacked unpack(byte[] data) {
        if (isGzip(data)) {
            byte[] inflated;
            try {
                inflated = inflate(data);
            } catch (Malformed e) {
                return Unpacked.bad(ReasonCode.BAD_COMPRESSION, e.getMessage());
            }
            Unpacked inner = isGzip(inflated) ? Unpacked.bad(ReasonCode.BAD_COMPRESSION, "gzip inside gzip is not read") : unpack(inflated);
            return inner.whole() ? new Unpacked(List.of(inflated)) : inner;
        }
        if (isKplAggregate(data)) {
            try {
                return new Unpacked(deaggregate(data));
            } catch (Malformed e) {
                return Unpacked.bad(ReasonCode.BAD_AGGREGATE, e.getMessage());
            }
        }
        return splitJson(data);
    }

    static boolean isGzip(byte[] data) {
        return data.length >= GZIP_MAGIC.length && Arrays.equals(data, 0, GZIP_MAGIC.length, GZIP_MAGIC, 0, GZIP_MAGIC.length);
    }

    /** The whole gzip stream (every member), at most {@link #MAX_INFLATED_BYTES}. */
    static byte[] inflate(byte[] data) throws Malformed {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(MAX_INFLATED_BYTES, data.length * 4));
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                if (out.size() + n > MAX_INFLATED_BYTES) {
                    throw new Malformed("gzip record inflates to more than " + MAX_INFLATED_BYTES + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new Malformed("gzip record does not inflate (" + e.getMessage() + ")");
        }
    }

    static boolean isKplAggregate(byte[] data) {
        return data.length >= KPL_MAGIC.length && Arrays.equals(data, 0, KPL_MAGIC.length, KPL_MAGIC, 0, KPL_MAGIC.length);
    }

    /** A JSON array with at least one element, or several lines of which the first is a complete JSON object. A single
     *  object stays whole, byte for byte; so does anything the splitter refuses (an unclosed array, text that is not
     *  JSON, a pretty-printed object that is broken): the event processor then names what is wrong with it. */
    private static Unpacked splitJson(byte[] data) {
        int first = 0;
        while (first < data.length && (data[first] == ' ' || data[first] == '\n' || data[first] == '\r' || data[first] == '\t')) {
            first++;
        }
        if (first == data.length || (data[first] != '[' && data[first] != '{')) {
            return Unpacked.WHOLE;
        }
        if (data[first] == '{') {
            // the usual record, one object: one scan and no allocation before the event processor parses it
            int end = RecordSplitter.valueEnd(data, first);
            while (end > 0 && end < data.length && (data[end] == ' ' || data[end] == '\n' || data[end] == '\r' || data[end] == '\t')) {
                end++;
            }
            if (end == data.length) {
                return Unpacked.WHOLE;
            }
        }
        RecordSplitter.Spans spans;
        try {
            spans = JSON_SPLITTER.split(data);
        } catch (RecordSplitter.BodyRefused e) {
            return Unpacked.WHOLE;
        }
        boolean array = data[first] == '[';
        if (!array && (spans.count() < 2 || RecordSplitter.valueEnd(data, spans.start(0)) != spans.end(0))) {
            return Unpacked.WHOLE;
        }
        List<byte[]> records = new ArrayList<>(spans.count());
        for (int i = 0; i < spans.count(); i++) {
            records.add(spans.copy(data, i));
        }
        return new Unpacked(records);
    }

    /** The user records of a KPL aggregate, in order; {@link Malformed} names what is wrong when it cannot be read. */
    static List<byte[]> deaggregate(byte[] data) throws Malformed {
        int end = data.length - MD5_BYTES;
        if (end < KPL_MAGIC.length) {
            throw new Malformed("KPL aggregate of " + data.length + " bytes is shorter than its magic bytes and MD5");
        }
        MessageDigest md5 = MD5.get();
        md5.update(data, KPL_MAGIC.length, end - KPL_MAGIC.length);
        if (!Arrays.equals(md5.digest(), 0, MD5_BYTES, data, end, data.length)) {
            throw new Malformed("KPL aggregate: the MD5 of its protobuf does not match its last 16 bytes (truncated or corrupt)");
        }
        Reader r = new Reader(data, KPL_MAGIC.length, end);
        long partitionKeys = 0;
        long explicitHashKeys = 0;
        List<byte[]> records = new ArrayList<>();
        long maxPartitionKeyIndex = -1;
        long maxExplicitHashKeyIndex = -1;
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == 2) {
                r.skipBytes();
                partitionKeys++;
            } else if (field == 2 && wire == 2) {
                r.skipBytes();
                explicitHashKeys++;
            } else if (field == 3 && wire == 2) {
                int length = r.length();
                Reader rec = new Reader(data, r.pos, r.pos + length);
                r.pos += length;
                long pk = -1;
                long ehk = -1;
                byte[] payload = null;
                while (rec.more()) {
                    long t = rec.varint();
                    int f = (int) (t >>> 3);
                    int w = (int) (t & 7);
                    if (f == 1 && w == 0) {
                        pk = rec.varint();
                    } else if (f == 2 && w == 0) {
                        ehk = rec.varint();
                    } else if (f == 3 && w == 2) {
                        int n = rec.length();
                        payload = Arrays.copyOfRange(data, rec.pos, rec.pos + n);
                        rec.pos += n;
                    } else {
                        rec.skip(w); // tags (4) and fields of later format versions
                    }
                }
                if (pk < 0 || payload == null) {
                    throw new Malformed("KPL aggregate: user record " + records.size() + " lacks its "
                            + (pk < 0 ? "partition_key_index" : "data"));
                }
                maxPartitionKeyIndex = Math.max(maxPartitionKeyIndex, pk);
                maxExplicitHashKeyIndex = Math.max(maxExplicitHashKeyIndex, ehk);
                records.add(payload);
            } else {
                r.skip(wire);
            }
        }
        if (records.isEmpty()) {
            throw new Malformed("KPL aggregate holds no user records");
        }
        // indexes are unsigned: a huge varint reads as negative
        if (maxPartitionKeyIndex < 0 || maxPartitionKeyIndex >= partitionKeys) {
            throw new Malformed("KPL aggregate: a partition_key_index is outside its table of " + partitionKeys + " keys");
        }
        if (maxExplicitHashKeyIndex >= explicitHashKeys) {
            throw new Malformed("KPL aggregate: an explicit_hash_key_index is outside its table of " + explicitHashKeys + " keys");
        }
        return records;
    }

    /** Why a KPL aggregate cannot be read. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Protobuf wire format over {@code data[pos, end)}. */
    private static final class Reader {
        private final byte[] data;
        private final int end;
        int pos;

        Reader(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() throws Malformed {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new Malformed("KPL aggregate: protobuf truncated inside a varint at byte " + pos);
                }
                byte b = data[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new Malformed("KPL aggregate: protobuf varint longer than 10 bytes at byte " + pos);
        }

        int length() throws Malformed {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new Malformed("KPL aggregate: protobuf field of " + Long.toUnsignedString(n) + " bytes at byte " + pos
                        + " runs past the end of the message (" + (end - pos) + " bytes left)");
            }
            return (int) n;
        }

        void skipBytes() throws Malformed {
            int n = length(); // not "pos += length()": that adds to pos as it was before the length was read
            pos += n;
        }

        void skip(int wire) throws Malformed {
            switch (wire) {
                case 0 -> varint();
                case 1 -> fixed(8);
                case 2 -> skipBytes();
                case 5 -> fixed(4);
                default -> throw new Malformed("KPL aggregate: protobuf wire type " + wire + " at byte " + pos + " is not valid here");
            }
        }

        private void fixed(int n) throws Malformed {
            if (end - pos < n) {
                throw new Malformed("KPL aggregate: protobuf truncated at byte " + pos);
            }
            pos += n;
        }
    }
}
