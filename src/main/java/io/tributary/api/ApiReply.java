package io.tributary.api;

/** HTTP status and JSON body of an API call (query API, dashboard, lake operations). Getters, so a route's simple
 *  language reads them. */
public final class ApiReply {

    private final int status;
    private final String json;

    public ApiReply(int status, String json) {
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
