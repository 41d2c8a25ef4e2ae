package io.tributary.event;

/** Why a record was rejected; written with every record in the errors zone and used as a metric tag. */
public enum ReasonCode {
    /** Payload is not valid UTF-8. */
    INVALID_UTF8,
    /** Payload is larger than the configured maximum. */
    TOO_LARGE,
    /** Payload is not parseable JSON. */
    NOT_JSON,
    /** Payload is JSON but not an object. */
    NOT_OBJECT,
    /** JSON nesting is deeper than the configured maximum. */
    TOO_DEEP,
    /** A required field is absent, null or empty. */
    MISSING_FIELD,
    /** A field has the wrong JSON type. */
    WRONG_TYPE,
    /** The timestamp is not an ISO-8601 date-time. */
    BAD_TIMESTAMP
}
