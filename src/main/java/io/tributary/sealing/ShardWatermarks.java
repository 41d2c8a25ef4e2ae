package io.tributary.sealing;

import java.util.List;

import io.tributary.batch.ShardWatermark;

/** Every shard of the stream with how far it is durably in the raw zone. */
public interface ShardWatermarks {

    List<ShardWatermark> current();
}
