package io.tributary.sealing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.local.TerraformDeployment;

/**
 * Deployment conformance, Glue arguments: a run as the deployed container starts it (HourSealer with the paths of the
 * ECS environment Terraform renders) gets the Glue job's default arguments (rendered from terraform/modules/glue_job)
 * overlaid with the run's own, as Glue does, and the job's own parser (io.tributary.glue.JobArguments from glue/'s
 * build) accepts the result.
 */
class DeployedGlueArgumentsTest {

    static final Path GLUE_CLASSES = Path.of("glue/target/classes");

    final TerraformDeployment deployed = TerraformDeployment.load();

    /** JobArguments.parse(String[], Map) of the built job, loaded apart from this classpath (glue/ has its own build). */
    static Object parseWithTheJob(String[] args) throws Exception {
        assertTrue(Files.isDirectory(GLUE_CLASSES.resolve("io/tributary/glue")),
                GLUE_CLASSES + " is missing: build glue/ first (./mvnw -B -f glue/pom.xml package), as bin/test does");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {GLUE_CLASSES.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Method parse = loader.loadClass("io.tributary.glue.JobArguments").getMethod("parse", String[].class, Map.class);
            try {
                return parse.invoke(null, args, Map.of());
            } catch (InvocationTargetException e) {
                throw new AssertionError("the Glue job refuses the deployed arguments: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    Map<String, String> argumentsOfARunStartedByTheContainer() {
        Map<String, String> env = deployed.ecsEnvironment();
        String raw = "s3://" + env.get("TRIBUTARY_RAW_BUCKET") + "/" + env.get("TRIBUTARY_LAKE_RAW_PREFIX");
        HourSealerTest t = new HourSealerTest();
        HourSealer sealer = new HourSealer(t.store, t.glue, needed -> t.shards, new SealPolicy(HourSealerTest.GRACE, false),
                new HourSealer.JobPaths(raw, env.get("TRIBUTARY_CURATED_PATH"), env.get("TRIBUTARY_GLUE_ERRORS_PATH"),
                        env.get("TRIBUTARY_GLUE_SUMMARY_PREFIX")),
                new HourSealer.RunSettings(0, 1, Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofDays(2)),
                t.clock, new SimpleMeterRegistry());
        t.store.raw.add(HourSealerTest.H10);
        t.shardsPast("2024-01-15T12:00:00Z");
        t.clock.now = Instant.parse("2024-01-15T12:00:00Z");
        sealer.tick();
        assertEquals(1, t.glue.args.size(), "the sealer started no run");
        return t.glue.args.values().iterator().next();
    }

    @Test
    void theJobAcceptsTheDefaultArgumentsWithARunOfTheDeployedContainer() throws Exception {
        Map<String, String> merged = new LinkedHashMap<>(deployed.glueDefaultArguments());
        // --curated_table is "<database>.<table>", both known only after an apply: the offline render gives dash-separated
        // placeholders of the references, which no Glue name can be (lower-case letters, digits, underscores). Shaped
        // like Glue names here; the form itself (one database, one table) is what the job checks.
        String table = merged.get("--curated_table");
        assertTrue(table != null && table.chars().filter(c -> c == '.').count() == 1, "--curated_table is <database>.<table>: " + table);
        merged.put("--curated_table", table.replace('-', '_'));
        Map<String, String> run = argumentsOfARunStartedByTheContainer();
        merged.putAll(run); // a run's Arguments replace the job's DefaultArguments of the same name
        merged.put("--JOB_ID", "j_1");
        merged.put("--JOB_RUN_ID", "jr_1");
        merged.put("--JOB_NAME", "tributary-curate");
        List<String> argv = new java.util.ArrayList<>();
        merged.forEach((k, v) -> {
            argv.add(k);
            argv.add(v);
        });
        Object parsed = parseWithTheJob(argv.toArray(String[]::new));
        assertEquals(run.get("--summary_path"), parsed.getClass().getMethod("summaryPath").invoke(parsed));
        assertEquals(run.get("--curated_path"), parsed.getClass().getMethod("curatedPath").invoke(parsed));
        assertTrue(run.get("--curated_path").startsWith(deployed.glueDefaultArguments().get("--curated_path").replaceAll("/$", "")),
                "the container curates into another place than the Glue job's default --curated_path");
    }
}
