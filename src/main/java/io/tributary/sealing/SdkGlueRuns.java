package io.tributary.sealing;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.JobRun;

/** {@link GlueRuns} on the AWS SDK Glue client (AWS, or the local Glue stand-in through an endpoint override). */
public final class SdkGlueRuns implements GlueRuns {

    private final GlueClient glue;
    private final String jobName;

    public SdkGlueRuns(GlueClient glue, String jobName) {
        this.glue = glue;
        this.jobName = jobName;
    }

    @Override
    public String start(Map<String, String> arguments) {
        return glue.startJobRun(b -> b.jobName(jobName).arguments(arguments)).jobRunId();
    }

    @Override
    public Optional<JobRunView> get(String runId) {
        try {
            return Optional.of(view(glue.getJobRun(b -> b.jobName(jobName).runId(runId)).jobRun()));
        } catch (EntityNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<JobRunView> find(String argument, String value, Instant notBefore) {
        for (var page : glue.getJobRunsPaginator(b -> b.jobName(jobName).maxResults(50))) {
            for (JobRun run : page.jobRuns()) {
                if (value.equals(run.arguments().get(argument))) {
                    return Optional.of(view(run));
                }
                if (run.startedOn() != null && run.startedOn().isBefore(notBefore)) {
                    return Optional.empty(); // newest first: older runs cannot be ours
                }
            }
        }
        return Optional.empty();
    }

    static JobRunView view(JobRun run) {
        return new JobRunView(run.id(), run.jobRunStateAsString(), run.startedOn(), run.completedOn(), run.executionTime(),
                run.errorMessage());
    }
}
