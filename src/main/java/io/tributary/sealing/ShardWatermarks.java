package io.tributary.sealing;

import java.time.Instant;
import java.util.List;

/** The watermark of every shard of the stream (open or closed), for hour sealing. */
public interface ShardWatermarks {

    /** One per shard. A shard whose durable position is already at or past {@code needed} need not be read. An empty list
     *  means nothing is known (the stream could not be listed): nothing may be sealed. */
    List<ShardWatermark> current(Instant needed);
}
