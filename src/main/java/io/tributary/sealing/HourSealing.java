package io.tributary.sealing;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the seal-hours route calls: the {@link HourSealer} built from {@code tributary.glue.*} when hour sealing is enabled,
 * nothing (and no Glue client) when it is not. Checks the configuration at startup and names what is missing.
 */
@Singleton
@Named("hourSealer")
public class HourSealing {

    /** Exchange property holding the hour being handed off. */
    public static final String CURATED_HOUR = "tributaryCuratedHour";

    private static final Logger LOG = Logger.getLogger(HourSealing.class);

    private final HourSealer sealer;

    public HourSealing(TributaryConfig config, Instance<GlueClient> glue, S3Client s3, Instance<KinesisClient> kinesis,
                       CheckpointStore positions, MeterRegistry registry) {
        var g = config.glue();
        if (!g.enabled()) {
            this.sealer = null;
            return;
        }
        String job = required(g.jobName(), "tributary.glue.job-name");
        var lake = config.lake();
        var paths = new HourSealer.JobPaths(
                g.rawPath().orElse("s3://" + lake.rawBucket() + '/' + lake.rawPrefix()),
                required(g.curatedPath(), "tributary.glue.curated-path"),
                required(g.errorsPath(), "tributary.glue.errors-path"),
                required(g.summaryPrefix(), "tributary.glue.summary-prefix"));
        if (g.gracePeriod().isNegative() || g.maxRetries() < 0 || g.maxConcurrentRuns() < 1) {
            throw new IllegalArgumentException("tributary.glue: grace-period must not be negative, max-retries at least 0 and "
                    + "max-concurrent-runs at least 1; got " + g.gracePeriod() + ", " + g.maxRetries() + ", " + g.maxConcurrentRuns());
        }
        this.sealer = new HourSealer(
                new S3HourStore(s3, lake.rawBucket(), lake.rawPrefix(), g.statePrefix()),
                new SdkGlueRuns(glue.get(), job),
                new DurableShardWatermarks(kinesis.get(), config.kinesis().stream(), positions, Clock.systemUTC()),
                new SealPolicy(g.gracePeriod(), g.sealOpenHour()),
                paths,
                new HourSealer.RunSettings(g.maxRetries(), g.maxConcurrentRuns(), g.pollInitialDelay(), g.pollMaxDelay(), g.lookback(),
                        g.lateObjectWindow()),
                Clock.systemUTC(), registry);
        LOG.infof("hour sealing on: Glue job %s, grace period %s, raw %s → curated %s", job, g.gracePeriod(), paths.rawPath(),
                paths.curatedPath());
    }

    /** Fails startup on a missing property rather than at the first sealed hour. */
    void onStart(@Observes StartupEvent event) {
        // constructing the bean (above) is the check
    }

    public List<CuratedHour> tick() {
        return sealer == null ? List.of() : sealer.tick();
    }

    public void handedOff(@ExchangeProperty(CURATED_HOUR) CuratedHour hour) {
        if (sealer != null) {
            sealer.handedOff(hour);
        }
    }

    /** The state of an hour as this process knows it; empty when sealing is off or the hour is unknown. */
    public Optional<HourState> state(@Body String hour) {
        return sealer == null ? Optional.empty() : sealer.state(hour);
    }

    /** The sealer, when hour sealing is on (the lake operations API drives it). */
    Optional<HourSealer> sealer() {
        return Optional.ofNullable(sealer);
    }

    private static String required(Optional<String> value, String property) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(
                property + " is required when tributary.glue.enabled=true (see docs/sealing-and-glue.md)"));
    }
}
