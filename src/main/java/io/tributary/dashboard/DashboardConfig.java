package io.tributary.dashboard;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the dashboard API ({@code /api/dashboard/*}). */
@ConfigMapping(prefix = "tributary.dashboard")
public interface DashboardConfig {

    /** Rows one dataset request answers at most (the oldest rows of the window are kept; the reply says truncated). */
    @WithDefault("50000")
    int maxRows();

    /** Longest time window a dataset request may ask for, in minutes (default 7 days). */
    @WithDefault("10080")
    int maxMinutes();

    /** Statement timeout of one dataset query on Redshift. */
    @WithDefault("30s")
    Duration queryTimeout();

    /** Records/s in is measured over the pipeline requests of this long a window. */
    @WithDefault("15s")
    Duration rateWindow();
}
