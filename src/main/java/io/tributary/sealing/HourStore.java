package io.tributary.sealing;

import java.time.Instant;
import java.util.Optional;
import java.util.SortedSet;

/** Where hour sealing finds raw hours and keeps each hour's durable state. */
public interface HourStore {

    /** Raw hours with at least one object, on the days from {@code from} to {@code to} (whole UTC days). */
    SortedSet<String> rawHours(Instant from, Instant to);

    Optional<HourState> load(String hour);

    void save(HourState state);
}
