package io.tributary.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import io.tributary.local.LakeFiles;

class ProducerRecordsTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> texts(ProducerRecords.Unpacked u) {
        return u.records().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aKplAggregateIsSplitIntoItsUserRecordsInOrder() {
        List<String> records = List.of("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
        ProducerRecords.Unpacked u = ProducerRecords.unpack(KplAggregate.ofText("user123", records));
        assertNull(u.badAggregate());
        assertEquals(records, texts(u));
    }

    @Test
    void aKplUserRecordIsKeptByteForByteEvenWhenItIsBinaryOrAJsonArray() {
        byte[] binary = {0, (byte) 0xFF, 10, 13};
        ProducerRecords.Unpacked u = ProducerRecords.unpack(KplAggregate.of("k", List.of(binary, utf8("[{},{}]"))));
        assertEquals(2, u.records().size(), "user records are not split again");
        assertTrue(Arrays.equals(binary, u.records().get(0)));
    }

    @Test
    void unknownFieldsAndTagsAreSkipped() {
        ByteArrayOutputStream tag = new ByteArrayOutputStream();
        KplAggregate.lengthDelimited(tag, 1, utf8("key"));
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        KplAggregate.varintField(record, 1, 0);
        KplAggregate.varintField(record, 2, 0);
        KplAggregate.lengthDelimited(record, 3, utf8("{}"));
        KplAggregate.lengthDelimited(record, 4, tag.toByteArray());
        ByteArrayOutputStream proto = new ByteArrayOutputStream();
        KplAggregate.lengthDelimited(proto, 1, utf8("pk"));
        KplAggregate.lengthDelimited(proto, 2, utf8("170141183460469231731687303715884105728"));
        KplAggregate.lengthDelimited(proto, 3, record.toByteArray());
        KplAggregate.varintField(proto, 9, 12345); // a field of a later format version
        assertEquals(List.of("{}"), texts(ProducerRecords.unpack(KplAggregate.frame(proto.toByteArray()))));
    }

    @Test
    void aBadMd5IsABadAggregate() {
        byte[] data = KplAggregate.ofText("k", List.of("{\"n\":0}"));
        data[data.length - 1] ^= 1;
        ProducerRecords.Unpacked u = ProducerRecords.unpack(data);
        assertNull(u.records());
        assertTrue(u.badAggregate().contains("MD5"), u.badAggregate());
    }

    @Test
    void aTruncatedAggregateIsABadAggregate() {
        byte[] data = KplAggregate.ofText("k", List.of("{\"n\":0}", "{\"n\":1}"));
        for (int length : new int[] {4, 10, 19, data.length - 1}) {
            ProducerRecords.Unpacked u = ProducerRecords.unpack(Arrays.copyOf(data, length));
            assertNotNull(u.badAggregate(), "truncated to " + length);
        }
    }

    @Test
    void aMalformedProtobufWithAValidMd5IsABadAggregate() {
        // a length-delimited field claiming more bytes than the message has
        assertTrue(ProducerRecords.unpack(KplAggregate.frame(new byte[] {0x1a, 0x7f, 0x08})).badAggregate().contains("runs past"));
        // a record without data
        ByteArrayOutputStream proto = new ByteArrayOutputStream();
        KplAggregate.lengthDelimited(proto, 1, utf8("pk"));
        KplAggregate.lengthDelimited(proto, 3, new byte[] {0x08, 0x00});
        assertTrue(ProducerRecords.unpack(KplAggregate.frame(proto.toByteArray())).badAggregate().contains("data"));
        // a partition key index outside the table
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        KplAggregate.lengthDelimited(bad, 3, new byte[] {0x08, 0x01, 0x1a, 0x00});
        assertTrue(ProducerRecords.unpack(KplAggregate.frame(bad.toByteArray())).badAggregate().contains("partition_key_index"));
        // no user records at all
        assertTrue(ProducerRecords.unpack(KplAggregate.frame(new byte[0])).badAggregate().contains("no user records"));
    }

    @Test
    void aJsonArrayIsSplitIntoItsElements() {
        ProducerRecords.Unpacked u = ProducerRecords.unpack(utf8(" [ {\"a\":[1,2]}, 42 ,\n{\"b\":\"],\"} ]\n"));
        assertEquals(List.of("{\"a\":[1,2]}", "42", "{\"b\":\"],\"}"), texts(u));
    }

    @Test
    void ndjsonIsSplitIntoItsLines() {
        ProducerRecords.Unpacked u = ProducerRecords.unpack(utf8("{\"n\":0}\r\n\n{\"n\":1}\nnot json\n"));
        assertEquals(List.of("{\"n\":0}", "{\"n\":1}", "not json"), texts(u));
    }

    @Test
    void oneObjectAndAnythingThatIsNotASplittableFormatStayWhole() {
        for (String whole : List.of("{\"a\":1}", "  {\n \"a\": [1,\n 2]\n}\n", "{\n \"a\": 1,\n", "[{\"a\":1}", "[]", "[1] 2",
                "42", "not json\nat all", "")) {
            assertTrue(ProducerRecords.unpack(utf8(whole)).whole(), whole);
        }
        assertTrue(ProducerRecords.unpack(new byte[] {(byte) 0xF3, (byte) 0x89}).whole(), "shorter than the magic bytes");
    }

    @Test
    void aGzipRecordIsInflatedThenReadLikeAnyOther() {
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), texts(ProducerRecords.unpack(LakeFiles.gzip(utf8("[{\"a\":1},{\"a\":2}]")))));
        assertEquals(List.of("{\"a\":1}"), texts(ProducerRecords.unpack(LakeFiles.gzip(utf8("{\"a\":1}")))), "one object: user record 0");
        assertEquals(List.of("{}", "{}"), texts(ProducerRecords.unpack(LakeFiles.gzip(KplAggregate.ofText("k", List.of("{}", "{}"))))),
                "a gzip-compressed KPL aggregate");
    }

    @Test
    void aGzipRecordThatDoesNotInflateIsBadCompression() {
        byte[] truncated = Arrays.copyOf(LakeFiles.gzip(utf8("{\"a\":1}")), 12);
        ProducerRecords.Unpacked u = ProducerRecords.unpack(truncated);
        assertEquals(io.tributary.event.ReasonCode.BAD_COMPRESSION, u.reason());
        assertTrue(u.badAggregate().startsWith("gzip record does not inflate"), u.badAggregate());
        byte[] bomb = LakeFiles.gzip(new byte[ProducerRecords.MAX_INFLATED_BYTES + 1]);
        assertTrue(bomb.length < 100_000, "a small record");
        assertEquals("gzip record inflates to more than " + ProducerRecords.MAX_INFLATED_BYTES + " bytes",
                ProducerRecords.unpack(bomb).badAggregate());
        assertEquals("gzip inside gzip is not read", ProducerRecords.unpack(LakeFiles.gzip(LakeFiles.gzip(utf8("{}")))).badAggregate());
    }

    /** Our reading of the KPL format against the maintained de-aggregator, the KCL 3's own (AggregatorUtil): both find the
     *  same user records with the same partition keys in aggregates written by the format's encoder (KplAggregate). */
    @Test
    void theKclsOwnDeaggregatorReadsTheSameUserRecords() {
        List<String> users = List.of("{\"n\":0}", "{\"n\":1}", "binary\u0000", "[1,2]");
        byte[] aggregate = KplAggregate.ofText("user123", users);
        var record = software.amazon.kinesis.retrieval.KinesisClientRecord.builder()
                .data(java.nio.ByteBuffer.wrap(aggregate)).partitionKey("user123").sequenceNumber("49590338271490256608559692538361571095921575989136588898")
                .approximateArrivalTimestamp(java.time.Instant.parse("2024-01-15T10:00:00Z")).build();
        List<software.amazon.kinesis.retrieval.KinesisClientRecord> kcl = new software.amazon.kinesis.retrieval.AggregatorUtil()
                .deaggregate(List.of(record));
        assertEquals(users.size(), kcl.size(), "the KCL reads it as an aggregate of " + users.size());
        List<String> theirs = kcl.stream().map(r -> {
            byte[] b = new byte[r.data().remaining()];
            r.data().duplicate().get(b);
            return new String(b, StandardCharsets.UTF_8);
        }).toList();
        assertEquals(theirs, texts(ProducerRecords.unpack(aggregate)));
        for (int i = 0; i < kcl.size(); i++) {
            assertEquals(i, kcl.get(i).subSequenceNumber(), "sub-sequence numbers as ours: the index");
            assertTrue(kcl.get(i).aggregated());
        }
        byte[] corrupt = aggregate.clone();
        corrupt[corrupt.length - 1] ^= 1;
        var bad = software.amazon.kinesis.retrieval.KinesisClientRecord.builder().data(java.nio.ByteBuffer.wrap(corrupt))
                .partitionKey("user123").sequenceNumber("1").build();
        assertEquals(1, new software.amazon.kinesis.retrieval.AggregatorUtil().deaggregate(List.of(bad)).size(),
                "the KCL passes a corrupt aggregate on whole; we keep it whole too, as BAD_AGGREGATE");
        assertEquals(io.tributary.event.ReasonCode.BAD_AGGREGATE, ProducerRecords.unpack(corrupt).reason());
    }
}

