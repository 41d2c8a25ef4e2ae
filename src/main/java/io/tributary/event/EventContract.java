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

    private EventContract(JsonNode root) {
        this.root = root;
        List<FieldSpec> fields = new ArrayList<>();
        for (JsonNode f : root.path("input").path("fields")) {
            fields.add(FieldSpec.of(f.get("path").asText(), f.get("type").asText(), f.path("required").asBoolean(false)));
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

    /** Column names of a zone ("raw", "curated", "errors") in contract order. */
    public List<String> columnNames(String zone) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : root.path(zone).path("columns")) {
            names.add(c.get("name").asText());
        }
        return names;
    }
}
