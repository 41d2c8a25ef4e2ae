package io.tributary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    static final String HARNESS = """
            import java.io.*;
            import java.nio.file.*;
            public class Harness {
                public static void main(String[] files) throws Exception {
                    var handler = new io.tributary.lambda.KinesisStreamHandler();
                    for (String f : files) {
                        var out = new ByteArrayOutputStream();
                        try (var in = Files.newInputStream(Path.of(f))) {
                            handler.handleRequest(in, out, null);
                        }
                        System.out.println("REPLY " + out);
                    }
                    System.exit(0);
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
            assertTrue(out.contains("tributary.ingest.http-enabled = false"), "the handler selected the lambda profile:\n" + out);
            assertEquals(7, LakeFiles.lines(basedir, "raw-fn", "raw/events").size(), "5 clean + 2 good poison-batch records");
            assertEquals(3, LakeFiles.lines(basedir, "errors-fn", "errors/events").size());
        }
    }
}
