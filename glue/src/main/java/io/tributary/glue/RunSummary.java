package io.tributary.glue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What one run did, written as JSON to --summary_path and printed to stdout. The counts add up:
 * rows_read = rows_valid + rejected.total and rows_valid = rows_written + duplicates.total.
 */
public record RunSummary(
        String status,
        String arrivalHour,
        String rawPath,
        String curatedPath,
        String errorsPath,
        String startedAt,
        long durationMs,
        int inputFiles,
        long blankLines,
        long rowsRead,
        long rowsValid,
        long rowsWritten,
        long duplicates,
        long duplicatesSameArrival,
        long rejected,
        SortedMap<String, Long> rejectedByReason,
        SortedMap<String, Long> timeFlags,
        List<Partition> partitions,
        Map<String, Long> phaseMs,
        String error) {

    /** Rows written to one curated partition of this run. */
    public record Partition(String eventDate, int eventHour, long rows) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", "tributary-curated");
        m.put("status", status);
        m.put("arrival_hour", arrivalHour);
        m.put("raw_path", rawPath);
        m.put("curated_path", curatedPath);
        m.put("errors_path", errorsPath);
        m.put("started_at", startedAt);
        m.put("duration_ms", durationMs);
        m.put("input_files", inputFiles);
        m.put("blank_lines", blankLines);
        m.put("rows_read", rowsRead);
        m.put("rows_valid", rowsValid);
        m.put("rows_written", rowsWritten);
        Map<String, Object> dup = new LinkedHashMap<>();
        dup.put("total", duplicates);
        dup.put("same_arrival", duplicatesSameArrival);
        dup.put("later_arrival", duplicates - duplicatesSameArrival);
        m.put("duplicates", dup);
        Map<String, Object> rej = new LinkedHashMap<>();
        rej.put("total", rejected);
        rej.put("by_reason", rejectedByReason);
        m.put("rejected", rej);
        m.put("time_flags", timeFlags);
        m.put("partitions", partitions.stream().map(p -> {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("event_date", p.eventDate());
            pm.put("event_hour", p.eventHour());
            pm.put("rows", p.rows());
            return pm;
        }).toList());
        m.put("phase_ms", phaseMs);
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    public String toJson(boolean pretty) {
        try {
            return pretty
                    ? JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap())
                    : JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise run summary", e);
        }
    }
}
