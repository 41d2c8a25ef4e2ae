package io.tributary.glue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates one raw hour of realistic enriched events for glue/bench.sh (not a test):
 * {@code BenchRawHour <raw_path> <yyyy-MM-dd-HH> <lines>}. About 1% replays, 0.2% producer resends, 1% events of the previous
 * hour inside the window, 0.3% late/future, 0.1% malformed lines; 4 shards, objects of 50,000 lines.
 */
public final class BenchRawHour {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String[] TYPES = {"page_view", "page_view", "page_view", "product_view", "add_to_cart", "purchase", "search"};
    private static final String[] CATEGORIES = {"electronics", "books", "clothing", "home", "garden", "toys", "sports", "beauty",
        "grocery", "automotive", "music", "health"};
    private static final String[] DEVICES = {"desktop", "mobile", "mobile", "tablet", "other"};
    private static final String[][] PLACES = {{"US", "New York"}, {"US", "San Francisco"}, {"US", "Chicago"}, {"GB", "London"},
        {"DE", "Berlin"}, {"FR", "Paris"}, {"JP", "Tokyo"}, {"BR", "Sao Paulo"}, {"IN", "Mumbai"}, {"CA", "Toronto"},
        {"AU", "Sydney"}, {"ES", "Madrid"}, {"IT", "Rome"}, {"NL", "Amsterdam"}, {"SE", "Stockholm"}, {"MX", "Mexico City"}};
    private static final int PER_OBJECT = 50_000;
    private static final int SHARDS = 4;

    private BenchRawHour() {
    }

    public static void main(String[] args) {
        Path raw = Path.of(args[0]);
        ArrivalHour hour = ArrivalHour.parse(args[1]);
        int lines = Integer.parseInt(args[2]);
        Random random = new Random(42);
        long hourStart = LocalDateTime.of(hour.date(), java.time.LocalTime.of(hour.hour(), 0)).toEpochSecond(ZoneOffset.UTC) * 1000;
        BigInteger[] seq = new BigInteger[SHARDS];
        for (int s = 0; s < SHARDS; s++) {
            seq[s] = new BigInteger("4959033827149025660855969253836157109592157598913" + s + "000000");
        }
        List<List<String>> open = new ArrayList<>();
        List<String> firstSeq = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            open.add(new ArrayList<>());
            firstSeq.add(null);
        }
        int written = 0;
        int objects = 0;
        Map<String, Object> previous = null;
        for (int i = 0; written < lines; i++) {
            int shard = random.nextInt(SHARDS);
            String shardId = String.format("shardId-%012d", shard);
            long ingest = hourStart + (long) ((double) i / lines * 3_600_000L);
            long eventTime = ingest - 100 - random.nextInt(5_000);
            String flag = null;
            double r = random.nextDouble();
            if (r < 0.002) {
                flag = "late";
                eventTime = ingest - 86_400_000L - random.nextInt(86_400_000);
            } else if (r < 0.003) {
                flag = "future";
                eventTime = ingest + 7_200_000L + random.nextInt(86_400_000);
            } else if (r < 0.013) {
                eventTime = hourStart - 1_000 - random.nextInt(600_000);
            }
            seq[shard] = seq[shard].add(BigInteger.valueOf(1 + random.nextInt(1000)));
            String line;
            Map<String, Object> rec = null;
            if (random.nextDouble() < 0.001) {
                line = "{\"event_id\":\"broken-" + i + "\",\"event_type\":";
            } else {
                rec = record("evt-" + hour.label() + "-" + i, eventTime, ingest, flag, shardId, seq[shard].toString(), random);
                line = RawZoneFixture.line(rec);
            }
            List<String> batch = open.get(shard);
            if (batch.isEmpty()) {
                firstSeq.set(shard, seq[shard].toString());
            }
            batch.add(line);
            written++;
            double d = random.nextDouble();
            if (d < 0.01 && written < lines) {
                batch.add(line);               // replay: identical line
                written++;
            } else if (d < 0.012 && previous != null && written < lines) {
                // producer resend of the previous event through another shard, 30 s later
                int other = (shard + 1) % SHARDS;
                seq[other] = seq[other].add(BigInteger.ONE);
                Map<String, Object> resend = RawZoneFixture.with(previous, "shard_id", String.format("shardId-%012d", other));
                resend.put("sequence_number", seq[other].toString());
                resend.put("ingest_time", ISO.format(Instant.ofEpochMilli(ingest + 30_000)));
                if (open.get(other).isEmpty()) {
                    firstSeq.set(other, seq[other].toString());
                }
                open.get(other).add(RawZoneFixture.line(resend));
                written++;
            }
            if (rec != null) {
                previous = rec;
            }
            if (batch.size() >= PER_OBJECT) {
                flush(raw, hour, shardId, firstSeq.get(shard), seq[shard].toString(), batch);
                objects++;
            }
        }
        for (int s = 0; s < SHARDS; s++) {
            if (!open.get(s).isEmpty()) {
                flush(raw, hour, String.format("shardId-%012d", s), firstSeq.get(s), seq[s].toString(), open.get(s));
                objects++;
            }
        }
        System.out.println("generated " + written + " lines in " + objects + " objects under " + raw.resolve(hour.rawPartition()));
    }

    private static Map<String, Object> record(String id, long eventTime, long ingest, String flag, String shardId, String seq,
            Random random) {
        String event = ISO.format(Instant.ofEpochMilli(eventTime));
        Map<String, Object> e = RawZoneFixture.event(id, event, ISO.format(Instant.ofEpochMilli(ingest)), shardId, seq);
        if (flag != null) {
            LocalDateTime arrival = LocalDateTime.ofEpochSecond(ingest / 1000, 0, ZoneOffset.UTC);
            e.put("event_date", arrival.toLocalDate().toString());
            e.put("event_hour", arrival.getHour());
            e.put("time_flag", flag);
        }
        int user = random.nextInt(50_000);
        int product = random.nextInt(5_000);
        String[] place = PLACES[random.nextInt(PLACES.length)];
        e.put("event_type", TYPES[random.nextInt(TYPES.length)]);
        e.put("user_id", "user_" + user);
        e.put("page_url", "https://shop.example.com/products/" + product + "?ref=" + random.nextInt(20));
        e.put("page_path", "/products/" + product);
        e.put("product_id", "prod_" + product);
        e.put("category", CATEGORIES[product % CATEGORIES.length]);
        e.put("session_id", "sess_" + user + "_" + random.nextInt(4));
        e.put("device_type", DEVICES[user % DEVICES.length]);
        e.put("country", place[0]);
        e.put("city", place[1]);
        return e;
    }

    private static void flush(Path raw, ArrivalHour hour, String shardId, String first, String last, List<String> batch) {
        RawZoneFixture.writeObject(raw, hour, shardId + "-" + first + "-" + last + ".json.gz", batch);
        batch.clear();
    }
}
