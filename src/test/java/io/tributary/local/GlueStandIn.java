package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.jboss.logging.Logger;

/**
 * The Glue stand-in: the Glue JSON 1.1 API the AWS SDK speaks (StartJobRun, GetJobRun, GetJobRuns) on 127.0.0.1 for one
 * job name. Each run executes the real {@code glue/} job ({@code io.tributary.glue.CuratedJob}) in a child JVM in Spark
 * local mode against the S3 stand-in (S3A to s3proxy with {@code --s3_endpoint} and the stand-in's keys), with the run's
 * arguments. Exit 0 is SUCCEEDED, anything else FAILED with the end of the job's output as ErrorMessage. Tests can hold new
 * runs in RUNNING ({@link #holdRuns}) to act while a run is in flight, and count the calls per run.
 */
public final class GlueStandIn implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GlueStandIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String DEFAULT_JOB = "tributary-curated";

    /** One job run; fields the worker writes are volatile. */
    public static final class Run {
        final String id = "jr_" + HexFormat.of().formatHex(RANDOM.generateSeed(32));
        final String jobName;
        final Map<String, String> arguments;
        final Instant startedOn = Instant.now();
        final AtomicInteger polls = new AtomicInteger();
        volatile String state = "STARTING";
        volatile Instant lastModifiedOn = startedOn;
        volatile Instant completedOn;
        volatile String errorMessage;
        volatile long jobJvmMillis;
        volatile Process process;

        Run(String jobName, Map<String, String> arguments) {
            this.jobName = jobName;
            this.arguments = arguments;
        }

        public String id() {
            return id;
        }

        public String state() {
            return state;
        }

        public Map<String, String> arguments() {
            return arguments;
        }

        /** GetJobRun calls answered for this run. */
        public int polls() {
            return polls.get();
        }

        /** Wall time of the job's child JVM (0 until it ended). */
        public long jobJvmMillis() {
            return jobJvmMillis;
        }

        void set(String newState) {
            state = newState;
            lastModifiedOn = Instant.now();
        }
    }

    /** Where the job's artefacts are: {@code glue/target} of the project. */
    public record JobArtifacts(Path jar, Path classpath, Path jvmOptions) {
        public boolean present() {
            return Files.exists(jar) && Files.exists(classpath) && Files.exists(jvmOptions);
        }
    }

    private final HttpServer http;
    private final String jobName;
    private final String s3Endpoint;
    private final JobArtifacts artifacts;
    private final Path logDir;
    private final String heap;
    private final ExecutorService workers = Executors.newCachedThreadPool(StandInHttp.daemon("glue-stand-in-run"));
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile String failure;
    private volatile String s3Via;

    private GlueStandIn(HttpServer http, String jobName, String s3Endpoint, JobArtifacts artifacts, Path logDir, String heap) {
        this.http = http;
        this.jobName = jobName;
        this.s3Endpoint = s3Endpoint;
        this.artifacts = artifacts;
        this.logDir = logDir;
        this.heap = heap;
    }

    /** The job artefacts under {@code glue/target}; built with Maven when missing (a clear error when that fails). */
    public static JobArtifacts jobArtifacts(boolean buildIfMissing) {
        Path project = StandIns.projectDir();
        Path target = project.resolve("glue/target");
        JobArtifacts a = new JobArtifacts(target.resolve("tributary-glue-job.jar"), target.resolve("classpath.txt"),
                target.resolve("spark-jvm-options.txt"));
        if (!a.present() && buildIfMissing) {
            LOG.info("glue/target has no job jar: building it (./mvnw -B -q -f glue/pom.xml package -DskipTests)");
            try {
                Process p = new ProcessBuilder(project.resolve("mvnw").toString(), "-B", "-q", "-f", "glue/pom.xml", "package", "-DskipTests")
                        .directory(project.toFile()).redirectErrorStream(true)
                        .redirectOutput(Files.createDirectories(project.resolve("target")).resolve("glue-build.log").toFile()).start();
                if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("building the Glue job failed; see target/glue-build.log, or run "
                            + "'./mvnw -B -f glue/pom.xml package' before these tests");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot build the Glue job", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!a.present()) {
            throw new IllegalStateException("the Glue stand-in needs " + a.jar() + ", " + a.classpath() + " and " + a.jvmOptions()
                    + ": run './mvnw -B -f glue/pom.xml package' first");
        }
        return a;
    }

    /** Starts the stand-in on a free port of 127.0.0.1 for job {@code jobName}; runs reach S3 at {@code s3Endpoint}. */
    public static GlueStandIn start(String jobName, String s3Endpoint, Path logDir, String heap) {
        JobArtifacts artifacts = jobArtifacts(true);
        try {
            Files.createDirectories(logDir);
            HttpServer http = StandInHttp.loopback();
            GlueStandIn standIn = new GlueStandIn(http, jobName, s3Endpoint, artifacts, logDir, heap);
            StandInHttp.serve(http, "glue-stand-in-http", standIn::handle);
            Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "glue-stand-in-stop"));
            LOG.infof("Glue stand-in for job %s on %s (S3 %s)", jobName, standIn.endpoint(), s3Endpoint);
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Glue stand-in on 127.0.0.1", e);
        }
    }

    public String endpoint() {
        return StandInHttp.endpoint(http);
    }

    public String jobName() {
        return jobName;
    }

    /** New runs stay RUNNING without starting the job until {@link #releaseRuns}. */
    public void holdRuns() {
        hold = new CountDownLatch(1);
    }

    public void releaseRuns() {
        hold.countDown();
    }

    /**
     * New runs end FAILED with this error message, without starting the job (as a job that fails at once does), until
     * {@link #stopFailingRuns}. For the failure paths of orchestration tests.
     */
    public void failNewRuns(String errorMessage) {
        failure = errorMessage;
    }

    public void stopFailingRuns() {
        failure = null;
    }

    /** New runs reach S3 through this endpoint (an {@link S3RequestTap} in front of the S3 stand-in); null: directly. */
    public void routeS3Through(String endpoint) {
        s3Via = endpoint;
    }

    /** Every run so far, oldest first. */
    public List<Run> runs() {
        List<Run> all = new ArrayList<>(runs.values());
        all.sort(Comparator.comparing((Run r) -> r.startedOn).thenComparing(r -> r.id));
        return all;
    }

    /** Runs started for one raw hour (the job's --arrival_hour). */
    public List<Run> runsFor(String arrivalHour) {
        return runs().stream().filter(r -> arrivalHour.equals(r.arguments.get("--arrival_hour"))).toList();
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow(); // a held run is interrupted (STOPPED), not released
        for (Run r : runs.values()) {
            Process p = r.process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    // ---- the job run in a child JVM ----

    private void execute(Run run) {
        try {
            run.set("RUNNING");
            String fail = failure;
            if (fail != null) {
                run.errorMessage = fail;
                finish(run, "FAILED");
                return;
            }
            if (!hold.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("held for 30 minutes");
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx" + heap);
            for (String opt : Files.readString(artifacts.jvmOptions()).trim().split("\\s+")) {
                if (!opt.isEmpty()) {
                    cmd.add(opt);
                }
            }
            cmd.add("-cp");
            cmd.add(artifacts.jar() + ":" + Files.readString(artifacts.classpath()).trim());
            cmd.add("io.tributary.glue.CuratedJob");
            // Glue passes its own arguments too; the job ignores what it does not know
            cmd.addAll(List.of("--JOB_ID", "j_" + jobName, "--JOB_RUN_ID", run.id, "--JOB_NAME", jobName));
            run.arguments.forEach((k, v) -> {
                cmd.add(k);
                cmd.add(v);
            });
            if (!run.arguments.containsKey("--s3_endpoint")) {
                String via = s3Via;
                cmd.add("--s3_endpoint");
                cmd.add(via != null ? via : s3Endpoint);
            }
            Path log = logDir.resolve("glue-" + run.id.substring(0, 12) + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            pb.environment().put("AWS_ACCESS_KEY_ID", StandIns.ACCESS_KEY);
            pb.environment().put("AWS_SECRET_ACCESS_KEY", StandIns.SECRET_KEY);
            pb.environment().put("AWS_REGION", StandIns.REGION);
            long t0 = System.nanoTime();
            Process p = pb.start();
            run.process = p;
            boolean ended = p.waitFor(30, TimeUnit.MINUTES);
            run.jobJvmMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (!ended) {
                p.destroyForcibly();
                run.errorMessage = "the job ran longer than 30 minutes";
                finish(run, "TIMEOUT");
            } else if (p.exitValue() == 0) {
                finish(run, "SUCCEEDED");
            } else {
                run.errorMessage = "exit code " + p.exitValue() + ": " + tail(log, 2000);
                finish(run, "FAILED");
            }
            LOG.infof("Glue stand-in run %s (%s) %s in %d ms; log %s", run.id, run.arguments.get("--arrival_hour"), run.state,
                    run.jobJvmMillis, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.errorMessage = "the stand-in stopped";
            finish(run, "STOPPED");
        } catch (Exception e) {
            run.errorMessage = String.valueOf(e);
            finish(run, "FAILED");
        }
    }

    private static void finish(Run run, String state) {
        run.completedOn = Instant.now();
        run.set(state);
    }

    private static String tail(Path log, int chars) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.substring(Math.max(0, text.length() - chars)).trim();
    }

    // ---- the JSON 1.1 protocol ----

    private static final class ApiError extends RuntimeException {
        final String type;
        final int status;

        ApiError(String type, int status, String message) {
            super(message);
            this.type = type;
            this.status = status;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            try {
                if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith("AWSGlue.")) {
                    throw new ApiError("UnknownOperationException", 400, "expected POST with X-Amz-Target: AWSGlue.<Operation>");
                }
                JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
                ObjectNode response = switch (target.substring("AWSGlue.".length())) {
                    case "StartJobRun" -> startJobRun(request);
                    case "GetJobRun" -> getJobRun(request);
                    case "GetJobRuns" -> getJobRuns(request);
                    default -> throw new ApiError("UnknownOperationException", 400, "the Glue stand-in does not implement " + target);
                };
                StandInHttp.send(exchange, 200, StandInHttp.AWS_JSON, response, null);
            } catch (ApiError e) {
                StandInHttp.send(exchange, e.status, StandInHttp.AWS_JSON, JSON.createObjectNode().put("__type", e.type).put("Message", e.getMessage()), e.type);
            } catch (RuntimeException e) {
                LOG.error("Glue stand-in request failed", e);
                StandInHttp.send(exchange, 500, StandInHttp.AWS_JSON, JSON.createObjectNode().put("__type", "InternalServiceException").put("Message", String.valueOf(e)),
                        "InternalServiceException");
            }
        }
    }

    private void checkJob(JsonNode request) {
        String name = request.path("JobName").asText("");
        if (!jobName.equals(name)) {
            throw new ApiError("EntityNotFoundException", 400, "Job " + name + " not found (the stand-in knows " + jobName + ")");
        }
    }

    private ObjectNode startJobRun(JsonNode request) {
        checkJob(request);
        Map<String, String> args = new LinkedHashMap<>();
        request.path("Arguments").fields().forEachRemaining(e -> args.put(e.getKey(), e.getValue().asText()));
        Run run = new Run(jobName, args);
        runs.put(run.id, run);
        workers.submit(() -> execute(run));
        LOG.infof("Glue stand-in: StartJobRun %s for %s", run.id, args.get("--arrival_hour"));
        return JSON.createObjectNode().put("JobRunId", run.id);
    }

    private ObjectNode getJobRun(JsonNode request) {
        checkJob(request);
        Run run = runs.get(request.path("RunId").asText(""));
        if (run == null) {
            throw new ApiError("EntityNotFoundException", 400, "Job run " + request.path("RunId").asText("") + " not found");
        }
        run.polls.incrementAndGet();
        ObjectNode response = JSON.createObjectNode();
        response.set("JobRun", jobRun(run));
        return response;
    }

    /** Newest first, like Glue; NextToken is the index of the next run. */
    private ObjectNode getJobRuns(JsonNode request) {
        checkJob(request);
        List<Run> all = new ArrayList<>(runs());
        java.util.Collections.reverse(all);
        int from = request.hasNonNull("NextToken") ? Integer.parseInt(request.get("NextToken").asText()) : 0;
        int max = Math.min(200, request.path("MaxResults").asInt(100));
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("JobRuns");
        for (int i = from; i < Math.min(all.size(), from + max); i++) {
            list.add(jobRun(all.get(i)));
        }
        if (from + max < all.size()) {
            response.put("NextToken", String.valueOf(from + max));
        }
        return response;
    }

    private static ObjectNode jobRun(Run run) {
        ObjectNode n = JSON.createObjectNode()
                .put("Id", run.id)
                .put("Attempt", 0)
                .put("JobName", run.jobName)
                .put("JobMode", "SCRIPT")
                .put("StartedOn", seconds(run.startedOn))
                .put("LastModifiedOn", seconds(run.lastModifiedOn))
                .put("JobRunState", run.state)
                .put("GlueVersion", "5.0")
                .put("WorkerType", "G.1X")
                .put("NumberOfWorkers", 2);
        ObjectNode args = n.putObject("Arguments");
        run.arguments.forEach(args::put);
        Instant end = run.completedOn;
        if (end != null) {
            n.put("CompletedOn", seconds(end));
        }
        n.put("ExecutionTime", (int) Duration.between(run.startedOn, end != null ? end : Instant.now()).toSeconds());
        if (run.errorMessage != null) {
            n.put("ErrorMessage", run.errorMessage);
        }
        return n;
    }

    /** The JSON protocols send timestamps as epoch seconds with a fraction. */
    private static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

}
