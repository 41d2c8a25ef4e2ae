package io.tributary.local;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Measures the packaging figures of docs/packaging.md in JVM mode on the local stand-ins (bin/measure-packaging):
 * container mode: start to ready, RSS after start and after 100,000 events; Lambda mode: function.zip size and the first
 * and warm invocation latency through the Lambda mock event server, for the uber-jar of function.zip.
 */
public final class PackagingFigures {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path work = Files.createDirectories(Path.of("target/measure").toAbsolutePath());
        Path basedir = Files.createTempDirectory("tributary-measure-s3-");
        try (StandInProcess kinesalite = StandIns.kinesalite(work);
             StandInProcess s3proxy = StandIns.s3proxy(basedir, work);
             KinesisClient kinesis = StandIns.kinesisClient(kinesalite.endpoint())) {
            StandIns.createStream(kinesis, "measure", 2);
            try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
                StandIns.createBucket(s3, "raw-measure");
                StandIns.createBucket(s3, "errors-measure");
            }
            Map<String, String> config = Map.of(
                    "tributary.kinesis.stream", "measure",
                    "tributary.kinesis.endpoint-override", kinesalite.endpoint(),
                    "tributary.lake.endpoint-override", s3proxy.endpoint(),
                    "tributary.lake.raw-bucket", "raw-measure",
                    "tributary.lake.errors-bucket", "errors-measure",
                    "tributary.aws.access-key-id", StandIns.ACCESS_KEY,
                    "tributary.aws.secret-access-key", StandIns.SECRET_KEY,
                    "tributary.ingest.api-key", "measure-key");
            if (events > 0) {
                container(kinesis, config, events, work);
            }
            lambda(config, work);
        }
    }

    static void container(KinesisClient kinesis, Map<String, String> config, int events, Path work) throws Exception {
        Instant spawn = Instant.now();
        try (AppProcess app = AppProcess.start(config, work.resolve("container.log"))) {
            while (app.get("/q/health/ready").statusCode() != 200) {
                Thread.sleep(20);
            }
            long readyMs = Duration.between(spawn, Instant.now()).toMillis();
            Thread.sleep(2000);
            long rssStart = rssKb(app.pid());
            EventGenerator g = new EventGenerator(7, Instant.now());
            Instant sendStart = Instant.now();
            List<PutRecordsRequestEntry> batch = new ArrayList<>(500);
            for (int i = 0; i < events; i++) {
                batch.add(PutRecordsRequestEntry.builder().partitionKey("u" + i).data(SdkBytes.fromUtf8String(g.nextJson())).build());
                if (batch.size() == 500 || i == events - 1) {
                    List<PutRecordsRequestEntry> entries = List.copyOf(batch);
                    var r = kinesis.putRecords(b -> b.streamName("measure").records(entries));
                    if (r.failedRecordCount() > 0) {
                        throw new IllegalStateException(r.failedRecordCount() + " records refused by the Kinesis stand-in");
                    }
                    batch.clear();
                }
            }
            while (app.metric("tributary_records_received_total") < events) {
                Thread.sleep(200);
            }
            long ingestMs = Duration.between(sendStart, Instant.now()).toMillis();
            long rssAfter = rssKb(app.pid());
            long peakRss = hwmKb(app.pid());
            System.out.printf("FIGURE container start_to_ready_ms=%d rss_after_start_mb=%d rss_after_%d_events_mb=%d peak_rss_mb=%d put_and_read_ms=%d%n",
                    readyMs, rssStart / 1024, events, rssAfter / 1024, peakRss / 1024, ingestMs);
            app.stopGracefully(Duration.ofSeconds(60));
        }
    }

    static void lambda(Map<String, String> config, Path work) throws Exception {
        Path zip = StandIns.projectDir().resolve("target/function.zip");
        Path jar = work.resolve("function/lib");
        Files.createDirectories(jar);
        Process unzip = new ProcessBuilder("unzip", "-o", "-q", zip.toString(), "-d", work.resolve("function").toString()).inheritIO().start();
        if (unzip.waitFor() != 0) {
            throw new IllegalStateException("cannot unzip " + zip + ": build it with ./mvnw package -Plambda");
        }
        Path runner;
        try (var files = Files.list(jar)) {
            runner = files.filter(p -> p.toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
        System.out.printf("FIGURE function.zip bytes=%d (%.1f MB) unzipped_bytes=%d%n", Files.size(zip), Files.size(zip) / 1e6, Files.size(runner));
        try (LambdaRuntimeStandIn runtime = LambdaRuntimeStandIn.start()) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dquarkus.profile=lambda", "-Dtributary.lambda.runtime-api=" + runtime.runtimeApi()));
            config.forEach((k, v) -> {
                if (!k.startsWith("tributary.kinesis.endpoint") && !k.equals("tributary.ingest.api-key")) {
                    cmd.add("-D" + k + "=" + v);
                }
            });
            cmd.add("-jar");
            cmd.add(runner.toString());
            byte[] small = Files.readAllBytes(StandIns.projectDir().resolve("src/test/resources/lambda/kinesis-clean.json"));
            byte[] large = event(500);
            Instant spawn = Instant.now();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("lambda.log").toFile()).start();
            try {
                // posted right away: like a cold start, it waits for the runtime to come up and poll
                long cold = invoke(runtime, large);
                long coldFromSpawn = Duration.between(spawn, Instant.now()).toMillis();
                long first = invoke(runtime, large);
                List<Long> warm = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    warm.add(invoke(runtime, large));
                }
                List<Long> warmSmall = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    warmSmall.add(invoke(runtime, small));
                }
                long rss = rssKb(p.pid());
                System.out.printf("FIGURE lambda spawn_to_first_reply_ms=%d first_invocation_ms=%d (500 records; cold one incl. init %d ms) "
                                + "warm_median_ms=%d warm_p90_ms=%d (500 records) warm_median_ms_5_records=%d rss_mb=%d%n",
                        coldFromSpawn, first, cold, percentile(warm, 50), percentile(warm, 90), percentile(warmSmall, 50), rss / 1024);
            } finally {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Posts one event to the mock event server; returns the round trip in ms, failing on a partial batch failure. */
    static long invoke(LambdaRuntimeStandIn runtime, byte[] event) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(runtime.eventsUrl())).timeout(Duration.ofSeconds(180))
                .POST(HttpRequest.BodyPublishers.ofByteArray(event)).build(), HttpResponse.BodyHandlers.ofString());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (r.statusCode() != 200 || !r.body().contains("\"batchItemFailures\":[]")) {
            throw new IllegalStateException("invocation failed: " + r.statusCode() + " " + r.body());
        }
        return ms;
    }

    /** A Kinesis event of n seed-shaped records on one shard, arriving now. */
    static byte[] event(int n) {
        EventGenerator g = new EventGenerator(n, Instant.now());
        double arrival = System.currentTimeMillis() / 1000.0;
        BigInteger seq = new BigInteger("49590338271490256608559692538361571095921575989136580000");
        StringBuilder sb = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < n; i++) {
            String s = seq.add(BigInteger.valueOf(i)).toString();
            sb.append(i == 0 ? "" : ",").append("{\"eventID\":\"shardId-000000000000:").append(s).append("\",\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/measure\",")
                    .append("\"kinesis\":{\"sequenceNumber\":\"").append(s).append("\",\"partitionKey\":\"p").append(i)
                    .append("\",\"approximateArrivalTimestamp\":").append(String.format("%.3f", arrival)).append(",\"data\":\"")
                    .append(Base64.getEncoder().encodeToString(g.nextJson().getBytes(StandardCharsets.UTF_8))).append("\"}}");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static long rssKb(long pid) throws IOException {
        return statusKb(pid, "VmRSS:");
    }

    static long hwmKb(long pid) throws IOException {
        return statusKb(pid, "VmHWM:");
    }

    private static long statusKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
