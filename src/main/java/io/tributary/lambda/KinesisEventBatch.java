package io.tributary.lambda;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The Kinesis event a Lambda event source mapping sends: the fields the ingest core needs, the rest ignored. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record KinesisEventBatch(@JsonProperty("Records") List<Record> records) {

    public List<Record> records() {
        return records == null ? List.of() : records;
    }

    /** One record; {@code eventID} is {@code <shardId>:<sequenceNumber>}. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(@JsonProperty("eventID") String eventId,
                         @JsonProperty("eventSourceARN") String eventSourceArn,
                         @JsonProperty("kinesis") Kinesis kinesis) {

        /** The shard, from the event id (the Kinesis payload itself does not name it). */
        public String shardId() {
            int colon = eventId == null ? -1 : eventId.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("eventID is not <shardId>:<sequenceNumber>: " + eventId);
            }
            return eventId.substring(0, colon);
        }
    }

    /** The Kinesis part of a record: base64 data, sequence number, partition key, arrival in fractional epoch seconds. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Kinesis(@JsonProperty("data") byte[] data,
                          @JsonProperty("sequenceNumber") String sequenceNumber,
                          @JsonProperty("partitionKey") String partitionKey,
                          @JsonProperty("approximateArrivalTimestamp") BigDecimal approximateArrivalTimestamp) {

        /** Arrival at millisecond precision (what Kinesis records), parsed from the decimal text so no binary rounding creeps in. */
        public Instant arrival() {
            if (approximateArrivalTimestamp == null) {
                throw new IllegalArgumentException("record " + sequenceNumber + " has no approximateArrivalTimestamp");
            }
            return Instant.ofEpochMilli(approximateArrivalTimestamp.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact());
        }
    }
}
