package io.tributary.event;

/** One input field of the table contract: a dotted path into the event, its type, whether it is required, and for a
 *  string the longest accepted value in UTF-8 bytes (0 for no limit). */
public record FieldSpec(String path, String[] segments, String type, boolean required, int maxBytes) {

    public static FieldSpec of(String path, String type, boolean required, int maxBytes) {
        return new FieldSpec(path, path.split("\\."), type, required, maxBytes);
    }
}
