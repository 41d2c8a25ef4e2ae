package io.tributary.sealing;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The three Glue calls hour sealing makes (an interface so the sealing logic is tested without Glue). */
public interface GlueRuns {

    /** StartJobRun with these arguments; returns the run id. */
    String start(Map<String, String> arguments);

    /** GetJobRun; empty when Glue no longer knows the run. */
    Optional<JobRunView> get(String runId);

    /** GetJobRuns, newest first, for a run started at or after {@code notBefore} whose arguments hold
     *  {@code argument = value}: finds a run whose start was not recorded before a crash. */
    Optional<JobRunView> find(String argument, String value, Instant notBefore);
}
