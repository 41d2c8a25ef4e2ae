package io.tributary.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A producer-side encoder of the KPL aggregation format, written from its specification (awslabs/amazon-kinesis-producer,
 * aggregation-format.md): magic {@code F3 89 9A C2}, a proto2 {@code AggregatedRecord}, the MD5 of the protobuf bytes.
 * Like the KPL, it puts each partition key once in the table and points every record at its index.
 */
public final class KplAggregate {

    private KplAggregate() {
    }

    /** The Kinesis record data a KPL producer puts for these user records, all under one partition key. */
    public static byte[] of(String partitionKey, List<byte[]> records) {
        ByteArrayOutputStream proto = new ByteArrayOutputStream();
        lengthDelimited(proto, 1, partitionKey.getBytes(StandardCharsets.UTF_8));
        for (byte[] data : records) {
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            varintField(record, 1, 0);
            lengthDelimited(record, 3, data);
            lengthDelimited(proto, 3, record.toByteArray());
        }
        return frame(proto.toByteArray());
    }

    /** Convenience: user records as UTF-8 text. */
    public static byte[] ofText(String partitionKey, List<String> records) {
        return of(partitionKey, records.stream().map(r -> r.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** Magic bytes, the protobuf, and its MD5: for tests that hand-craft a protobuf. */
    public static byte[] frame(byte[] protobuf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2});
        out.writeBytes(protobuf);
        try {
            out.writeBytes(MessageDigest.getInstance("MD5").digest(protobuf));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, ((long) field << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    static void varint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
