package io.tributary.sealing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import io.tributary.batch.Batcher;
import io.tributary.batch.ShardWatermark;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The shards this process reads (from the {@link Batcher}) plus every open shard of the stream (ListShards) it has not
 * opened yet: such a shard holds every hour back until the consumer opens it, so a freshly started process cannot seal an
 * hour on the word of half its shards.
 */
public final class StreamShardWatermarks implements ShardWatermarks {

    private static final Logger LOG = Logger.getLogger(StreamShardWatermarks.class);

    private final Batcher batcher;
    private final KinesisClient kinesis;
    private final String stream;

    public StreamShardWatermarks(Batcher batcher, KinesisClient kinesis, String stream) {
        this.batcher = batcher;
        this.kinesis = kinesis;
        this.stream = stream;
    }

    @Override
    public List<ShardWatermark> current() {
        List<ShardWatermark> marks = new ArrayList<>(batcher.watermarks());
        Set<String> known = new HashSet<>();
        marks.forEach(m -> known.add(m.shardId()));
        String next = null;
        do {
            String token = next;
            var page = kinesis.listShards(b -> {
                if (token == null) {
                    b.streamName(stream);
                } else {
                    b.nextToken(token); // ListShards takes the token instead of the stream name
                }
            });
            next = page.nextToken();
            for (Shard shard : page.shards()) {
                boolean open = shard.sequenceNumberRange() == null || shard.sequenceNumberRange().endingSequenceNumber() == null;
                if (open && !known.contains(shard.shardId())) {
                    LOG.debugf("shard %s is not read yet: hours wait for it", shard.shardId());
                    marks.add(new ShardWatermark(shard.shardId(), null, 0, Duration.ZERO));
                }
            }
        } while (next != null);
        return marks;
    }
}
