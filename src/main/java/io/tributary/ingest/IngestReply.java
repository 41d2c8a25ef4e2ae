package io.tributary.ingest;

/** HTTP status and JSON body of an ingest request. Getters, so the route's simple language reads them. */
public final class IngestReply {

    private final int status;
    private final String json;

    public IngestReply(int status, String json) {
        this.status = status;
        this.json = json;
    }

    public int getStatus() {
        return status;
    }

    public String getJson() {
        return json;
    }
}
