package io.tributary.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.tributary.batch.SealedBatch;
import io.tributary.checkpoint.CheckpointResumeStrategy;
import io.tributary.checkpoint.Checkpoints;
import io.tributary.ingest.HttpIngest;
import io.tributary.ingest.IngestReply;
import io.tributary.ingest.StreamIngest;

/**
 * What the native image must keep for reflection (docs/packaging.md): the beans the routes call by method name (Camel's bean
 * binding), the types the simple language reads properties of ({@code ${body.status}}), and the Amazon Redshift JDBC
 * driver, which Agroal loads by class name (db-kind other, no Quarkus JDBC extension). Resources are listed in
 * META-INF/native-image/io.tributary/tributary/resource-config.json. No effect in JVM mode.
 */
@RegisterForReflection(targets = {
        StreamIngest.class,
        HttpIngest.class,
        Checkpoints.class,
        CheckpointResumeStrategy.class,
        IngestReply.class,
        SealedBatch.class,
}, methods = true, fields = true)
final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }

    /** The Redshift driver by name: it is on the classpath only as a JDBC driver, never referenced from our code. */
    @RegisterForReflection(classNames = {
            "com.amazon.redshift.jdbc42.Driver",
            "com.amazon.redshift.jdbc.Driver",
            "com.amazon.redshift.Driver",
            "com.amazon.redshift.ssl.LibPQFactory",
    })
    static final class RedshiftDriver {
        private RedshiftDriver() {
        }
    }
}
