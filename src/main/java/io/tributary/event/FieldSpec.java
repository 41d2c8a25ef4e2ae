package io.tributary.event;

/** One input field of the table contract: a dotted path into the event, its type and whether it is required. */
public record FieldSpec(String path, String[] segments, String type, boolean required) {

    public static FieldSpec of(String path, String type, boolean required) {
        return new FieldSpec(path, path.split("\\."), type, required);
    }
}
