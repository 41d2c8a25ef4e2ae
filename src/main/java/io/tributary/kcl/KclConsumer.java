package io.tributary.kcl;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultConsumer;
import org.jboss.logging.Logger;

import io.tributary.aws.AwsClients;
import io.tributary.batch.SealedBatch;
import io.tributary.config.TributaryConfig;
import io.tributary.ingest.KinesisBatch;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.RetrievalSpecificConfig;
import software.amazon.kinesis.retrieval.fanout.FanOutConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * Runs a KCL {@link Scheduler} for the route: one {@link ShardIngestProcessor} per shard lease this worker holds. Stopping
 * the route shuts the scheduler down gracefully: each processor writes its shard's open batches and checkpoints what is
 * durable, then the leases are released for the other workers.
 */
public class KclConsumer extends DefaultConsumer implements ShardIngestProcessor.Pipeline {

    private static final Logger LOG = Logger.getLogger(KclConsumer.class);

    private final String stream;
    private KinesisAsyncClient kinesis;
    private DynamoDbAsyncClient dynamo;
    private CloudWatchAsyncClient cloudWatch;
    private ProducerTemplate writer;
    private Scheduler scheduler;
    private Thread thread;
    private volatile boolean stopping;

    KclConsumer(KclEndpoint endpoint, Processor processor, String stream) {
        super(endpoint, processor);
        this.stream = stream;
    }

    @Override
    public KclEndpoint getEndpoint() {
        return (KclEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        KclComponent c = getEndpoint().getComponent();
        TributaryConfig config = c.config;
        TributaryConfig.Kcl kcl = config.kcl();
        Region region = Region.of(config.aws().region());
        var credentials = AwsClients.credentials(config);

        var kinesisBuilder = KinesisAsyncClient.builder().region(region).credentialsProvider(credentials)
                // enhanced fan-out subscribes over HTTP/2; polling (and the local stand-in) speaks HTTP/1.1
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(Integer.MAX_VALUE)
                        .protocol(kcl.enhancedFanOut() ? Protocol.HTTP2 : Protocol.HTTP1_1));
        config.kinesis().endpointOverride().ifPresent(e -> kinesisBuilder.endpointOverride(URI.create(e)));
        kinesis = kinesisBuilder.build();
        var dynamoBuilder = DynamoDbAsyncClient.builder().region(region).credentialsProvider(credentials);
        kcl.dynamodbEndpointOverride().ifPresent(e -> dynamoBuilder.endpointOverride(URI.create(e)));
        dynamo = dynamoBuilder.build();
        cloudWatch = CloudWatchAsyncClient.builder().region(region).credentialsProvider(credentials).build();
        writer = getEndpoint().getCamelContext().createProducerTemplate();

        String workerId = kcl.workerId().orElseGet(KclConsumer::defaultWorkerId);
        InitialPositionInStreamExtended initial = InitialPositionInStreamExtended.newInitialPosition(
                InitialPositionInStream.valueOf(config.kinesis().iteratorType()));
        ConfigsBuilder configs = new ConfigsBuilder(new SingleStreamTracker(stream, initial), kcl.applicationName(), kinesis, dynamo,
                cloudWatch, workerId, () -> new ShardIngestProcessor(this, c.batcher, c.store, c.status, kcl.checkpointInterval(),
                kcl.failoverTime(), kcl.maxUndurableRecords(), () -> stopping));
        kcl.leaseTable().ifPresent(configs::tableName);

        RetrievalSpecificConfig retrieval = kcl.enhancedFanOut()
                ? new FanOutConfig(kinesis).streamName(stream).applicationName(kcl.applicationName())
                : new PollingConfig(stream, kinesis).maxRecords(config.kinesis().maxRecordsPerPoll())
                        .idleTimeBetweenReadsInMillis(config.kinesis().pollDelayMs());
        MetricsLevel level = MetricsLevel.valueOf(kcl.metricsLevel());
        var metrics = configs.metricsConfig().metricsLevel(level);
        if (level == MetricsLevel.NONE) {
            metrics.metricsFactory(new NullMetricsFactory());
        }
        var leases = configs.leaseManagementConfig().failoverTimeMillis(kcl.failoverTime().toMillis())
                .shardSyncIntervalMillis(kcl.shardSyncInterval().toMillis());
        kcl.leaseAssignmentInterval().ifPresent(i -> leases.leaseAssignmentIntervalMillis(i.toMillis()));
        scheduler = new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig(),
                leases,
                configs.lifecycleConfig().aggregatorUtil(new RawRecords()),
                metrics,
                // empty GetRecords results reach the processor too: it checkpoints what the age flush made durable
                configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
                configs.retrievalConfig().retrievalSpecificConfig(retrieval));
        stopping = false;
        thread = new Thread(this::runScheduler, "kcl-scheduler");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("KCL consumer of %s started: application %s, worker %s, %s", stream, kcl.applicationName(), workerId,
                kcl.enhancedFanOut() ? "enhanced fan-out" : "polling");
    }

    private void runScheduler() {
        try {
            scheduler.run();
        } catch (RuntimeException | Error e) {
            LOG.error("KCL scheduler failed", e);
            getEndpoint().getComponent().status.schedulerFailed(e.toString());
            return;
        }
        if (!stopping) {
            getEndpoint().getComponent().status.schedulerFailed("it returned without a shutdown");
        }
    }

    @Override
    protected void doStop() throws Exception {
        stopping = true;
        if (scheduler != null) {
            long timeout = getEndpoint().getComponent().config.kcl().shutdownTimeout().toMillis();
            Future<Boolean> done = scheduler.startGracefulShutdown();
            try {
                done.get(timeout, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warnf("KCL graceful shutdown did not finish in %d ms; stopping the scheduler (what is not checkpointed is read again)", timeout);
                scheduler.shutdown();
            }
            scheduler = null;
        }
        if (writer != null) {
            writer.close();
        }
        for (AutoCloseable client : new AutoCloseable[] {kinesis, dynamo, cloudWatch}) {
            if (client != null) {
                client.close();
            }
        }
        super.doStop();
    }

    @Override
    public void ingest(KinesisBatch batch) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            exchange.getIn().setBody(batch);
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                throw exchange.getException();
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    @Override
    public void write(SealedBatch batch) {
        writer.sendBody("direct:write-batch", batch);
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
