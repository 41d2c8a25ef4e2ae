package io.tributary.event;

import java.time.Duration;

/** Limits and the late/future window applied to every record. */
public record EventPolicy(int maxRecordBytes, int maxNestingDepth, Duration lateWindow, Duration futureWindow) {

    public static EventPolicy defaults() {
        return new EventPolicy(1_048_576, 32, Duration.ofDays(7), Duration.ofMinutes(5));
    }
}
