package io.tributary.kcl;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/** Feasibility spike: a KCL Scheduler against kinesalite and dynalite. */
class KclSpikeTest {

    @Test
    void schedulerReadsFromStandIns() throws Exception {
        System.setProperty("aws.cborEnabled", "false");
        StandInProcess kinesalite = StandIns.kinesalite(Path.of("target"));
        StandInProcess dynalite = StandIns.dynalite(Path.of("target"));
        String stream = "spike-" + UUID.randomUUID().toString().substring(0, 8);
        KinesisClient sync = StandIns.kinesisClient(kinesalite.endpoint());
        StandIns.createStream(sync, stream, 2);
        for (int i = 0; i < 20; i++) {
            int n = i;
            sync.putRecord(b -> b.streamName(stream).partitionKey("k" + n).data(SdkBytes.fromUtf8String("{\"n\":" + n + "}")));
        }
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(StandIns.ACCESS_KEY, StandIns.SECRET_KEY));
        KinesisAsyncClient kinesis = KinesisAsyncClient.builder().endpointOverride(URI.create(kinesalite.endpoint()))
                .region(Region.of(StandIns.REGION)).credentialsProvider(creds)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)).build();
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(URI.create(dynalite.endpoint()))
                .region(Region.of(StandIns.REGION)).credentialsProvider(creds).build();
        CloudWatchAsyncClient cw = CloudWatchAsyncClient.builder().endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.of(StandIns.REGION)).credentialsProvider(creds).build();
        AtomicInteger seen = new AtomicInteger();
        ConcurrentHashMap<String, String> last = new ConcurrentHashMap<>();
        ConfigsBuilder cb = new ConfigsBuilder(new software.amazon.kinesis.processor.SingleStreamTracker(stream, InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)), "spike-app-" + stream, kinesis, dynamo, cw, "worker-1",
                () -> new ShardRecordProcessor() {
                    String shard;
                    public void initialize(InitializationInput in) { shard = in.shardId(); System.out.println("SPIKE init " + shard + " at " + in.extendedSequenceNumber()); }
                    public void processRecords(ProcessRecordsInput in) {
                        seen.addAndGet(in.records().size());
                        System.out.println("SPIKE " + shard + " got " + in.records().size() + " behind " + in.millisBehindLatest());
                        try {
                            in.checkpointer().checkpoint();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    public void leaseLost(LeaseLostInput in) { }
                    public void shardEnded(ShardEndedInput in) { }
                    public void shutdownRequested(ShutdownRequestedInput in) { }
                });
        Scheduler scheduler = new Scheduler(cb.checkpointConfig(),
                cb.coordinatorConfig(),
                cb.leaseManagementConfig().initialPositionInStream(InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON))
                        .failoverTimeMillis(5000).shardSyncIntervalMillis(1000),
                cb.lifecycleConfig(),
                cb.metricsConfig().metricsLevel(MetricsLevel.NONE).metricsFactory(new NullMetricsFactory()),
                cb.processorConfig(),
                cb.retrievalConfig().retrievalSpecificConfig(new PollingConfig(stream, kinesis).idleTimeBetweenReadsInMillis(500)));
        Thread t = new Thread(scheduler, "kcl");
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (seen.get() < 20 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        System.out.println("SPIKE seen " + seen.get());
        scheduler.startGracefulShutdown().get();
        if (seen.get() < 20) {
            throw new AssertionError("saw " + seen.get());
        }
    }
}
