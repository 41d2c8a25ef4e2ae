package io.tributary.event;

/** Why a record was rejected; written with every record in the errors zone and used as a metric tag. */
public enum ReasonCode {
    /** The record is in the KPL aggregation format (it starts with the KPL magic bytes) but its MD5 does not match or its
     *  protobuf is malformed or truncated: the whole Kinesis record is kept, none of its user records can be trusted. */
    BAD_AGGREGATE,
    /** The record is gzip-compressed (it starts with the gzip magic bytes) but does not inflate: corrupt or truncated, or
     *  larger than the inflate limit once inflated. The whole Kinesis record is kept. */
    BAD_COMPRESSION,
    /** Payload is not valid UTF-8. */
    INVALID_UTF8,
    /** Payload is larger than the configured maximum (or, over HTTP, than Kinesis accepts for one record). */
    TOO_LARGE,
    /** Payload is not parseable JSON. */
    NOT_JSON,
    /** Payload is JSON but not an object. */
    NOT_OBJECT,
    /** JSON nesting is deeper than the configured maximum. */
    TOO_DEEP,
    /** A JSON number is longer than the parser accepts (1,000 digits), anywhere in the record. */
    NUMBER_TOO_LONG,
    /** A contract field appears twice in the same object. */
    DUPLICATE_FIELD,
    /** A required field is absent, null or empty (also when it holds only white space or control characters). */
    MISSING_FIELD,
    /** A field has the wrong JSON type. */
    WRONG_TYPE,
    /** A string field is longer, in UTF-8 bytes, than the contract's max_bytes for it. */
    TOO_LONG,
    /** A string field holds a control character or an unpaired surrogate. */
    BAD_CHARACTER,
    /** The timestamp is not an ISO-8601 date-time, or its year is outside the contract's range. */
    BAD_TIMESTAMP,
    /** Processing failed for a reason validation did not foresee; the message names the exception. Nothing is lost:
     *  the record is kept in the errors zone with its payload. */
    PROCESSING_FAILED
}
