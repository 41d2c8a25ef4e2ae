package io.tributary.sealing;

import java.time.Instant;

/**
 * The durable state of one raw hour (one S3 object per hour). PENDING: not sealed yet, or waiting for a retry after a
 * failed run. STARTING: a run is being started under {@code runToken} (a restart looks the run up by that token instead of
 * starting another). RUNNING: run {@code runId} is in flight (a restart polls it again). SUCCEEDED: curated; handed to the
 * next step once {@code handedOff}. FAILED: every attempt failed; left for an operator.
 */
public record HourState(String hour, Status status, int attempts, String runToken, String runId, Instant sealedAt,
                        Instant updatedAt, String error, boolean handedOff) {

    public enum Status { PENDING, STARTING, RUNNING, SUCCEEDED, FAILED }

    public static HourState pending(String hour) {
        return new HourState(hour, Status.PENDING, 0, null, null, null, null, null, false);
    }

    public boolean unfinished() {
        return status != Status.SUCCEEDED && status != Status.FAILED;
    }

    HourState starting(String token, Instant sealed, Instant now) {
        return new HourState(hour, Status.STARTING, attempts + 1, token, null, sealedAt != null ? sealedAt : sealed, now, error, false);
    }

    HourState running(String id, Instant now) {
        return new HourState(hour, Status.RUNNING, attempts, runToken, id, sealedAt, now, error, false);
    }

    HourState succeeded(Instant now) {
        return new HourState(hour, Status.SUCCEEDED, attempts, runToken, runId, sealedAt, now, null, false);
    }

    HourState failed(String why, boolean retry, Instant now) {
        return new HourState(hour, retry ? Status.PENDING : Status.FAILED, attempts, null, runId, sealedAt, now, why, false);
    }

    HourState handedOff(Instant now) {
        return new HourState(hour, status, attempts, runToken, runId, sealedAt, now, error, true);
    }
}
