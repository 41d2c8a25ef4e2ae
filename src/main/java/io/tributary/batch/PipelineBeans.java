package io.tributary.batch;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.tributary.analytics.MinuteWindows;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.config.TributaryConfig;
import io.tributary.event.EventContract;
import io.tributary.event.EventPolicy;
import io.tributary.event.EventProcessor;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the plain-Java pipeline pieces from typed configuration. Singletons without client proxies: they sit on the
 *  per-record hot path. */
public class PipelineBeans {

    @Produces
    @Singleton
    EventContract eventContract() {
        return EventContract.load();
    }

    @Produces
    @Singleton
    @Named("eventProcessor")
    EventProcessor eventProcessor(EventContract contract, TributaryConfig config) {
        var e = config.event();
        return new EventProcessor(contract, new EventPolicy(e.maxRecordBytes(), e.maxNestingDepth(), e.lateWindow(), e.futureWindow()));
    }

    @Produces
    @Singleton
    Batcher batcher(TributaryConfig config, MinuteWindows minutes) {
        var b = config.batch();
        var lake = config.lake();
        return new Batcher(new BatchSettings(b.maxRecords(), b.maxBytes(), b.maxAge(), b.gzipLevel()),
                new LakeLayout(lake.rawBucket(), lake.rawPrefix(), lake.errorsBucket(), lake.errorsPrefix()), System::nanoTime,
                minutes::keyOf);
    }

    @Produces
    @Singleton
    CheckpointStore checkpointStore(S3Client s3, TributaryConfig config) {
        return new CheckpointStore(s3, config.lake().rawBucket(), config.checkpoint().prefix(), config.kinesis().stream());
    }
}
