package io.tributary.event;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The table contract (contract/events.contract.json): the single description of the event that validation,
 *  the Glue job, Terraform and Athena all read. */
public final class EventContract {

    public static final String RESOURCE = "contract/events.contract.json";

    private final JsonNode root;
    private final List<FieldSpec> inputFields;
    private final int minYear;
    private final int maxYear;

    private EventContract(JsonNode root) {
        this.root = root;
        List<FieldSpec> fields = new ArrayList<>();
        for (JsonNode f : root.path("input").path("fields")) {
            String type = f.get("type").asText();
            int maxBytes = f.path("max_bytes").asInt(0);
            if (!type.equals("object") && maxBytes <= 0) {
                throw new IllegalStateException(RESOURCE + ": input field '" + f.path("path").asText() + "' needs a positive max_bytes");
            }
            fields.add(FieldSpec.of(f.get("path").asText(), type, f.path("required").asBoolean(false), maxBytes));
        }
        JsonNode years = root.path("input").path("timestamp_years");
        this.minYear = years.path("min").asInt(1);
        this.maxYear = years.path("max").asInt(9999);
        if (minYear < 1 || maxYear > 9999 || minYear > maxYear) {
            throw new IllegalStateException(RESOURCE + ": input.timestamp_years must lie within 1-9999 (four-digit years), got "
                    + minYear + "-" + maxYear);
        }
        if (fields.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " has no input.fields");
        }
        this.inputFields = List.copyOf(fields);
    }

    /** Loads the contract from the classpath. */
    public static EventContract load() {
        try (InputStream in = EventContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("table contract " + RESOURCE + " is not on the classpath");
            }
            return new EventContract(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read table contract " + RESOURCE, e);
        }
    }

    public List<FieldSpec> inputFields() {
        return inputFields;
    }

    /** The earliest accepted year of an event time (UTC). */
    public int minYear() {
        return minYear;
    }

    /** The latest accepted year of an event time (UTC). */
    public int maxYear() {
        return maxYear;
    }

    /** Column names of a zone ("raw", "curated", "errors") in contract order. */
    public List<String> columnNames(String zone) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : root.path(zone).path("columns")) {
            names.add(c.get("name").asText());
        }
        return names;
    }
}
