package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.CuratedZone;
import io.tributary.local.GlueStandIn;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;
import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Several consumers, proven (issue 11): three application processes share one 4-shard stream through KCL leases in the
 * DynamoDB stand-in under a steady, bounded load; the one holding the most leases is killed with SIGKILL mid-stream. Its
 * leases move to the two survivors, and every event sent is in the raw zone. The survivors are then stopped and the real
 * Glue job (in the Glue stand-in) curates every raw hour the data landed in: the curated Iceberg table's current snapshot
 * holds each event id sent exactly once, and no other, and the job removed exactly the replayed raw lines. Prints the
 * failover time (kill to the last of its leases taken by a survivor), the replayed records (raw lines beyond one per
 * event: what the dead worker had made durable but not yet checkpointed, written again by the new owner), the curated
 * rows and the duplicates the Glue job removed.
 */
class KclFailoverIT {

    static final int SHARDS = 4;
    static final int CHUNK = 40;
    static final long CHUNK_INTERVAL_MS = 200;
    static final Duration FAILOVER_TIME = Duration.ofSeconds(6);
    static final String CURATED = "curated-kcl-failover";

    static LocalLake lake;
    static StandInProcess dynalite;
    static DynamoDbClient dynamo;
    static GlueStandIn glue;
    static CuratedZone zone;

    @BeforeAll
    static void standIns() {
        lake = new LocalLake("kcl-failover-it", SHARDS);
        dynalite = StandIns.dynalite(lake.work);
        dynamo = DynamoDbClient.builder().endpointOverride(URI.create(dynalite.endpoint())).region(Region.of(StandIns.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(StandIns.ACCESS_KEY, StandIns.SECRET_KEY)))
                .build();
        lake.createBucket(CURATED);
        glue = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, lake.s3proxy.endpoint(), lake.work, "1g");
        zone = CuratedZone.of(lake, glue, CURATED);
    }

    @AfterAll
    static void stopStandIns() {
        glue.close();
        dynamo.close();
        dynalite.close();
        lake.close();
    }

    static Map<String, String> config(String application, String worker) {
        Map<String, String> c = lake.kclConfig(dynalite.endpoint(), application, worker);
        c.put("tributary.kcl.failover-time", FAILOVER_TIME.toSeconds() + "s");
        c.put("tributary.kcl.shard-sync-interval", "2s");
        c.put("tributary.kcl.lease-assignment-interval", "2s");
        c.put("tributary.kcl.worker-metrics-report-interval", "2s");
        c.put("tributary.kcl.checkpoint-interval", "1s");
        c.put("tributary.checkpoint.interval", "1s");
        c.put("tributary.batch.max-age", "2s");
        c.put("tributary.batch.age-check-interval", "200ms");
        c.put("tributary.kinesis.poll-delay-ms", "200");
        return c;
    }

    /** Lease owner by shard, as the lease table holds it. */
    static Map<String, String> owners(String table) {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, AttributeValue> item : dynamo.scan(b -> b.tableName(table).consistentRead(true)).items()) {
            AttributeValue owner = item.get("leaseOwner");
            out.put(item.get("leaseKey").s(), owner == null ? null : owner.s());
        }
        return out;
    }

    /** The worker holding the KCL leader lock (an item of the coordinator state table with an owner), or null. */
    static String leader(String application) {
        for (Map<String, AttributeValue> item : dynamo.scan(b -> b.tableName(application + "-CoordinatorState").consistentRead(true)).items()) {
            AttributeValue owner = item.get("ownerName");
            if (owner != null) {
                return owner.s();
            }
        }
        return null;
    }

    @Test
    void killingAWorkerMovesItsLeasesToTheSurvivorsAndLosesNoEvent() throws Exception {
        long t0 = System.nanoTime();
        String application = "failover-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> workers = List.of("worker-a", "worker-b", "worker-c");
        Map<String, AppProcess> apps = new HashMap<>();
        // one after the other: three JVMs starting at once on two cores take longer than the three in a row
        for (String w : workers) {
            apps.put(w, AppProcess.start(config(application, w), lake.work.resolve(w + ".log")));
        }
        System.out.printf("KCL FAILOVER: 3 processes live after %.0f s%n", (System.nanoTime() - t0) / 1e9);

        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
            for (int from = 0; producing.get() && System.nanoTime() < end; from += CHUNK) {
                sent.addAll(lake.putWithEventIds("fo", from, CHUNK));
                pause(CHUNK_INTERVAL_MS);
            }
        }, "producer");
        producer.setUncaughtExceptionHandler((t, e) -> producerFailure.set(e));
        producer.start();
        try {
            // every shard leased, and each worker's first records durable
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, String> o = owners(application);
                return o.size() == SHARDS && !o.containsValue(null) && !lake.raw().isEmpty();
            });
            pause(4000); // mid-stream: batches open, some durable and not yet checkpointed
            // the victim: the worker holding the most leases that is not the KCL 3 leader (the leader's DynamoDB lock lives
            // 2 minutes, a constant of KCL 3.1.3, and only the leader reassigns leases: a dead leader's leases wait for it)
            AtomicReference<String> leader = new AtomicReference<>();
            AtomicReference<String> chosen = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                leader.set(leader(application));
                Map<String, Integer> held = new HashMap<>();
                owners(application).values().forEach(w -> {
                    if (w != null && !w.equals(leader.get())) {
                        held.merge(w, 1, Integer::sum);
                    }
                });
                chosen.set(held.isEmpty() ? null : Collections.max(held.entrySet(), Map.Entry.comparingByValue()).getKey());
                // mid-stream: the victim has read records of its shards (some durable, some only in its memory)
                return chosen.get() != null && apps.get(chosen.get()).metric("tributary_records_received_total") > 0;
            });
            String victim = chosen.get();
            Map<String, String> before = owners(application);
            Set<String> victimShards = new HashSet<>();
            before.forEach((shard, w) -> {
                if (w.equals(victim)) {
                    victimShards.add(shard);
                }
            });
            double victimRead = apps.get(victim).metric("tributary_records_received_total");
            long killedAt = System.nanoTime();
            apps.remove(victim).kill();
            System.out.printf("KCL FAILOVER: leases before the kill %s, leader %s; SIGKILL %s holding %s after reading %.0f records%n",
                    before, leader.get(), victim, victimShards, victimRead);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, String> o = owners(application);
                return victimShards.stream().allMatch(s -> o.get(s) != null && !o.get(s).equals(victim));
            });
            double failoverSeconds = (System.nanoTime() - killedAt) / 1e9;
            pause(3000); // the survivors read on for a while
            producing.set(false);
            producer.join(10_000);
            assertNull(producerFailure.get(), () -> "producer failed: " + producerFailure.get());
            int total = sent.size();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> rawIds(lake.raw()).containsAll(sent));
            Map<String, String> after = owners(application);
            assertFalse(after.containsValue(victim), "the killed worker holds no lease: " + after);
            assertEquals(SHARDS, after.size(), "a lease per shard: " + after);
            assertTrue(after.values().stream().allMatch(w -> apps.containsKey(w)), "every lease with a survivor: " + after);
            double survivorsRead = 0;
            for (AppProcess a : apps.values()) {
                survivorsRead += a.metric("tributary_records_received_total");
            }
            // the survivors stop (SIGTERM writes what is still open): the raw zone is final before the Glue job reads it
            for (AppProcess a : apps.values()) {
                a.stopGracefully(Duration.ofSeconds(40));
            }
            apps.clear();
            List<LakeFiles.Line> raw = lake.raw();
            Set<String> ids = rawIds(raw);
            int replayed = raw.size() - ids.size();
            assertTrue(ids.containsAll(sent), "every event sent is in the raw zone");

            // the curated zone: the Glue job for every raw hour the data landed in (a replayed record keeps its arrival
            // time, so its copies share a raw hour and one run removes them); every event sent exactly once, no other
            long curateStart = System.nanoTime();
            Set<String> hours = zone.rawHours();
            Map<String, JsonNode> summaries = zone.curate(hours);
            double curateSeconds = (System.nanoTime() - curateStart) / 1e9;
            CuratedZone.assertNothingRejected(summaries);
            List<String> curated = zone.eventIds();
            Map<String, Integer> rows = new TreeMap<>();
            curated.forEach(id -> rows.merge(id, 1, Integer::sum));
            Map<String, Integer> twice = new TreeMap<>(rows);
            twice.values().removeIf(n -> n == 1);
            assertEquals(Map.of(), twice, "event ids with more than one row in the curated zone (id=rows)");
            Set<String> missing = new TreeSet<>(sent);
            missing.removeAll(rows.keySet());
            assertEquals(Set.of(), missing, "every event sent is in the curated zone");
            Set<String> other = new TreeSet<>(rows.keySet());
            other.removeAll(new HashSet<>(sent));
            assertEquals(Set.of(), other, "the curated zone holds only the events sent");
            int removed = CuratedZone.duplicatesRemoved(summaries);
            assertEquals(replayed, removed, "the Glue job removed exactly the replayed raw lines (raw lines - distinct ids)");

            System.out.printf("KCL FAILOVER: %d events sent over 4 shards; failover %.1f s (failover time %d s); leases after %s; "
                            + "raw lines %d for %d event ids: %d replayed into the raw zone; records read %.0f (victim until the kill "
                            + "%.0f + survivors %.0f), %.0f more than sent; Glue over raw hours %s in %.0f s: %d curated rows, "
                            + "%d duplicates removed by Glue; test %.0f s%n",
                    total, failoverSeconds, FAILOVER_TIME.toSeconds(), after, raw.size(), ids.size(), replayed,
                    victimRead + survivorsRead, victimRead, survivorsRead, victimRead + survivorsRead - total,
                    hours, curateSeconds, curated.size(), removed, (System.nanoTime() - t0) / 1e9);
        } finally {
            producing.set(false);
            for (AppProcess a : apps.values()) {
                a.stopGracefully(Duration.ofSeconds(40));
            }
        }
    }

    static Set<String> rawIds(List<LakeFiles.Line> raw) {
        Set<String> ids = new HashSet<>();
        for (LakeFiles.Line l : raw) {
            ids.add(l.json().get("event_id").asText());
        }
        return ids;
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
