package io.tributary.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
            String jvmArgs = String.join(" ",
                    "-Daws.cborEnabled=false",
                    "-Dtributary.kinesis.endpoint-override=" + kinesalite.endpoint(),
                    "-Dtributary.kinesis.stream=" + stream,
                    "-Dtributary.lake.endpoint-override=" + s3proxy.endpoint(),
                    "-Dtributary.lake.raw-bucket=" + buckets.get(0),
                    "-Dtributary.lake.errors-bucket=" + buckets.get(1));
            Files.writeString(dir.resolve("jvm.args.tmp"), jvmArgs);
            Files.move(dir.resolve("jvm.args.tmp"), dir.resolve("jvm.args"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("stand-ins ready: kinesis " + kinesalite.endpoint() + ", s3 " + s3proxy.endpoint()
                    + ", objects under " + dir.resolve("s3"));
            waitForStdinToClose();
        }
    }

    private static void waitForStdinToClose() throws IOException {
        while (System.in.read() >= 0) {
            // keep running until the parent script closes our stdin or kills us
        }
    }
}
