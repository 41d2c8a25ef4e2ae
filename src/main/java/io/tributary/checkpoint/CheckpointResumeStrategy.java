package io.tributary.checkpoint;

import java.util.function.Function;

import org.apache.camel.component.aws2.kinesis.consumer.KinesisResumeAction;
import org.apache.camel.processor.resume.TransientResumeStrategy;
import org.apache.camel.resume.Offset;
import org.apache.camel.resume.OffsetKey;
import org.apache.camel.resume.Resumable;
import org.apache.camel.resume.ResumeAction;
import org.apache.camel.resume.ResumeActionAware;
import org.apache.camel.resume.ResumeAdapter;
import org.apache.camel.resume.ResumeStrategy;
import org.apache.camel.resume.ResumeStrategyConfiguration;

/**
 * Tells the aws2-kinesis consumer where to (re)open each shard: {@code AFTER_SEQUENCE_NUMBER} of the position the
 * resolver gives (what this process already read, else the durable checkpoint), so a restart resumes after the
 * checkpoint and a closed shard whose iterator is re-opened is never read again from its start. Offsets are not
 * stored per exchange: checkpoints advance only when batches are durable (see Batcher).
 */
public final class CheckpointResumeStrategy implements ResumeStrategy {

    private final Adapter adapter;
    private ResumeStrategyConfiguration configuration;

    public CheckpointResumeStrategy(Function<String, String> resumeAfter) {
        this.adapter = new Adapter(resumeAfter);
        // Camel's route setup insists on a cache for the default adapter it offers (and that we then decline)
        this.configuration = new ResumeStrategyConfiguration() {
            @Override
            public String resumeStrategyService() {
                return "tributary-checkpoints";
            }
        };
        this.configuration.setResumeCache(TransientResumeStrategy.createSimpleCache());
    }

    /** The consumer calls setResumeAction then resume on the same thread, once per shard iterator it opens. */
    static final class Adapter implements ResumeActionAware {
        private final Function<String, String> resumeAfter;
        private final ThreadLocal<ResumeAction> action = new ThreadLocal<>();

        Adapter(Function<String, String> resumeAfter) {
            this.resumeAfter = resumeAfter;
        }

        @Override
        public void setResumeAction(ResumeAction resumeAction) {
            action.set(resumeAction);
        }

        @Override
        public void resume() {
            ResumeAction a = action.get();
            action.remove();
            if (a instanceof KinesisResumeAction kinesis) {
                String after = resumeAfter.apply(kinesis.getShardId());
                if (after != null) {
                    kinesis.evalEntry(kinesis.getShardId(), after);
                }
            }
        }
    }

    @Override
    public void setAdapter(ResumeAdapter offered) {
        // route setup offers the consumer's default adapter; the checkpoint adapter stays
    }

    @Override
    public ResumeAdapter getAdapter() {
        return adapter;
    }

    @Override
    public <T extends Resumable> void updateLastOffset(T offset) {
        // checkpoints advance through Batcher.committed, not per exchange
    }

    @Override
    public <T extends Resumable> void updateLastOffset(T offset, UpdateCallBack updateCallBack) {
        // see updateLastOffset(T)
    }

    @Override
    public void updateLastOffset(OffsetKey<?> offsetKey, Offset<?> offset) {
        // see updateLastOffset(T)
    }

    @Override
    public void updateLastOffset(OffsetKey<?> offsetKey, Offset<?> offset, UpdateCallBack updateCallBack) {
        // see updateLastOffset(T)
    }

    @Override
    public void setResumeStrategyConfiguration(ResumeStrategyConfiguration resumeStrategyConfiguration) {
        this.configuration = resumeStrategyConfiguration;
    }

    @Override
    public ResumeStrategyConfiguration getResumeStrategyConfiguration() {
        return configuration;
    }

    @Override
    public void start() {
        // nothing to load eagerly: checkpoints are read per shard when its iterator opens
    }

    @Override
    public void stop() {
        // nothing to release
    }
}
