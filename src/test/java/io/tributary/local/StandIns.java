package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

/** Starts the local stand-ins (kinesalite, s3proxy) and creates streams and buckets on them. Test and dev use only. */
public final class StandIns {

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local-secret";
    public static final String REGION = "us-east-1";

    private StandIns() {
    }

    /** The project directory (where pom.xml is), so stand-ins start the same from Maven, an IDE or a script. */
    public static Path projectDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("local/kinesalite.js"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find local/kinesalite.js above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** kinesalite on 127.0.0.1, installing its npm package first when missing. */
    public static StandInProcess kinesalite(Path logDir) {
        return kinesalite(logDir, Duration.ZERO);
    }

    /** kinesalite whose clock runs {@code clockOffset} ahead of the real one: it stamps arrival times, so this places them. */
    public static StandInProcess kinesalite(Path logDir, Duration clockOffset) {
        return kinesalite(logDir, clockOffset, Duration.ofMinutes(5));
    }

    /** kinesalite whose shard iterators expire after {@code iteratorLifetime} instead of Kinesis's 5 minutes. */
    public static StandInProcess kinesalite(Path logDir, Duration clockOffset, Duration iteratorLifetime) {
        Path local = projectDir().resolve("local");
        if (!Files.isDirectory(local.resolve("node_modules/kinesalite"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), local);
        }
        return StandInProcess.start("kinesalite", List.of("node", "kinesalite.js", "0", String.valueOf(clockOffset.toMillis()),
                        String.valueOf(iteratorLifetime.toMillis())), local, 0,
                logDir.resolve("kinesalite.log"), Duration.ofSeconds(30), "KINESALITE_PORT=");
    }

    /** dynalite (the DynamoDB stand-in where the Kinesis Client Library keeps its leases), in memory, on 127.0.0.1. */
    public static StandInProcess dynalite(Path logDir) {
        Path local = projectDir().resolve("local");
        if (!Files.isDirectory(local.resolve("node_modules/dynalite"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), local);
        }
        return StandInProcess.start("dynalite", List.of("node", "dynalite.js", "0"), local, 0,
                logDir.resolve("dynalite.log"), Duration.ofSeconds(30), "DYNALITE_PORT=");
    }

    /** s3proxy (filesystem provider: objects are plain files at basedir/bucket/key) on 127.0.0.1. */
    public static StandInProcess s3proxy(Path basedir, Path logDir) {
        Path jar = projectDir().resolve("target/stand-ins/s3proxy.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn generate-test-resources' (the build copies it)");
        }
        int port = StandInProcess.freePort();
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", ACCESS_KEY);
        p.setProperty("s3proxy.credential", SECRET_KEY);
        p.setProperty("jclouds.provider", "filesystem");
        p.setProperty("jclouds.filesystem.basedir", basedir.toString());
        try {
            Files.createDirectories(basedir);
            Files.createDirectories(logDir);
            Path props = logDir.resolve("s3proxy-" + port + ".properties");
            try (var out = Files.newBufferedWriter(props)) {
                p.store(out, "s3proxy stand-in");
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return StandInProcess.start("s3proxy", List.of(java, "-Xmx256m", "-jar", jar.toString(), "--properties", props.toString()),
                    logDir, port, logDir.resolve("s3proxy-" + port + ".log"), Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KinesisClient kinesisClient(String endpoint) {
        System.setProperty("aws.cborEnabled", "false");
        return KinesisClient.builder().endpointOverride(URI.create(endpoint)).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    public static S3Client s3Client(String endpoint) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    /** Creates a stream and waits until it is ACTIVE. */
    public static void createStream(KinesisClient kinesis, String stream, int shards) {
        try {
            kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        } catch (ResourceInUseException exists) {
            // already there: fine for dev mode restarts
        }
        for (int i = 0; i < 100; i++) {
            if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
    }

    public static void createBucket(S3Client s3, String bucket) {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
                 | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException exists) {
            // already there
        }
    }

    private static void run(List<String> command, Path dir) {
        try {
            // never inheritIO: a test JVM's stdin/stdout are surefire's channel, and npm would write into it and make it
            // non-blocking ("std/in stream corrupted")
            java.io.File log = dir.resolve("npm-ci.log").toFile();
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(command + " failed with exit code " + p.exitValue() + " in " + dir + "; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
