package io.tributary.checkpoint;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** The resume strategy of the Kinesis consumer route (its {@code resumable} step), on top of {@link Checkpoints}. A bean of
 *  its own because it needs camel-aws2-kinesis, which the Lambda build does not carry (docs/packaging.md). */
public class KinesisConsumerResume {

    @Produces
    @Singleton
    @Named("checkpointResumeStrategy")
    CheckpointResumeStrategy resumeStrategy(Checkpoints checkpoints) {
        return new CheckpointResumeStrategy(checkpoints::resumeAfter);
    }
}
