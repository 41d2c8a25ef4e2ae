package io.tributary.sealing;

import java.util.List;
import java.util.Optional;

/**
 * When an operator may re-curate or re-roll-up an hour. Never while something runs for it (a Glue run starting or
 * running, or its rollup): the run in flight would race the new one over the same curated partition and Redshift rows.
 * A request for an hour already waiting for that work changes nothing, so repeating it is harmless.
 */
public final class OperationRules {

    public enum Kind { START, ALREADY_QUEUED, REFUSED }

    public record Decision(Kind kind, String reason) {
        static Decision start() {
            return new Decision(Kind.START, null);
        }

        static Decision queued() {
            return new Decision(Kind.ALREADY_QUEUED, null);
        }

        static Decision refused(String reason) {
            return new Decision(Kind.REFUSED, reason);
        }
    }

    /** What became of a request for several hours: accepted (all requested, of which {@code started} are new) or refused. */
    public record Outcome(List<String> accepted, List<String> started, String refusal) {
        static Outcome accepted(List<String> accepted, List<String> started) {
            return new Outcome(List.copyOf(accepted), List.copyOf(started), null);
        }

        static Outcome refused(String why) {
            return new Outcome(List.of(), List.of(), why);
        }

        public boolean refused() {
            return refusal != null;
        }
    }

    private OperationRules() {
    }

    public static Decision recurate(String hour, Optional<HourState> state, boolean rollingUp) {
        Optional<Decision> busy = inFlight(hour, state, rollingUp);
        if (busy.isPresent()) {
            return busy.get();
        }
        if (state.isEmpty()) {
            return Decision.start(); // never looked at (or outside the lookback window): sealed and curated as usual
        }
        return state.get().status() == HourState.Status.PENDING ? Decision.queued() : Decision.start();
    }

    public static Decision rollup(String hour, Optional<HourState> state, boolean rollingUp, boolean rollupQueued) {
        Optional<Decision> busy = inFlight(hour, state, rollingUp);
        if (busy.isPresent()) {
            return busy.get();
        }
        if (state.isEmpty() || state.get().status() != HourState.Status.SUCCEEDED) {
            LakeState s = state.map(HourState::lakeState).orElse(LakeState.OPEN);
            return Decision.refused(switch (s) {
                case OPEN -> "hour " + hour + " is open (raw data not sealed yet): it is rolled up once it is curated";
                case SEALED -> "hour " + hour + " is sealed and waiting for its Glue run: it is rolled up once it is curated";
                default -> "hour " + hour + " is not curated (Glue failed: " + state.get().error() + "); re-curate it first";
            });
        }
        if (rollupQueued || !state.get().handedOff()) {
            return Decision.queued(); // an operator's request, or hour sealing about to hand it over
        }
        return Decision.start();
    }

    private static Optional<Decision> inFlight(String hour, Optional<HourState> state, boolean rollingUp) {
        if (state.isPresent()) {
            HourState s = state.get();
            if (s.status() == HourState.Status.STARTING) {
                return Optional.of(Decision.refused("hour " + hour + " is starting a Glue run (attempt " + s.attempts()
                        + "); try again when it ends"));
            }
            if (s.status() == HourState.Status.RUNNING) {
                return Optional.of(Decision.refused("hour " + hour + " is curating (Glue run " + s.runId() + "); try again when it ends"));
            }
        }
        if (rollingUp) {
            return Optional.of(Decision.refused("hour " + hour + " is being rolled up (Athena query and Redshift merge); try again when it ends"));
        }
        return Optional.empty();
    }
}
