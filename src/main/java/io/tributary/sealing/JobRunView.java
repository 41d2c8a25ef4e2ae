package io.tributary.sealing;

import java.time.Duration;
import java.time.Instant;

/** What hour sealing needs of a Glue job run. {@code state} is Glue's JobRunState name. */
public record JobRunView(String id, String state, Instant startedOn, Instant completedOn, Integer executionTimeSeconds,
                         String errorMessage) {

    public boolean succeeded() {
        return "SUCCEEDED".equals(state);
    }

    /** FAILED, STOPPED, TIMEOUT, ERROR, EXPIRED: the run ended without curating the hour. */
    public boolean failed() {
        return switch (state) {
            case "FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED" -> true;
            default -> false;
        };
    }

    /** How long the run took: completion minus start when both are known, else Glue's execution time. */
    public Duration duration() {
        if (startedOn != null && completedOn != null) {
            return Duration.between(startedOn, completedOn);
        }
        return executionTimeSeconds == null ? null : Duration.ofSeconds(executionTimeSeconds);
    }
}
