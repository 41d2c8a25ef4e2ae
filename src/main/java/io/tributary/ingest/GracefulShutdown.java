package io.tributary.ingest;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.tributary.batch.SealedBatch;
import io.tributary.checkpoint.Checkpoints;

/**
 * On SIGTERM (ECS task stop, Ctrl-C in dev mode): stop polling Kinesis, write every open batch, then write the
 * checkpoints. Quarkus fires ShutdownEvent before Camel stops its routes, so the write route still runs here.
 */
@Singleton
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);
    static final String CONSUMER_ROUTE = "kinesis-consumer";

    void onStop(@Observes ShutdownEvent event, CamelContext camel, StreamIngest ingest, Checkpoints checkpoints) {
        try {
            if (camel.getRoute(CONSUMER_ROUTE) != null) {
                camel.getRouteController().stopRoute(CONSUMER_ROUTE);
            }
            int written = 0;
            try (ProducerTemplate producer = camel.createProducerTemplate()) {
                for (SealedBatch batch : ingest.drain()) {
                    producer.sendBody("direct:write-batch", batch);
                    written++;
                }
            }
            int saved = checkpoints.persist();
            LOG.infof("shutdown: wrote %d open batches and %d checkpoints", written, saved);
        } catch (Exception e) {
            LOG.error("shutdown flush failed: records not yet durable will be read again after the last checkpoint", e);
        }
    }
}
