package io.tributary.glue;

/** A missing or invalid job argument; the message names the argument. */
public final class JobArgumentException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public JobArgumentException(String message) {
        super(message);
    }
}
