package io.tributary.sealing;

/** A raw hour the Glue job curated: what {@code direct:hour-curated} receives. Getters, so routes' simple language reads it. */
public final class CuratedHour {

    private final String hour;
    private final String runId;
    private final int attempts;
    private final String curatedPath;
    private final String summaryPath;

    public CuratedHour(String hour, String runId, int attempts, String curatedPath, String summaryPath) {
        this.hour = hour;
        this.runId = runId;
        this.attempts = attempts;
        this.curatedPath = curatedPath;
        this.summaryPath = summaryPath;
    }

    /** The raw (arrival) hour, {@code yyyy-MM-dd-HH}. */
    public String getHour() {
        return hour;
    }

    public String getRunId() {
        return runId;
    }

    public int getAttempts() {
        return attempts;
    }

    public String getCuratedPath() {
        return curatedPath;
    }

    public String getSummaryPath() {
        return summaryPath;
    }

    @Override
    public String toString() {
        return "CuratedHour[" + hour + ", run " + runId + ", attempts " + attempts + "]";
    }
}
