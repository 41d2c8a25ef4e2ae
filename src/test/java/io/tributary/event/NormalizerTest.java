package io.tributary.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NormalizerTest {

    final Normalizer normalizer = new Normalizer();

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {"desktop,desktop", "Mobile,mobile", "iPhone,mobile", " iPad ,tablet", "smart-tv,other",
        "NULL,unknown", "'',unknown"})
    void deviceTypes(String raw, String expected) {
        assertEquals(expected, normalizer.deviceType(raw));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {"us,US", "USA,US", "gbr,GB", "UK,GB", "Germany,DE", "France,FR", "Atlantis,NULL", "NULL,NULL"})
    void countries(String raw, String expected) {
        assertEquals(expected, normalizer.country(raw));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
        "https://Shop.Example.com/products/1?x=1,shop.example.com,/products/1",
        "http://user@host.io:8080,host.io,/",
        "https://a.b/c#frag,a.b,/c",
        "/relative/path?q=1,NULL,/relative/path"})
    void urls(String url, String host, String path) {
        assertEquals(host, Normalizer.urlHost(url));
        assertEquals(path, Normalizer.urlPath(url));
    }

    @ParameterizedTest
    @CsvSource({
        "2024-01-15T10:30:00Z,2024-01-15T10:30:00Z",
        "2024-01-15T10:30:00.123456789Z,2024-01-15T10:30:00.123456789Z",
        "2024-01-15T10:30:00.5Z,2024-01-15T10:30:00.500Z",
        "2024-01-15T11:30:00+01:00,2024-01-15T10:30:00Z",
        "2024-01-15T10:30:00,2024-01-15T10:30:00Z",
        "2024-02-29T00:00:00Z,2024-02-29T00:00:00Z"})
    void timestampsParseToTheSameInstantAsJavaTime(String text, String expected) {
        assertEquals(Instant.parse(expected), Timestamps.parse(text));
    }

    @Test
    void impossibleDatesAreRejected() {
        assertThrows(DateTimeParseException.class, () -> Timestamps.parse("2023-02-29T00:00:00Z"));
        assertThrows(DateTimeParseException.class, () -> Timestamps.parse("2024-01-15 10:30"));
    }

    @Test
    void formattingIsUtcWithMilliseconds() {
        Instant t = Instant.parse("2024-03-05T07:08:09.012345Z");
        assertEquals("2024-03-05T07:08:09.012Z", Timestamps.iso(t));
        assertEquals("2024-03-05", Timestamps.date(t));
        assertEquals(7, Timestamps.hour(t));
        assertEquals("dt=2024-03-05/hour=07", EventProcessor.rawPartition(t));
    }
}
