package io.tributary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;

import io.tributary.local.LakeFiles;
import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The JVM function.zip as the managed Java runtime uses it: its jar alone on the classpath, the handler class
 * io.tributary.lambda.KinesisStreamHandler instantiated once and called per invocation. Runs in the lambda build
 * ({@code ./mvnw verify -Plambda}); skipped when target/function.zip is absent.
 */
class FunctionZipIT {

    /**
     * Lambda's quotas for a .zip deployment package (AWS Lambda Developer Guide, "Lambda quotas",
     * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html; CodeSizeZipped and CodeSizeUnzipped of
     * https://docs.aws.amazon.com/lambda/latest/api/API_AccountLimit.html): 50 MB zipped when uploaded directly (larger
     * through S3), 250 MB for the contents unzipped. Taken as decimal megabytes, the stricter reading (Lambda's own error
     * message names 262,144,000 bytes for the unzipped limit).
     */
    static final long DIRECT_UPLOAD_LIMIT_BYTES = 50_000_000L;
    static final long UNZIPPED_LIMIT_BYTES = 250_000_000L;

    /** What only sealing, the rollup, the query API and the warehouse use; the ingest function must not carry it. */
    static final List<String> NOT_IN_THE_FUNCTION = List.of(
            "software/amazon/awssdk/services/glue/",
            "software/amazon/awssdk/services/athena/",
            "org/apache/camel/component/aws2/athena/",
            "com/amazon/redshift/",
            "io/agroal/",
            "com/arjuna/",
            "org/duckdb/");

    static final String HARNESS = """
            import java.io.*;
            import java.nio.file.*;
            public class Harness {
                public static void main(String[] files) {
                    try {
                        run(files);
                    } catch (Throwable t) {
                        t.printStackTrace();
                        System.exit(1);
                    }
                    System.exit(0);
                }

                static void run(String[] files) throws Exception {
                    var handler = new io.tributary.lambda.KinesisStreamHandler();
                    for (String f : files) {
                        var out = new ByteArrayOutputStream();
                        try (var in = Files.newInputStream(Path.of(f))) {
                            handler.handleRequest(in, out, null);
                        }
                        System.out.println("REPLY " + out);
                    }
                    // the lake-ops function: same zip, the state machine's seal step
                    var ops = new io.tributary.lambda.LakeOpsHandler();
                    var reply = new ByteArrayOutputStream();
                    ops.handleRequest(new ByteArrayInputStream("{\\\"action\\\":\\\"seal\\\"}".getBytes()), reply, null);
                    System.out.println("LAKEOPS " + reply);
                }
            }
            """;

    @Test
    void theManagedRuntimeHandlerOfFunctionZipIngestsABatch() throws Exception {
        Path project = StandIns.projectDir();
        Path zip = project.resolve("target/function.zip");
        assumeTrue(Boolean.getBoolean("tributary.function-zip-it"), "runs in the lambda build: ./mvnw verify -Plambda");
        assertTrue(Files.exists(zip), "target/function.zip is built by ./mvnw package -Plambda");
        Path work = Files.createDirectories(project.resolve("target/function-it"));
        Path unpacked = work.resolve("function");
        assertEquals(0, new ProcessBuilder("unzip", "-o", "-q", zip.toString(), "-d", unpacked.toString()).inheritIO().start().waitFor());
        Path jar;
        try (var files = Files.list(unpacked.resolve("lib"))) {
            jar = files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        Path harness = work.resolve("Harness.java");
        Files.writeString(harness, HARNESS);
        Path basedir = Files.createTempDirectory("tributary-function-it-");
        try (StandInProcess s3proxy = StandIns.s3proxy(basedir, work)) {
            try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
                StandIns.createBucket(s3, "raw-fn");
                StandIns.createBucket(s3, "errors-fn");
            }
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-Dtributary.lake.endpoint-override=" + s3proxy.endpoint(),
                    "-Dtributary.lake.raw-bucket=raw-fn", "-Dtributary.lake.errors-bucket=errors-fn",
                    // nothing listens there: the seal step below finds no hour in its lookback, so it never reads a shard
                    "-Dtributary.kinesis.endpoint-override=http://127.0.0.1:9",
                    "-Dtributary.aws.access-key-id=" + StandIns.ACCESS_KEY, "-Dtributary.aws.secret-access-key=" + StandIns.SECRET_KEY,
                    "-cp", jar.toString(), harness.toString(),
                    project.resolve("src/test/resources/lambda/kinesis-clean.json").toString(),
                    project.resolve("src/test/resources/lambda/kinesis-poison.json").toString()));
            Path log = work.resolve("harness.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "harness finished");
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), out);
            assertEquals(2, out.lines().filter(l -> l.equals("REPLY {\"batchItemFailures\":[]}")).count(), out);
            // Camel lists the properties it resolved: the lambda profile is what turns HTTP ingest off
            assertTrue(out.contains("Profile lambda activated"), "the handler selected the lambda profile:\n" + out);
            // the lambda profile loads the ingest core only (routes/ingest.camel.yaml)
            assertTrue(out.contains("Routes startup (total:3 "), "only the ingest routes are loaded:\n" + out);
            assertEquals(7, LakeFiles.lines(basedir, "raw-fn", "raw/events").size(), "5 clean + 2 good poison-batch records");
            assertEquals(3, LakeFiles.lines(basedir, "errors-fn", "errors/events").size());
            try (var marks = Files.walk(basedir.resolve("raw-fn/_checkpoints"))) {
                assertEquals(2, marks.filter(Files::isRegularFile).count(), "a published watermark per shard");
            }
            assertTrue(out.contains("LAKEOPS {\"hours\":[]}"), "the lake-ops handler runs from the same zip:\n" + out);
        }
    }

    @Test
    void functionZipFitsLambdasDirectUploadLimits() throws Exception {
        Path zip = StandIns.projectDir().resolve("target/function.zip");
        assumeTrue(Boolean.getBoolean("tributary.function-zip-it"), "runs in the lambda build: ./mvnw verify -Plambda");
        long zipped = Files.size(zip);
        long unzipped = 0;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                unzipped += e.getSize();
            }
        }
        assertTrue(zipped <= DIRECT_UPLOAD_LIMIT_BYTES, "function.zip is " + zipped + " bytes, over Lambda's direct upload limit of "
                + DIRECT_UPLOAD_LIMIT_BYTES + " (zipped): it could only be deployed through S3");
        assertTrue(unzipped <= UNZIPPED_LIMIT_BYTES, "function.zip unzips to " + unzipped + " bytes, over Lambda's limit of "
                + UNZIPPED_LIMIT_BYTES + " (unzipped)");
    }

    @Test
    void functionZipCarriesNoGlueAthenaOrRedshiftClients() throws Exception {
        Path zip = StandIns.projectDir().resolve("target/function.zip");
        assumeTrue(Boolean.getBoolean("tributary.function-zip-it"), "runs in the lambda build: ./mvnw verify -Plambda");
        List<String> found = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                if (e.getName().endsWith(".jar")) {
                    try (ZipInputStream jar = new ZipInputStream(z.getInputStream(e))) {
                        for (ZipEntry c; (c = jar.getNextEntry()) != null; ) {
                            String name = c.getName();
                            NOT_IN_THE_FUNCTION.stream().filter(name::startsWith).findFirst()
                                    .filter(prefix -> !found.contains(prefix)).ifPresent(found::add);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "the ingest function carries classes only sealing, the rollup or the warehouse use");
    }
}
