package io.tributary.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.event.EventContract;
import io.tributary.event.EventPolicy;
import io.tributary.event.EventProcessor;
import io.tributary.ingest.HttpIngest;
import io.tributary.ingest.IngestReply;
import io.tributary.local.EventGenerator;
import io.tributary.local.StandIns;
import io.tributary.local.TypedConfig;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * bench/http-ingest-memory: the heap one POST /events of the largest allowed body needs. Calls the ingest bean the
 * route calls (split, full check, event id assignment, PutRecords through the real AWS SDK client against an in-JVM
 * stub that stores nothing) with a body of 10 MiB holding the most records a request may hold, and with 10 MiB of
 * {@code {}} lines (refused with 413). Not a timed test: it reports heap figures, measured against a baseline taken
 * after System.gc() with the body already in memory.
 * Last line: {@code BENCH body_mb=<b> records=<n> peak_heap_mb=<p> max_live_after_gc_mb=<l> allocated_mb=<a>}.
 */
public final class HttpIngestMemoryBenchmark {

    static final int BODY_BYTES = 10 * 1024 * 1024;
    static final int MAX_RECORDS = 10_000;

    public static void main(String[] args) throws Exception {
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").setLevel(java.util.logging.Level.WARNING);
        HttpServer stub = kinesisStub();
        String endpoint = "http://127.0.0.1:" + stub.getAddress().getPort();
        try (KinesisClient kinesis = StandIns.kinesisClient(endpoint)) {
            HttpIngest ingest = new HttpIngest(new EventProcessor(EventContract.load(), EventPolicy.defaults()), kinesis,
                    TypedConfig.of(Map.of()), new SimpleMeterRegistry());
            byte[] largest = largestBody(false);
            byte[] largestArray = largestBody(true);
            byte[] tiny = "{}\n".repeat(BODY_BYTES / 3).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                // warm-up: class loading and JIT, so the measured run holds only what a request holds
                ingest.handle("k", "application/x-ndjson", largest);
            }
            measure("10 MiB of {} lines (" + (BODY_BYTES / 3) + " records)", ingest, tiny, 413);
            measure("10 MiB JSON array", ingest, largestArray, 200);
            Figures f = measure("10 MiB NDJSON", ingest, largest, 200);
            System.out.printf(Locale.ROOT, "BENCH body_mb=%.1f records=%d peak_heap_mb=%.1f max_live_after_gc_mb=%.1f allocated_mb=%.1f%n",
                    largest.length / 1048576.0, MAX_RECORDS, f.peak / 1048576.0, f.maxLiveAfterGc / 1048576.0, f.allocated / 1048576.0);
        } finally {
            stub.stop(0);
        }
    }

    record Figures(long peak, long maxLiveAfterGc, long allocated) {
    }

    /** One request: heap above the baseline at its peak, right after its fullest GC, and bytes it allocated. */
    static Figures measure(String label, HttpIngest ingest, byte[] body, int expectedStatus) throws Exception {
        System.gc();
        long baseline = heapUsed();
        resetPeaks();
        AtomicLong maxAfterGc = new AtomicLong(baseline);
        NotificationListener listener = (n, h) -> {
            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
            maxAfterGc.accumulateAndGet(after, Math::max);
        };
        var gcs = ManagementFactory.getGarbageCollectorMXBeans();
        gcs.forEach(gc -> ((NotificationEmitter) gc).addNotificationListener(listener, null, null));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        IngestReply reply = ingest.handle("k", "application/x-ndjson", body);
        long nanos = System.nanoTime() - start;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        long peak = peakHeap() - baseline;
        for (var gc : gcs) {
            ((NotificationEmitter) gc).removeNotificationListener(listener);
        }
        if (reply.getStatus() != expectedStatus) {
            throw new IllegalStateException(label + ": status " + reply.getStatus() + ", expected " + expectedStatus + ": "
                    + reply.getJson().substring(0, Math.min(500, reply.getJson().length())));
        }
        Figures f = new Figures(peak, Math.max(0, maxAfterGc.get() - baseline), allocated);
        System.out.printf(Locale.ROOT, "%s: status %d in %d ms, reply %,d bytes; heap above baseline: peak %.1f MiB, "
                + "largest after a GC %.1f MiB; allocated by the request thread %.1f MiB%n", label, reply.getStatus(),
                nanos / 1_000_000, reply.getJson().length(), f.peak / 1048576.0, f.maxLiveAfterGc / 1048576.0, f.allocated / 1048576.0);
        return f;
    }

    /** 10 MiB of seed-shaped events without event ids (so each gets one assigned), padded to the same size, as NDJSON
     *  (one per line) or as one JSON array. */
    static byte[] largestBody(boolean array) {
        EventGenerator generator = new EventGenerator(7, Instant.now());
        int perRecord = BODY_BYTES / MAX_RECORDS - 1;
        StringBuilder body = new StringBuilder(BODY_BYTES);
        body.append(array ? "[" : "");
        for (int i = 0; i < MAX_RECORDS; i++) {
            String event = generator.nextJson();
            String padded = event.substring(0, event.length() - 1) + ",\"note\":\"" + "x".repeat(perRecord - event.length() - 10) + "\"}";
            body.append(padded).append(array ? (i + 1 < MAX_RECORDS ? "," : "]") : "\n");
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > BODY_BYTES) {
            throw new IllegalStateException("body is " + bytes.length + " bytes, over " + BODY_BYTES);
        }
        return bytes;
    }

    /** Answers PutRecords like Kinesis (every record stored), reading the request as a stream and keeping none of it. */
    static HttpServer kinesisStub() throws IOException {
        JsonFactory json = new JsonFactory();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicLong sequence = new AtomicLong();
        server.createContext("/", exchange -> {
            int records = 0;
            try (InputStream in = exchange.getRequestBody(); JsonParser p = json.createParser(in)) {
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == JsonToken.FIELD_NAME && "PartitionKey".equals(p.currentName())) {
                        records++;
                    }
                }
            }
            StringBuilder reply = new StringBuilder("{\"FailedRecordCount\":0,\"Records\":[");
            for (int i = 0; i < records; i++) {
                reply.append(i > 0 ? "," : "").append("{\"SequenceNumber\":\"").append(sequence.incrementAndGet())
                        .append("\",\"ShardId\":\"shardId-000000000000\"}");
            }
            byte[] bytes = reply.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long peakHeap() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }
}
