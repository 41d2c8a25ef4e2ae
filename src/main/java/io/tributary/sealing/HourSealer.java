package io.tributary.sealing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Seals raw hours and curates each with one Glue job run at a time per hour: the seal-hours route calls {@link #tick} on a
 * timer. Each tick finds the raw hours of the lookback window, seals the complete ones ({@link SealPolicy}), starts their
 * runs, polls running runs with backoff, retries failed runs, and returns the hours that succeeded and still have to be
 * handed to {@code direct:hour-curated}. Every state change is written to the {@link HourStore} before the next step, so a
 * restart resumes each hour where it was: a RUNNING hour is polled again (never started twice), a STARTING hour is looked
 * up by its run token, a SUCCEEDED hour not yet handed off is handed off again (at least once).
 * <p>Any number of sealers may share the store (several container tasks): every state change is a conditional write
 * ({@link HourStore.Conflict} when another sealer changed the hour first), each change that acts outside (StartJobRun, the
 * hand-off) is written before it acts, and a sealer that loses a race follows the stored state. So exactly one sealer starts
 * each run and hands each curated hour off; a STARTING hour is taken over only once its starter has been quiet for
 * {@link #TAKE_OVER_AFTER}, a hand-off only once its claim is older than {@link #HAND_OFF_LEASE}. A curated hour that
 * receives a raw object written after its run started (late data, a replay) is curated and rolled up again.
 */
public final class HourSealer {

    /** Glue runs that failed; the EMF metric GlueJobRunFailures is its change per interval. */
    public static final String GLUE_RUNS_FAILED = "tributary.glue.runs.failed";

    /** How long a STARTING hour belongs to the sealer that wrote it (StartJobRun takes seconds). */
    public static final Duration TAKE_OVER_AFTER = Duration.ofMinutes(2);

    /** How long a claimed hand-off (the rollup of a curated hour) belongs to its sealer before another may redo it. */
    public static final Duration HAND_OFF_LEASE = Duration.ofMinutes(30);

    /** Job argument carrying the token of one attempt; the job ignores arguments it does not know. */
    public static final String RUN_TOKEN_ARGUMENT = "--tributary_run_token";

    private static final Logger LOG = Logger.getLogger(HourSealer.class);

    /** Where the job reads and writes: its fixed arguments. */
    public record JobPaths(String rawPath, String curatedPath, String errorsPath, String summaryPrefix) {
        String summaryPath(String hour) {
            return summaryPrefix + "/arrival_hour=" + hour + ".json";
        }
    }

    /** How runs are driven. {@code lateObjectWindow}: how long after its end a curated hour is still watched for raw
     *  objects written after its run started. */
    public record RunSettings(int maxRetries, int maxConcurrentRuns, Duration pollInitialDelay, Duration pollMaxDelay,
                              Duration lookback, Duration lateObjectWindow) {
        public RunSettings(int maxRetries, int maxConcurrentRuns, Duration pollInitialDelay, Duration pollMaxDelay, Duration lookback) {
            this(maxRetries, maxConcurrentRuns, pollInitialDelay, pollMaxDelay, lookback, Duration.ofHours(6));
        }
    }

    private record NextPoll(Instant at, Duration delay) {
    }

    private final HourStore store;
    private final GlueRuns glue;
    private final ShardWatermarks shards;
    private final SealPolicy policy;
    private final JobPaths paths;
    private final RunSettings settings;
    private final Clock clock;
    private final TreeMap<String, HourState> hours = new TreeMap<>();
    private final Map<String, NextPoll> polls = new HashMap<>();
    private final Set<String> rollingUp = new HashSet<>();
    private final Set<String> rollupQueued = new HashSet<>();
    /** Hours this process wrote STARTING for and has not seen running: it may recover them at once. */
    private final Set<String> startedHere = new HashSet<>();
    private final AtomicLong oldestUnfinishedAgeSeconds = new AtomicLong();
    private final Counter sealed;
    private final Counter started;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter reopened;
    private final Timer runDuration;

    public HourSealer(HourStore store, GlueRuns glue, ShardWatermarks shards, SealPolicy policy, JobPaths paths,
                      RunSettings settings, Clock clock, MeterRegistry registry) {
        this.store = store;
        this.glue = glue;
        this.shards = shards;
        this.policy = policy;
        this.paths = paths;
        this.settings = settings;
        this.clock = clock;
        this.sealed = Counter.builder("tributary.hours.sealed").description("Raw hours sealed (complete in the raw zone)").register(registry);
        this.started = Counter.builder("tributary.glue.runs.started").description("Glue job runs started").register(registry);
        this.succeeded = Counter.builder("tributary.glue.runs.succeeded").description("Glue job runs that succeeded").register(registry);
        this.failed = Counter.builder(GLUE_RUNS_FAILED)
                .description("Glue job runs that ended FAILED, STOPPED, TIMEOUT or ERROR, or were lost").register(registry);
        this.reopened = Counter.builder("tributary.hours.reopened")
                .description("Curated hours curated again because a raw object was written after their run started").register(registry);
        this.runDuration = Timer.builder("tributary.glue.run.duration").description("Duration of finished Glue job runs").register(registry);
        Gauge.builder("tributary.hours.oldest.unsealed.age.seconds", oldestUnfinishedAgeSeconds, AtomicLong::get)
                .description("Seconds since the end of the oldest raw hour in the lookback window that is not curated yet")
                .register(registry);
    }

    /** One round: discover, seal, start, poll, retry. Returns the curated hours to hand to the next step. */
    public synchronized List<CuratedHour> tick() {
        Instant now = clock.instant();
        discover(now);
        List<ShardWatermark> marks = null;
        List<CuratedHour> curated = new ArrayList<>();
        for (String hour : new ArrayList<>(hours.keySet())) {
            HourState s = hours.get(hour);
            try {
                switch (s.status()) {
                    case SUCCEEDED -> succeeded(s, now, curated);
                    case FAILED -> {
                        // every attempt failed: an operator resets the state object (docs/sealing-and-glue.md)
                    }
                    case STARTING -> recover(s, now);
                    case RUNNING -> poll(s, now, curated);
                    case PENDING -> {
                        if (inFlight() >= settings.maxConcurrentRuns() || (s.sealedAt() == null && !policy.due(hour, now))) {
                            continue;
                        }
                        if (marks == null && s.sealedAt() == null) {
                            marks = shards.current(policy.latestDueCutoff(now));
                        }
                        if (s.sealedAt() != null || policy.complete(hour, now, marks)) {
                            if (s.sealedAt() == null) {
                                LOG.infof("raw hour %s sealed: every shard is durable past %s", hour, policy.cutoff(hour));
                            }
                            start(s.starting(newToken(hour, s.attempts() + 1), now, now, store.rawListing(hour)), now);
                            if (s.sealedAt() == null) {
                                sealed.increment();
                            }
                        }
                    }
                }
            } catch (HourStore.Conflict e) {
                LOG.infof("raw hour %s was changed by another sealer: following its state", hour);
                polls.remove(hour);
                store.load(hour).ifPresentOrElse(fresh -> hours.put(hour, fresh), () -> hours.remove(hour));
            } catch (RuntimeException e) {
                LOG.errorf(e, "raw hour %s (%s, attempt %d, run %s): step failed, tried again next round", hour, s.status(),
                        s.attempts(), s.runId());
            }
        }
        updateOldest(now);
        return curated;
    }

    /**
     * A curated hour: claims its hand-off (a conditional write, so one sealer rolls it up) unless another sealer's claim is
     * still fresh; and while it is recent, curates it again when a raw object was written after its run started.
     */
    private void succeeded(HourState s, Instant now, List<CuratedHour> curated) {
        Optional<RawListing> late = grownSinceRun(store, s, settings.lateObjectWindow(), now);
        if (late.isPresent()) {
            RawListing raw = late.get();
            save(s.recurate(now, lateReason(raw)));
            reopened.increment();
            LOG.warnf("raw hour %s: %d raw objects, newest %s at %s, since its Glue run started with %d: the hour is curated and "
                    + "rolled up again", s.hour(), raw.objects(), raw.newestKey(), raw.lastModified(), s.rawAtStart().objects());
            return;
        }
        if (!s.handedOff() && (s.claimedAt() == null || !s.claimedAt().plus(HAND_OFF_LEASE).isAfter(now))) {
            HourState claimed = s.claimed(now);
            save(claimed);
            curated.add(curatedHour(claimed));
        }
    }

    /** After {@code direct:hour-curated} took the hour: it is not handed off again. */
    public synchronized void handedOff(CuratedHour hour) {
        update(hour.getHour(), s -> s.handedOff() ? s : s.handedOff(clock.instant()));
    }

    /** The state of an hour as this process knows it (tests, health). */
    public synchronized Optional<HourState> state(String hour) {
        return Optional.ofNullable(hours.get(hour));
    }

    /** Where the states are kept (the lake operations API reads hours this process does not hold). */
    HourStore store() {
        return store;
    }

    /** True while the rollup of the hour runs in this process. */
    public synchronized boolean rollingUp(String hour) {
        return rollingUp.contains(hour);
    }

    /**
     * An operator asks for these hours to be curated again. All or nothing: when one of them may not be re-run now, none
     * is touched and the refusal is returned. Hours already waiting for a run are left as they are (a repeated request is
     * idempotent); the others go back to PENDING and the next rounds start their runs, oldest first.
     */
    public synchronized OperationRules.Outcome recurate(List<String> requested) {
        Map<String, Optional<HourState>> current = new LinkedHashMap<>();
        for (String hour : requested) {
            current.put(hour, known(hour));
        }
        List<String> start = new ArrayList<>();
        for (var e : current.entrySet()) {
            OperationRules.Decision d = OperationRules.recurate(e.getKey(), e.getValue(), rollingUp.contains(e.getKey()));
            if (d.kind() == OperationRules.Kind.REFUSED) {
                return OperationRules.Outcome.refused(d.reason());
            }
            if (d.kind() == OperationRules.Kind.START) {
                start.add(e.getKey());
            }
        }
        Instant now = clock.instant();
        for (String hour : start) {
            HourState s = current.get(hour).orElseGet(() -> HourState.pending(hour));
            polls.remove(hour);
            rollupQueued.remove(hour);
            save(s.recurate(now));
            LOG.infof("raw hour %s: re-curation requested (was %s)", hour, s.lakeState().label());
        }
        return OperationRules.Outcome.accepted(requested, start);
    }

    /**
     * An operator asks for these curated hours to be rolled up again. All or nothing, like {@link #recurate}; hours whose
     * rollup is already queued are left as they are. Returns the hours the caller must now send to the rollup, each
     * later claimed with {@link #claimRollup}.
     */
    public synchronized OperationRules.Outcome requestRollup(List<String> requested) {
        Map<String, Optional<HourState>> current = new LinkedHashMap<>();
        for (String hour : requested) {
            current.put(hour, known(hour));
        }
        List<String> start = new ArrayList<>();
        for (var e : current.entrySet()) {
            String hour = e.getKey();
            OperationRules.Decision d = OperationRules.rollup(hour, e.getValue(), rollingUp.contains(hour), rollupQueued.contains(hour));
            if (d.kind() == OperationRules.Kind.REFUSED) {
                return OperationRules.Outcome.refused(d.reason());
            }
            if (d.kind() == OperationRules.Kind.START) {
                start.add(hour);
            }
        }
        rollupQueued.addAll(start);
        return OperationRules.Outcome.accepted(requested, start);
    }

    /** A queued rollup is about to run: true (and marked running) when the hour is still curated and nothing runs for it. */
    public synchronized boolean claimRollup(String hour) {
        if (!rollupQueued.remove(hour)) {
            return false;
        }
        HourState s = hours.get(hour);
        if (s == null || s.status() != HourState.Status.SUCCEEDED || rollingUp.contains(hour)) {
            return false; // re-curated meanwhile: the new run hands the hour to the rollup itself
        }
        rollingUp.add(hour);
        return true;
    }

    /** The rollup route started on the hour (sealing's hand-off or an operator's request). */
    public synchronized void rollupStarted(String hour) {
        rollingUp.add(hour);
        update(hour, s -> s.rollupStarted(clock.instant()));
    }

    /** The rollup merged the hour into Redshift: Athena query {@code queryId}. */
    public synchronized void rolledUp(String hour, String queryId, String summary) {
        rollingUp.remove(hour);
        update(hour, s -> s.rolledUp(queryId, summary, clock.instant()));
    }

    /** The rollup failed after its redeliveries. */
    public synchronized void rollupFailed(String hour, String queryId, String why) {
        rollingUp.remove(hour);
        update(hour, s -> s.rollupFailed(queryId, why, clock.instant()));
    }

    /** The rollup of the hour is over, whatever became of it (also when it was skipped). */
    public synchronized void rollupEnded(String hour) {
        rollingUp.remove(hour);
    }

    /** Applies a change to the hour's state; when another sealer wrote it first, applies it again to the stored state. */
    private void update(String hour, UnaryOperator<HourState> change) {
        for (int attempt = 1; ; attempt++) {
            Optional<HourState> s = known(hour);
            if (s.isEmpty()) {
                return;
            }
            try {
                save(change.apply(s.get()));
                return;
            } catch (HourStore.Conflict e) {
                hours.remove(hour);
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** The hour's state: this process's copy, else the stored one (an hour outside the lookback window). */
    private Optional<HourState> known(String hour) {
        HourState s = hours.get(hour);
        if (s != null) {
            return Optional.of(s);
        }
        Optional<HourState> stored = store.load(hour);
        stored.ifPresent(st -> hours.put(hour, st));
        return stored;
    }

    private void discover(Instant now) {
        Instant from = now.minus(settings.lookback());
        for (String hour : store.rawHours(from, now)) {
            if (!hours.containsKey(hour)) {
                hours.put(hour, store.load(hour).orElseGet(() -> HourState.pending(hour)));
            }
        }
        // forget finished hours that left the window; unfinished ones stay until they finish
        hours.headMap(RawHours.of(from)).values().removeIf(s -> !s.unfinished() && s.handedOff());
    }

    private int inFlight() {
        int n = 0;
        for (HourState s : hours.values()) {
            if (s.status() == HourState.Status.STARTING || s.status() == HourState.Status.RUNNING) {
                n++;
            }
        }
        return n;
    }

    /** Records STARTING (with the attempt's token) before StartJobRun, so a crash in between is recovered by token. */
    private void start(HourState starting, Instant now) {
        save(starting);
        startedHere.add(starting.hour());
        Map<String, String> args = new LinkedHashMap<>();
        args.put("--raw_path", paths.rawPath());
        args.put("--arrival_hour", starting.hour());
        args.put("--curated_path", paths.curatedPath());
        args.put("--errors_path", paths.errorsPath());
        args.put("--summary_path", paths.summaryPath(starting.hour()));
        args.put(RUN_TOKEN_ARGUMENT, starting.runToken());
        String runId = glue.start(args);
        started.increment();
        LOG.infof("raw hour %s: Glue run %s started (attempt %d)", starting.hour(), runId, starting.attempts());
        save(starting.running(runId, now));
        startedHere.remove(starting.hour());
        polls.put(starting.hour(), new NextPoll(now.plus(settings.pollInitialDelay()), settings.pollInitialDelay()));
    }

    /** A STARTING hour after a crash or a failed StartJobRun: attach to the run if it exists, else start it now. */
    private void recover(HourState s, Instant now) {
        Instant since = s.updatedAt() == null ? now : s.updatedAt();
        if (!startedHere.contains(s.hour()) && since.plus(TAKE_OVER_AFTER).isAfter(now)) {
            return; // another sealer is between its STARTING write and StartJobRun
        }
        s = s.takenOver(now);
        save(s); // only one sealer takes it over
        Instant notBefore = since.minus(Duration.ofMinutes(5));
        Optional<JobRunView> run = glue.find(RUN_TOKEN_ARGUMENT, s.runToken(), notBefore);
        if (run.isPresent()) {
            LOG.infof("raw hour %s: re-attached to Glue run %s (token %s)", s.hour(), run.get().id(), s.runToken());
            save(s.running(run.get().id(), now));
            startedHere.remove(s.hour());
            polls.remove(s.hour()); // poll it on the next round
        } else {
            start(s, now);
        }
    }

    private void poll(HourState s, Instant now, List<CuratedHour> curated) {
        NextPoll next = polls.get(s.hour());
        if (next != null && now.isBefore(next.at())) {
            return;
        }
        Optional<JobRunView> found = glue.get(s.runId());
        if (found.isEmpty()) {
            ended(s, null, "Glue does not know run " + s.runId(), now);
            return;
        }
        JobRunView run = found.get();
        if (run.succeeded()) {
            polls.remove(s.hour());
            succeeded.increment();
            record(run);
            HourState done = s.succeeded(now);
            save(done);
            LOG.infof("raw hour %s curated by Glue run %s (attempt %d, %s)", s.hour(), run.id(), s.attempts(), run.duration());
            curated.add(curatedHour(done));
        } else if (run.failed()) {
            ended(s, run, run.state() + ": " + run.errorMessage(), now);
        } else {
            Duration delay = next == null ? settings.pollInitialDelay() : min(next.delay().multipliedBy(2), settings.pollMaxDelay());
            polls.put(s.hour(), new NextPoll(now.plus(delay), delay));
        }
    }

    private void ended(HourState s, JobRunView run, String why, Instant now) {
        polls.remove(s.hour());
        failed.increment();
        if (run != null) {
            record(run);
        }
        boolean retry = s.attempts() <= settings.maxRetries();
        save(s.failed(why, retry, now));
        if (retry) {
            LOG.warnf("raw hour %s: Glue run %s failed (%s); attempt %d of %d follows", s.hour(), s.runId(), why, s.attempts() + 1,
                    settings.maxRetries() + 1);
        } else {
            LOG.errorf("raw hour %s: Glue run %s failed (%s); all %d attempts failed, the hour stays FAILED", s.hour(), s.runId(),
                    why, s.attempts());
        }
    }

    private void record(JobRunView run) {
        Duration d = run.duration();
        if (d != null) {
            runDuration.record(d);
        }
    }

    private void save(HourState s) {
        store.save(s);
        hours.put(s.hour(), s);
    }

    private void updateOldest(Instant now) {
        long age = 0;
        for (HourState s : hours.values()) {
            if (s.status() != HourState.Status.SUCCEEDED) {
                age = Math.max(0, Duration.between(RawHours.end(s.hour()), now).toSeconds());
                break; // sorted: the first unfinished hour is the oldest
            }
        }
        oldestUnfinishedAgeSeconds.set(age);
    }

    private CuratedHour curatedHour(HourState s) {
        return new CuratedHour(s.hour(), s.runId(), s.attempts(), paths.curatedPath(), paths.summaryPath(s.hour()));
    }

    /** The hour's raw listing when it grew since the current run started, within {@code window} after the hour's end (late
     *  data: the hour is curated again). Shared with Lambda mode's {@link OrchestratedHours}. */
    static Optional<RawListing> grownSinceRun(HourStore store, HourState s, Duration window, Instant now) {
        if (s.rawAtStart() == null || RawHours.end(s.hour()).plus(window).isBefore(now)) {
            return Optional.empty();
        }
        RawListing raw = store.rawListing(s.hour());
        return raw.grewSince(s.rawAtStart()) ? Optional.of(raw) : Optional.empty();
    }

    static String lateReason(RawListing raw) {
        return "raw object " + raw.newestKey() + " written after the run started: curated again";
    }

    /** A fresh run token of an hour's attempt (the job ignores it; a restart finds the run by it). */
    static String newToken(String hour, int attempt) {
        return hour + "-a" + attempt + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
