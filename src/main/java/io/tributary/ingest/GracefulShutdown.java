package io.tributary.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.tributary.batch.Batcher;
import io.tributary.batch.SealedBatch;
import io.tributary.checkpoint.Checkpoints;
import io.tributary.config.TributaryConfig;

/**
 * On SIGTERM (ECS task stop, Ctrl-C in dev mode): stop polling Kinesis, write every open batch, then write the
 * checkpoints, all within {@code tributary.shutdown.deadline}. Quarkus fires ShutdownEvent before Camel stops its routes,
 * so the write route still runs here. When S3 does not take the writes in time (write-batch retries without end), the
 * flush is abandoned, Camel is told to stop without waiting for the write still retrying, and what was not written is
 * logged: it is read again after the last checkpoint on the next start.
 */
@Singleton
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);
    static final String CONSUMER_ROUTE = "kinesis-consumer";

    void onStop(@Observes ShutdownEvent event, CamelContext camel, StreamIngest ingest, Batcher batcher, Checkpoints checkpoints,
                TributaryConfig config) {
        Duration deadline = config.shutdown().deadline();
        long start = System.nanoTime();
        boolean checkpointing = config.checkpoint().enabled();
        AtomicInteger written = new AtomicInteger();
        List<SealedBatch> open = List.of();
        ExecutorService flusher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "shutdown-flush");
            t.setDaemon(true);
            return t;
        });
        try {
            if (camel.getRoute(CONSUMER_ROUTE) != null) {
                camel.getRouteController().stopRoute(CONSUMER_ROUTE, Math.max(1, remaining(start, deadline) / 1000), TimeUnit.SECONDS);
            }
            open = ingest.drain();
            List<SealedBatch> batches = open;
            Future<Integer> flush = flusher.submit(() -> {
                try (ProducerTemplate producer = camel.createProducerTemplate()) {
                    for (SealedBatch batch : batches) {
                        producer.sendBody("direct:write-batch", batch);
                        written.incrementAndGet();
                    }
                }
                return checkpointing ? checkpoints.persist() : 0;
            });
            int saved = flush.get(Math.max(0, remaining(start, deadline)), TimeUnit.MILLISECONDS);
            LOG.infof("shutdown: wrote %d open batches and %d checkpoints in %d ms", written.get(), saved,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (TimeoutException e) {
            notFlushed("the shutdown deadline of " + deadline.toSeconds() + " s passed", open, written.get(), batcher);
            // the deadline is spent: Camel's own stop must not wait camel.main.shutdown-timeout for the write still retrying;
            // a forced shutdown also ends its redeliveries (the checkpoint has not passed it, so nothing is lost)
            camel.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
            camel.getShutdownStrategy().setTimeout(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notFlushed("the shutdown was interrupted", open, written.get(), batcher);
        } catch (Exception e) {
            LOG.error("shutdown flush failed", e);
            notFlushed("the shutdown flush failed", open, written.get(), batcher);
        } finally {
            flusher.shutdownNow();
        }
    }

    /** Says exactly what is not durable: those records are read again after each shard's last written checkpoint. */
    private static void notFlushed(String why, List<SealedBatch> open, int written, Batcher batcher) {
        List<SealedBatch> left = open.subList(Math.min(written, open.size()), open.size());
        Map<String, Long> pending = batcher.pendingRecords().entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        LOG.warnf("shutdown: %s; %d of %d open batches not written (%d records: %s); not durable per shard %s; "
                        + "those records are read again after the last checkpoint on the next start",
                why, left.size(), open.size(), left.stream().mapToInt(SealedBatch::records).sum(),
                left.stream().map(SealedBatch::key).toList(), pending);
    }

    private static long remaining(long start, Duration deadline) {
        return deadline.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
