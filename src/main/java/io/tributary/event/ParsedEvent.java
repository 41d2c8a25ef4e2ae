package io.tributary.event;

import java.time.Instant;

/** A validated event: the text of each contract input field (null when absent or not a string) and its parsed time. */
public final class ParsedEvent {

    private final String[] values;
    private final Instant timestamp;
    private final String userId;

    ParsedEvent(String[] values, Instant timestamp, String userId) {
        this.values = values;
        this.timestamp = timestamp;
        this.userId = userId;
    }

    /** Text of the field at an index of {@link EventContract#inputFields()}. */
    String text(int fieldIndex) {
        return fieldIndex < 0 ? null : values[fieldIndex];
    }

    /** The parsed {@code timestamp} field. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The user id (the Kinesis partition key). */
    public String userId() {
        return userId;
    }
}
