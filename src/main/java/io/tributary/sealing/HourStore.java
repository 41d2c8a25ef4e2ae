package io.tributary.sealing;

import java.time.Instant;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Where hour sealing finds raw hours and keeps each hour's durable state. Several sealers (container tasks, Step Functions
 * executions) may share one store: {@link #save} is conditional on the state this store last read or wrote for the hour,
 * so of two sealers acting on the same state exactly one succeeds and the other gets a {@link Conflict}.
 */
public interface HourStore {

    /** Raw hours with at least one object, on the days from {@code from} to {@code to} (whole UTC days). */
    SortedSet<String> rawHours(Instant from, Instant to);

    /** The stored state; remembered as the version the next {@link #save} of the hour must replace. */
    Optional<HourState> load(String hour);

    /** Replaces the version last loaded or saved (or creates the state when none was seen); {@link Conflict} when another
     *  sealer wrote the hour meanwhile — reload and decide again. */
    void save(HourState state);

    /** The hour's raw objects now: compared with the listing taken when its run started, it shows data that reached a
     *  sealed hour late. */
    RawListing rawListing(String hour);

    /** Another sealer changed the hour's state since this one read it. */
    final class Conflict extends RuntimeException {
        public Conflict(String hour) {
            super("the state of raw hour " + hour + " was changed by another sealer");
        }
    }
}
