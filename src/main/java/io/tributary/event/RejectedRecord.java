package io.tributary.event;

/** A record that failed validation: the reason code and a message naming the problem. Stackless: it is control flow. */
public final class RejectedRecord extends Exception {

    private final ReasonCode reason;

    public RejectedRecord(ReasonCode reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }
}
