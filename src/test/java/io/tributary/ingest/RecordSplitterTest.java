package io.tributary.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecordSplitterTest {

    static List<String> split(int max, String body) throws RecordSplitter.BodyRefused {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        RecordSplitter.Spans spans = new RecordSplitter(max).split(bytes);
        List<String> records = new ArrayList<>();
        for (int i = 0; i < spans.count(); i++) {
            records.add(new String(spans.copy(bytes, i), StandardCharsets.UTF_8));
        }
        return records;
    }

    @Test
    void arrayElementsAreSplitOutsideStringsAndNestedBrackets() throws Exception {
        assertEquals(List.of("{\"a\":\"x\\\",]}[\"}", "[1, {\"b\": [2]}]", "\"s\"", "42", "", "{}"),
                split(10, " [ {\"a\":\"x\\\",]}[\"} ,\n[1, {\"b\": [2]}],\"s\",42,,{},\r\n] \n"));
    }

    @Test
    void aPrettyPrintedObjectIsOneRecordAndOtherBodiesAreLines() throws Exception {
        assertEquals(List.of("{\n \"a\": \"}\\n{\",\n \"b\": 1\n}"), split(10, "\n{\n \"a\": \"}\\n{\",\n \"b\": 1\n}\n"));
        assertEquals(List.of("{\"a\":1}", "{\"b\":", "x"), split(10, "{\"a\":1}\r\n\n  {\"b\":\r\nx"));
    }

    @Test
    void theRecordLimitCountsRecordsNotLines() throws Exception {
        assertEquals(2, split(2, "{}\n\n\n{}\n").size());
        RecordSplitter.BodyRefused lines = assertThrows(RecordSplitter.BodyRefused.class, () -> split(2, "{}\n{}\n{}"));
        assertEquals(413, lines.status());
        assertEquals(413, assertThrows(RecordSplitter.BodyRefused.class, () -> split(2, "[1,2,3]")).status());
    }

    @Test
    void anArrayThatDoesNotCloseOrIsFollowedByMoreIsRefusedWhole() {
        assertEquals(400, assertThrows(RecordSplitter.BodyRefused.class, () -> split(10, "[{\"a\":1}")).status());
        assertEquals(400, assertThrows(RecordSplitter.BodyRefused.class, () -> split(10, "[\"]")).status());
        assertEquals(400, assertThrows(RecordSplitter.BodyRefused.class, () -> split(10, "[1]\n[2]")).status());
        assertEquals(400, assertThrows(RecordSplitter.BodyRefused.class, () -> split(10, "[]")).status());
        assertEquals(400, assertThrows(RecordSplitter.BodyRefused.class, () -> split(10, " \r\n")).status());
    }
}
