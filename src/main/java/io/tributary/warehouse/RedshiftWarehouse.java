package io.tributary.warehouse;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.StartupEvent;
import io.tributary.config.TributaryConfig;

/**
 * The warehouse as routes see it: migrates the analytics schema at startup and loads aggregates, on the 'redshift'
 * Agroal data source. With tributary.redshift.enabled=false the data source stays inactive and nothing connects.
 */
@ApplicationScoped
@Named("redshiftWarehouse")
public class RedshiftWarehouse {

    /** Failed MERGEs (minute windows or an hour), by load; the EMF metric RedshiftLoadFailures is its change per interval. */
    public static final String LOAD_FAILURES = "tributary.redshift.load.failures";

    private final TributaryConfig.Redshift config;
    private final InjectableInstance<AgroalDataSource> dataSource;
    private final Counter minuteLoadFailures;
    private final Counter hourLoadFailures;
    private volatile MergeLoader loader;

    @Inject
    public RedshiftWarehouse(TributaryConfig config, @DataSource("redshift") InjectableInstance<AgroalDataSource> dataSource,
                             MeterRegistry registry) {
        this.config = config.redshift();
        this.dataSource = dataSource;
        this.minuteLoadFailures = Counter.builder(LOAD_FAILURES).tag("load", "minutes").description("Failed Redshift MERGEs").register(registry);
        this.hourLoadFailures = Counter.builder(LOAD_FAILURES).tag("load", "hour").description("Failed Redshift MERGEs").register(registry);
    }

    void onStart(@Observes StartupEvent start) throws SQLException {
        if (config.enabled() && config.migrateAtStart()) {
            new SchemaMigrator(dataSource(), dialect()).migrate();
        }
    }

    /** Replaces one hour of the hourly tables (see {@link MergeLoader#mergeHour}). */
    public void mergeHour(Instant hour, List<HourlyRollup> rollup, List<TopCategory> top, boolean isFinal, String sourceRef)
            throws SQLException {
        try {
            loader().mergeHour(hour, rollup, top, isFinal, sourceRef);
        } catch (SQLException | RuntimeException e) {
            hourLoadFailures.increment();
            throw e;
        }
    }

    /** Replaces one hour of the hourly tables and, unless null, of minute_counts with final counts (one transaction). */
    public void mergeHour(Instant hour, List<HourlyRollup> rollup, List<TopCategory> top, List<MinuteCount> finalMinutes,
                          boolean isFinal, String sourceRef) throws SQLException {
        try {
            loader().mergeHour(hour, rollup, top, finalMinutes, isFinal, sourceRef);
        } catch (SQLException | RuntimeException e) {
            hourLoadFailures.increment();
            throw e;
        }
    }

    /** Merges closed minute windows as provisional counts (see {@link MergeLoader#mergeMinutes}). */
    public void mergeMinutes(List<MinuteCount> windows) throws SQLException {
        try {
            loader().mergeMinutes(windows);
        } catch (SQLException | RuntimeException e) {
            minuteLoadFailures.increment();
            throw e;
        }
    }

    /** Applies pending warehouse migrations now; returns the versions applied. */
    public List<Integer> migrate() throws SQLException {
        return new SchemaMigrator(dataSource(), dialect()).migrate();
    }

    public boolean enabled() {
        return config.enabled();
    }

    private MergeLoader loader() {
        MergeLoader l = loader;
        if (l == null) {
            synchronized (this) {
                if (loader == null) {
                    loader = new MergeLoader(dataSource(), dialect(), config.stageBatchSize());
                }
                l = loader;
            }
        }
        return l;
    }

    private SqlDialect dialect() {
        return SqlDialect.of(config.dialect());
    }

    private javax.sql.DataSource dataSource() {
        if (!config.enabled()) {
            throw new IllegalStateException("Redshift is disabled: set tributary.redshift.enabled=true and quarkus.datasource.redshift.jdbc.url");
        }
        return dataSource.get();
    }
}
