package io.tributary.event;

/** The lake zone a record is written to. */
public enum Zone {
    RAW,
    ERRORS
}
