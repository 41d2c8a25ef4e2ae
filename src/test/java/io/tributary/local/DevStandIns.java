package io.tributary.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * bin/dev's stand-ins: kinesalite and s3proxy on 127.0.0.1, the stream and buckets the dev profile uses, and the JVM
 * arguments that point the application at them (written to {@code <dir>/jvm.args}). Runs until killed or stdin closes.
 * Objects land as plain files under {@code <dir>/s3/<bucket>/<key>}, so the raw zone can be browsed with ls and zcat.
 */
public final class DevStandIns {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/dev").toAbsolutePath());
        String stream = "tributary-events";
        List<String> buckets = List.of("tributary-raw", "tributary-errors");
        try (StandInProcess kinesalite = StandIns.kinesalite(dir);
             StandInProcess s3proxy = StandIns.s3proxy(dir.resolve("s3"), dir)) {
            try (KinesisClient kinesis = StandIns.kinesisClient(kinesalite.endpoint())) {
                StandIns.createStream(kinesis, stream, 2);
            }
            try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
                buckets.forEach(b -> StandIns.createBucket(s3, b));
            }
            String glueArgs = devGlue(s3proxy.endpoint(), dir);
            String jvmArgs = String.join(" ",
                    "-Daws.cborEnabled=false",
                    "-Dtributary.kinesis.endpoint-override=" + kinesalite.endpoint(),
                    "-Dtributary.kinesis.stream=" + stream,
                    "-Dtributary.lake.endpoint-override=" + s3proxy.endpoint(),
                    "-Dtributary.lake.raw-bucket=" + buckets.get(0),
                    "-Dtributary.lake.errors-bucket=" + buckets.get(1)) + glueArgs;
            Files.writeString(dir.resolve("jvm.args.tmp"), jvmArgs);
            Files.move(dir.resolve("jvm.args.tmp"), dir.resolve("jvm.args"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("stand-ins ready: kinesis " + kinesalite.endpoint() + ", s3 " + s3proxy.endpoint()
                    + ", objects under " + dir.resolve("s3"));
            waitForStdinToClose();
        }
    }

    /**
     * The Glue stand-in and hour sealing, when glue/ is built ({@code ./mvnw -B -f glue/pom.xml package}) and not switched
     * off with {@code TRIBUTARY_DEV_GLUE=false}. Curated Parquet lands under {@code <dir>/s3/tributary-curated/curated/events/}.
     * Hours are sealed one minute after they end; {@code -Dtributary.glue.seal-open-hour=true} on bin/dev's command line also
     * seals the current hour once the stream is idle for that minute.
     */
    private static String devGlue(String s3Endpoint, Path dir) {
        if ("false".equalsIgnoreCase(System.getenv("TRIBUTARY_DEV_GLUE"))) {
            System.out.println("Glue stand-in off (TRIBUTARY_DEV_GLUE=false): no hour sealing");
            return "";
        }
        if (!GlueStandIn.jobArtifacts(false).present()) {
            System.out.println("Glue stand-in off: glue/ is not built (./mvnw -B -f glue/pom.xml package), no hour sealing");
            return "";
        }
        String bucket = "tributary-curated";
        try (S3Client s3 = StandIns.s3Client(s3Endpoint)) {
            StandIns.createBucket(s3, bucket);
        }
        GlueStandIn glue = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, s3Endpoint, dir, "1g");
        Map<String, String> c = new java.util.TreeMap<>(GlueStandInResource.config(glue, bucket));
        c.put("tributary.glue.seal-open-hour", "false");
        c.put("tributary.glue.grace-period", "1m");
        c.put("tributary.glue.check-interval", "5s");
        System.out.println("Glue stand-in " + glue.endpoint() + ": curated Parquet under " + dir.resolve("s3").resolve(bucket));
        StringBuilder args = new StringBuilder();
        c.forEach((k, v) -> args.append(" -D").append(k).append('=').append(v));
        return args.toString();
    }

    private static void waitForStdinToClose() throws IOException {
        while (System.in.read() >= 0) {
            // keep running until the parent script closes our stdin or kills us
        }
    }
}
