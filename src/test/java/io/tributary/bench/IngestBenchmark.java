package io.tributary.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.batch.BatchSettings;
import io.tributary.batch.Batcher;
import io.tributary.batch.LakeLayout;
import io.tributary.event.EventContract;
import io.tributary.event.EventPolicy;
import io.tributary.event.EventProcessor;
import io.tributary.ingest.KinesisBatch;
import io.tributary.ingest.StreamIngest;
import io.tributary.local.EventGenerator;

/**
 * bench/ingest: N seed-shaped events through the real routes of the KCL consumer (routes/kinesis-to-raw/kcl.yaml, its
 * {@code kcl:} endpoint replaced by a direct one: one exchange per GetRecords batch of 1,000 records of one shard, as the
 * KCL hands them over) and of the writes (routes/ingest.camel.yaml: parse → validate → enrich → batch → gzip, commit and
 * checkpoint tracking) with the S3 put replaced by a counting sink, against a baseline of plain
 * Jackson parse + serialise + gzip of the same records without Camel. Both run in this JVM, pinned to one core by the script.
 * Last line: {@code BENCH records_per_s=<n> baseline_records_per_s=<n> ratio=<r> peak_heap_mb=<m>}.
 */
public final class IngestBenchmark {

    static final int SHARDS = 4;
    /** Records per GetRecords call in the benchmark (Kinesis returns up to 10,000; the KCL's default maximum). */
    static final int RECORDS_PER_GET = 1_000;
    /** Where the benchmark hands its GetRecords batches to the KCL consumer's route. */
    static final String BATCHES = "direct:bench-getrecords-batches";

    public static void main(String[] args) throws Exception {
        // outside Quarkus nothing configures JBoss LogManager, whose root level then lets every trace call format its message
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").setLevel(java.util.logging.Level.INFO);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int warmup = Math.min(n, 200_000);
        Instant base = Instant.parse("2026-11-25T10:00:00Z");
        EventGenerator generator = new EventGenerator(42, base);
        List<byte[]> events = new ArrayList<>(n);
        long inputBytes = 0;
        for (int i = 0; i < n; i++) {
            byte[] e = generator.next();
            events.add(e);
            inputBytes += e.length;
        }
        System.out.printf(Locale.ROOT, "generated %,d events, %,d bytes (avg %d bytes)%n", n, inputBytes, inputBytes / n);

        BatchSettings settings = new BatchSettings(100_000, 5L * 1024 * 1024, Duration.ofSeconds(60), 1);
        try (Pipeline warm = new Pipeline(settings)) {
            warm.run(events.subList(0, warmup), base);
        }
        baseline(events.subList(0, warmup), settings, false);
        baseline(events.subList(0, warmup), settings, true);

        long cpu0 = cpuNanos();
        long baselineNanos = baseline(events, settings, false);
        long baselineCpu = cpuNanos() - cpu0;
        long bufferedBaselineNanos = baseline(events, settings, true);
        core(events.subList(0, warmup), settings, base);
        long coreNanos = core(events, settings, base);
        resetPeaks();
        Pipeline.Result r;
        long pipelineCpu;
        try (Pipeline pipeline = new Pipeline(settings)) {
            cpu0 = cpuNanos();
            r = pipeline.run(events, base);
            pipelineCpu = cpuNanos() - cpu0;
        }
        long peakHeapMb = peakHeapBytes() / (1024 * 1024);

        double recordsPerS = n / (r.nanos() / 1e9);
        double baselinePerS = n / (baselineNanos / 1e9);
        System.out.printf(Locale.ROOT, "pipeline: %,d records in %.2f s -> %,d objects, %,d records out, %,d gzip bytes (ratio %.2f)%n",
                n, r.nanos() / 1e9, r.objects(), r.records(), r.bytes(), (double) inputBytes / r.bytes());
        System.out.printf(Locale.ROOT, "baseline: %,d records in %.2f s%n", n, baselineNanos / 1e9);
        // the ingest route hands the deflater 16 KiB at a time; the baseline, as the benchmark has always defined it, each
        // line and its newline: a baseline that buffers as well is shown beside it, a stricter bar
        System.out.printf(Locale.ROOT, "baseline with buffered gzip writes: %,d records in %.2f s = %,d records/s, ratio %.2f%n", n,
                bufferedBaselineNanos / 1e9, Math.round(n / (bufferedBaselineNanos / 1e9)), (double) bufferedBaselineNanos / r.nanos());
        System.out.printf(Locale.ROOT, "core without Camel (process + batch + gzip): %,d records in %.2f s = %,d records/s%n",
                n, coreNanos / 1e9, Math.round(n / (coreNanos / 1e9)));
        // CPU time of this thread (the direct: routes run in it): on a busy machine wall time also counts the time the
        // pinned core gave to other processes, CPU time does not
        System.out.printf(Locale.ROOT, "cpu: pipeline %.2f s, baseline %.2f s, cpu_ratio=%.2f%n", pipelineCpu / 1e9,
                baselineCpu / 1e9, (double) baselineCpu / pipelineCpu);
        if (r.records() != n) {
            throw new IllegalStateException("counting sink saw " + r.records() + " records, expected " + n);
        }
        System.out.printf(Locale.ROOT, "BENCH records_per_s=%d baseline_records_per_s=%d ratio=%.2f peak_heap_mb=%d%n",
                Math.round(recordsPerS), Math.round(baselinePerS), recordsPerS / baselinePerS, peakHeapMb);
    }

    /** Plain Jackson parse + serialise + gzip (same level, same 5 MiB objects), no Camel, no validation, no enrichment;
     *  each line written to the gzip stream as it comes, or {@code buffered} through 16 KiB as the ingest route does. */
    static long baseline(List<byte[]> events, BatchSettings settings, boolean buffered) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        long start = System.nanoTime();
        long sink = 0;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
        OutputStream gzip = gzip(buffer, settings.gzipLevel(), buffered);
        long uncompressed = 0;
        for (byte[] e : events) {
            JsonNode tree = mapper.readTree(e);
            byte[] line = mapper.writeValueAsBytes(tree);
            gzip.write(line);
            gzip.write('\n');
            uncompressed += line.length + 1;
            if (uncompressed >= settings.maxBytes()) {
                gzip.close();
                sink += buffer.size();
                buffer = new ByteArrayOutputStream(1 << 20);
                gzip = gzip(buffer, settings.gzipLevel(), buffered);
                uncompressed = 0;
            }
        }
        gzip.close();
        sink += buffer.size();
        long nanos = System.nanoTime() - start;
        if (sink == 0) {
            throw new IllegalStateException("baseline wrote nothing");
        }
        return nanos;
    }

    /** The same beans called directly, without Camel: shows how much of the time is the route itself. */
    static long core(List<byte[]> events, BatchSettings settings, Instant base) {
        EventProcessor processor = new EventProcessor(EventContract.load(), EventPolicy.defaults());
        Batcher batcher = new Batcher(settings, new LakeLayout("raw", "raw/events", "errors", "errors/events"));
        long start = System.nanoTime();
        long seq = 49_590_338_271_490_256L;
        long objects = 0;
        for (int i = 0; i < events.size(); i++) {
            var meta = new io.tributary.event.RecordMeta("bench", "shardId-00000000000" + (i % SHARDS), Long.toString(seq + i), base.plusMillis(i));
            for (var b : batcher.add(meta, processor.process(events.get(i), meta))) {
                batcher.committed(b);
                objects++;
            }
        }
        for (var b : batcher.drain()) {
            batcher.committed(b);
            objects++;
        }
        if (objects == 0) {
            throw new IllegalStateException("core wrote nothing");
        }
        return System.nanoTime() - start;
    }

    static OutputStream gzip(ByteArrayOutputStream out, int level, boolean buffered) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(level);
            }
        };
        return buffered ? new BufferedOutputStream(gzip, 16 * 1024) : gzip;
    }

    /** The real ingest routes in a plain Camel context, the S3 put replaced by a counting sink. */
    static final class Pipeline implements AutoCloseable {
        record Result(long nanos, long objects, long records, long bytes) {
        }

        final CamelContext camel = new DefaultCamelContext();
        final StreamIngest ingest;
        final AtomicLong objects = new AtomicLong();
        final AtomicLong records = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        Pipeline(BatchSettings settings) throws Exception {
            EventProcessor processor = new EventProcessor(EventContract.load(), EventPolicy.defaults());
            Batcher batcher = new Batcher(settings, new LakeLayout("raw", "raw/events", "errors", "errors/events"));
            ingest = new StreamIngest(processor, batcher, "bench", new SimpleMeterRegistry());
            camel.getRegistry().bind("streamIngest", ingest);
            Properties p = new Properties();
            p.setProperty("tributary.lake.raw-bucket", "raw");
            p.setProperty("tributary.batch.age-check-interval", "1s");
            p.setProperty("tributary.batch.age-flush-enabled", "true");
            p.setProperty("tributary.write.max-redeliveries", "0");
            p.setProperty("tributary.write.redelivery-delay-ms", "1");
            p.setProperty("tributary.write.max-redelivery-delay-ms", "1");
            camel.getPropertiesComponent().setInitialProperties(p);
            p.setProperty("tributary.kinesis.stream", "bench");
            p.setProperty("tributary.kinesis.consumer-enabled", "true");
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel, "classpath:routes/ingest.camel.yaml"),
                    ResourceHelper.resolveMandatoryResource(camel, "classpath:routes/kinesis-to-raw/kcl.yaml"));
            // the consumer's own route, fed here instead of by a KCL scheduler
            AdviceWith.adviceWith(camel, "kinesis-consumer", r -> r.replaceFromWith(BATCHES));
            AdviceWith.adviceWith(camel, "write-batch", r -> r.weaveById("put-object").replace().process(e -> {
                objects.incrementAndGet();
                bytes.addAndGet(e.getMessage().getBody(byte[].class).length);
                records.addAndGet(((io.tributary.batch.SealedBatch) e.getProperty(StreamIngest.BATCH)).records());
            }));
            // the Camel settings of application.properties (camel.main.*): no stream caching, simple exchange ids
            camel.setStreamCaching(false);
            camel.setUuidGenerator(new org.apache.camel.support.SimpleUuidGenerator());
            camel.start();
        }

        /** Per shard, GetRecords batches of {@link #RECORDS_PER_GET} records, one exchange each into the consumer's route, as
         *  the KCL consumer sends them. */
        Result run(List<byte[]> events, Instant base) {
            ProducerTemplate template = camel.createProducerTemplate();
            var ingestEndpoint = camel.getEndpoint(BATCHES);
            long start = System.nanoTime();
            long seq = 49_590_338_271_490_256L;
            List<List<KinesisBatch.Record>> open = new ArrayList<>();
            for (int s = 0; s < SHARDS; s++) {
                open.add(new ArrayList<>(RECORDS_PER_GET));
            }
            for (int i = 0; i < events.size(); i++) {
                int shard = i % SHARDS;
                List<KinesisBatch.Record> batch = open.get(shard);
                batch.add(new KinesisBatch.Record(events.get(i), Long.toString(seq + i), base.plusMillis(i)));
                if (batch.size() == RECORDS_PER_GET || i == events.size() - 1) {
                    template.sendBody(ingestEndpoint, new KinesisBatch("shardId-00000000000" + shard, List.copyOf(batch), 0L));
                    batch.clear();
                }
            }
            for (int shard = 0; shard < SHARDS; shard++) {
                if (!open.get(shard).isEmpty()) {
                    template.sendBody(ingestEndpoint, new KinesisBatch("shardId-00000000000" + shard, List.copyOf(open.get(shard)), 0L));
                }
            }
            for (var batch : ingest.drain()) {
                template.sendBody("direct:write-batch", batch);
            }
            return new Result(System.nanoTime() - start, objects.get(), records.get(), bytes.get());
        }

        @Override
        public void close() throws Exception {
            camel.close();
        }
    }

    static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
