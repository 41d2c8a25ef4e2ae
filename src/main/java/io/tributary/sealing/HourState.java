package io.tributary.sealing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable state of one raw hour (one S3 object per hour). PENDING: not sealed yet, or waiting for a (re-)run.
 * STARTING: a run is being started under {@code runToken} (a restart looks the run up by that token instead of starting
 * another). RUNNING: run {@code runId} is in flight (a restart polls it again). SUCCEEDED: curated; handed to the next
 * step once {@code handedOff}. FAILED: every attempt failed; left for an operator. The rollup's outcome for the current
 * curation ({@code rollup}, {@code athenaQueryId}, {@code rollupError}) and the last {@value #MAX_HISTORY} transitions
 * ({@code history}) travel in the same object, so one atomic put keeps them consistent. {@code rawAtStart}: the hour's raw
 * objects when the current run was started (one written or rewritten later re-opens the hour); {@code claimedAt}: when a sealer took the curated hour
 * to roll it up (the others wait for its lease).
 */
public record HourState(String hour, Status status, int attempts, String runToken, String runId, Instant sealedAt,
                        Instant updatedAt, String error, boolean handedOff, Rollup rollup, String athenaQueryId,
                        String rollupError, List<Transition> history, RawListing rawAtStart, Instant claimedAt) {

    /** Transitions kept per hour: enough for every attempt of several re-runs, small enough for one S3 GET. */
    public static final int MAX_HISTORY = 50;

    public enum Status { PENDING, STARTING, RUNNING, SUCCEEDED, FAILED }

    /** The Athena/Redshift rollup of the hour's current curation: not done yet, done, or failed (after its redeliveries). */
    public enum Rollup { NONE, ROLLED_UP, FAILED }

    /** One entry of an hour's history: when, the lake state it led to, the ids involved, and what happened. */
    public record Transition(Instant at, LakeState state, String glueRunId, String athenaQueryId, String detail) {
    }

    public HourState {
        rollup = rollup == null ? Rollup.NONE : rollup;
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A state without rollup outcome or history (state objects written before they existed read as this). */
    public HourState(String hour, Status status, int attempts, String runToken, String runId, Instant sealedAt,
                     Instant updatedAt, String error, boolean handedOff) {
        this(hour, status, attempts, runToken, runId, sealedAt, updatedAt, error, handedOff, Rollup.NONE, null, null, List.of(), null, null);
    }

    public static HourState pending(String hour) {
        return new HourState(hour, Status.PENDING, 0, null, null, null, null, null, false);
    }

    public boolean unfinished() {
        return status != Status.SUCCEEDED && status != Status.FAILED;
    }

    /** A Glue run of the hour is being started or is running: nothing else may run for it now. */
    public boolean glueInFlight() {
        return status == Status.STARTING || status == Status.RUNNING;
    }

    /** What the lake operations API calls this state. */
    public LakeState lakeState() {
        return switch (status) {
            case PENDING -> sealedAt == null ? LakeState.OPEN : LakeState.SEALED;
            case STARTING -> LakeState.SEALED;
            case RUNNING -> LakeState.CURATING;
            case SUCCEEDED -> switch (rollup) {
                case ROLLED_UP -> LakeState.ROLLED_UP;
                case FAILED -> LakeState.FAILED;
                case NONE -> LakeState.CURATED;
            };
            case FAILED -> LakeState.FAILED;
        };
    }

    HourState starting(String token, Instant sealed, Instant now, RawListing raw) {
        boolean sealing = sealedAt == null;
        HourState next = new HourState(hour, Status.STARTING, attempts + 1, token, null, sealing ? sealed : sealedAt, now, error, false,
                Rollup.NONE, null, null, history, raw, null);
        return next.log(now, (sealing ? "sealed; " : "") + "Glue run starting (attempt " + (attempts + 1) + ")");
    }

    /** A STARTING hour whose starter went quiet, taken over by this sealer (its conditional write decides who). */
    HourState takenOver(Instant now) {
        return new HourState(hour, status, attempts, runToken, runId, sealedAt, now, error, handedOff, rollup, athenaQueryId,
                rollupError, history, rawAtStart, claimedAt).log(now, "start of run " + runToken + " taken over");
    }

    HourState running(String id, Instant now) {
        return new HourState(hour, Status.RUNNING, attempts, runToken, id, sealedAt, now, error, false, Rollup.NONE, null, null, history,
                rawAtStart, null).log(now, "Glue run " + id + " running (attempt " + attempts + ")");
    }

    HourState succeeded(Instant now) {
        return new HourState(hour, Status.SUCCEEDED, attempts, runToken, runId, sealedAt, now, null, false, Rollup.NONE, null, null, history,
                rawAtStart, null).log(now, "Glue run " + runId + " succeeded");
    }

    HourState failed(String why, boolean retry, Instant now) {
        return new HourState(hour, retry ? Status.PENDING : Status.FAILED, attempts, null, runId, sealedAt, now, why, false,
                Rollup.NONE, null, null, history, rawAtStart, null)
                .log(now, "Glue run " + runId + " failed (" + why + ")" + (retry ? "; started again" : "; all attempts failed"));
    }

    /** One sealer took the curated hour to roll it up; the others leave it alone until {@code claimedAt} plus the lease. */
    HourState claimed(Instant now) {
        return new HourState(hour, status, attempts, runToken, runId, sealedAt, now, error, handedOff, rollup, athenaQueryId, rollupError,
                history, rawAtStart, now);
    }

    HourState handedOff(Instant now) {
        return new HourState(hour, status, attempts, runToken, runId, sealedAt, now, error, true, rollup, athenaQueryId, rollupError, history,
                rawAtStart, claimedAt);
    }

    /**
     * Asked to curate again: back to PENDING with a fresh attempt count, so the sealing machinery starts a new run on its
     * next round (an hour that was sealed stays sealed; one never sealed is sealed by the usual rule first).
     */
    HourState recurate(Instant now) {
        return recurate(now, "re-curation requested");
    }

    /** Back to PENDING for a new run, saying why (an operator's request, a raw object written after the run started). */
    HourState recurate(Instant now, String why) {
        return new HourState(hour, Status.PENDING, 0, null, null, sealedAt, now, null, false, Rollup.NONE, null, null, history, null, null)
                .log(now, why);
    }

    HourState rollupStarted(Instant now) {
        return log(now, "rollup started");
    }

    HourState rolledUp(String queryId, String summary, Instant now) {
        return new HourState(hour, status, attempts, runToken, runId, sealedAt, now, error, handedOff, Rollup.ROLLED_UP, queryId, null, history,
                rawAtStart, claimedAt).log(now, "rolled up by Athena query " + queryId + (summary == null ? "" : ": " + summary));
    }

    HourState rollupFailed(String queryId, String why, Instant now) {
        return new HourState(hour, status, attempts, runToken, runId, sealedAt, now, error, handedOff, Rollup.FAILED, queryId, why, history,
                rawAtStart, claimedAt).log(now, "rollup failed: " + why);
    }

    /** This state with one more history entry (its own lake state and ids), the oldest dropped beyond MAX_HISTORY. */
    private HourState log(Instant now, String detail) {
        List<Transition> h = new ArrayList<>(history.size() + 1);
        h.addAll(history.size() >= MAX_HISTORY ? history.subList(history.size() - MAX_HISTORY + 1, history.size()) : history);
        h.add(new Transition(now, lakeState(), runId, athenaQueryId, detail));
        return new HourState(hour, status, attempts, runToken, runId, sealedAt, updatedAt, error, handedOff, rollup, athenaQueryId,
                rollupError, h, rawAtStart, claimedAt);
    }
}
