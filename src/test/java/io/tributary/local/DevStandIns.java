package io.tributary.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * bin/dev's stand-ins: kinesalite, dynalite (the KCL consumer's leases) and s3proxy on 127.0.0.1, the stream and buckets the dev profile uses, and the JVM
 * arguments that point the application at them (written to {@code <dir>/jvm.args}). Runs until killed or stdin closes.
 * Objects land as plain files under {@code <dir>/s3/<bucket>/<key>}, so the raw zone can be browsed with ls and zcat.
 */
public final class DevStandIns {

    /** Where the Glue job writes the curated zone and what the Athena stand-in's events table reads. */
    static final String CURATED_BUCKET = "tributary-curated";

    /** The Glue catalog database the Athena stand-in defines in dev mode: {@code SELECT count(*) FROM tributary.events}. */
    static final String ATHENA_DATABASE = "tributary";

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/dev").toAbsolutePath());
        String stream = "tributary-events";
        List<String> buckets = List.of("tributary-raw", "tributary-errors");
        try (StandInProcess kinesalite = StandIns.kinesalite(dir);
             StandInProcess dynalite = StandIns.dynalite(dir);
             StandInProcess s3proxy = StandIns.s3proxy(dir.resolve("s3"), dir)) {
            try (KinesisClient kinesis = StandIns.kinesisClient(kinesalite.endpoint())) {
                StandIns.createStream(kinesis, stream, 2);
            }
            try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
                buckets.forEach(b -> StandIns.createBucket(s3, b));
            }
            try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
                StandIns.createBucket(s3, CURATED_BUCKET);
            }
            String glueArgs = devGlue(s3proxy.endpoint(), dir) + devAnalytics(dir);
            String jvmArgs = String.join(" ",
                    "-Daws.cborEnabled=false",
                    "-Dtributary.kinesis.endpoint-override=" + kinesalite.endpoint(),
                    "-Dtributary.kinesis.stream=" + stream,
                    // the KCL consumer: leases in dynalite (in memory, like kinesalite's streams: every bin/dev starts with a
                    // new stream and no leases); its start-up shard sync idles 2 s instead of 60
                    "-Dtributary.kcl.dynamodb-endpoint-override=" + dynalite.endpoint(),
                    "-Dtributary.kcl.shard-sync-interval=2s",
                    "-Dtributary.lake.endpoint-override=" + s3proxy.endpoint(),
                    "-Dtributary.lake.raw-bucket=" + buckets.get(0),
                    "-Dtributary.lake.errors-bucket=" + buckets.get(1)) + glueArgs;
            Files.writeString(dir.resolve("jvm.args.tmp"), jvmArgs);
            Files.move(dir.resolve("jvm.args.tmp"), dir.resolve("jvm.args"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("stand-ins ready: kinesis " + kinesalite.endpoint() + ", dynamodb " + dynalite.endpoint() + ", s3 " + s3proxy.endpoint()
                    + ", objects under " + dir.resolve("s3"));
            waitForStdinToClose();
        }
    }

    /**
     * The Glue stand-in and hour sealing, when glue/ is built ({@code ./mvnw -B -f glue/pom.xml package}) and not switched
     * off with {@code TRIBUTARY_DEV_GLUE=false}. Curated Parquet lands under {@code <dir>/s3/tributary-curated/curated/events/}.
     * Hours are sealed one minute after they end; {@code TRIBUTARY_DEV_SEAL_OPEN_HOUR=true bin/dev} also seals the current
     * hour once the stream is idle for that minute.
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
        String bucket = CURATED_BUCKET;
        GlueStandIn glue = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, s3Endpoint, dir, "1g");
        Map<String, String> c = new java.util.TreeMap<>(GlueStandInResource.config(glue, bucket));
        // a -D on bin/dev's command line does not override jvm.args in the application JVM: an environment switch instead
        c.put("tributary.glue.seal-open-hour", String.valueOf("true".equalsIgnoreCase(System.getenv("TRIBUTARY_DEV_SEAL_OPEN_HOUR"))));
        c.put("tributary.glue.grace-period", "1m");
        c.put("tributary.glue.check-interval", "5s");
        System.out.println("Glue stand-in " + glue.endpoint() + ": curated Parquet under " + dir.resolve("s3").resolve(bucket));
        StringBuilder args = new StringBuilder();
        c.forEach((k, v) -> args.append(" -D").append(k).append('=').append(v));
        return args.toString();
    }

    /**
     * The Athena stand-in (DuckDB over the curated Parquet under {@code <dir>/s3/tributary-curated/curated/events/}, database
     * {@value #ATHENA_DATABASE}) and the Redshift stand-in (embedded PostgreSQL 15 behind the startup shim), so the hourly
     * rollup, the minute windows and the query API run locally. Off with {@code TRIBUTARY_DEV_ANALYTICS=false}. Both stop
     * when this JVM exits.
     */
    private static String devAnalytics(Path dir) {
        if ("false".equalsIgnoreCase(System.getenv("TRIBUTARY_DEV_ANALYTICS"))) {
            System.out.println("Athena and Redshift stand-ins off (TRIBUTARY_DEV_ANALYTICS=false): no rollup, minute counts or queries");
            return "";
        }
        AthenaStandIn athena = AthenaStandIn.start();
        athena.defineDatabase(ATHENA_DATABASE, dir.resolve("s3"), CURATED_BUCKET, AthenaStandInResource.CURATED_PREFIX);
        RedshiftStandIn redshift = RedshiftStandIn.get();
        String database = redshift.createDatabase("tributary");
        Map<String, String> c = new java.util.TreeMap<>();
        c.put("tributary.athena.endpoint-override", athena.endpoint());
        c.put("tributary.athena.database", ATHENA_DATABASE);
        c.put("tributary.athena.workgroup", "primary");
        c.put("tributary.athena.output-location", "s3://" + CURATED_BUCKET + "/athena-results/");
        c.put("tributary.redshift.enabled", "true");
        c.put("tributary.redshift.dialect", "postgresql");
        c.put("quarkus.datasource.redshift.jdbc.url", redshift.jdbcUrl(database));
        c.put("quarkus.datasource.redshift.username", RedshiftStandIn.USER);
        c.put("quarkus.datasource.redshift.password", RedshiftStandIn.PASSWORD);
        System.out.println("Athena stand-in " + athena.endpoint() + " (database " + ATHENA_DATABASE + "), Redshift stand-in "
                + redshift.jdbcUrl(database));
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
