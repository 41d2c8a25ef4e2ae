package io.tributary.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.runtime.configuration.ConfigUtils;
import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Test-only recorder of the AWS calls the application makes, for the IAM check in terraform/test (iam.test.mjs): one JSON
 * line per distinct call with the IAM action and the resource ARN. Off unless the system property
 * {@value #PROPERTY} names a directory (outside the tributary.* configuration root, which rejects unknown names). The application's own names (test buckets, stream, job, workgroup) are written as
 * role tokens ({raw}, {stream}, ...) that the node test replaces with the names Terraform deploys.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {

    public static final String PROPERTY = "tributary-test.record-aws-calls";

    private final Path file;
    private final String principal;
    private final Map<String, String> buckets = new LinkedHashMap<>();
    private final String stream;
    private final Optional<String> glueJob;
    private final String workgroup;
    private final String database;
    private final Set<String> written = ConcurrentHashMap.newKeySet();

    private AwsCallRecorder(Path dir, TributaryConfig config) {
        this.principal = ConfigUtils.getProfiles().contains("lambda") ? "lambda" : "app";
        this.file = dir.resolve(principal + "-" + ProcessHandle.current().pid() + ".jsonl");
        buckets.put(config.lake().rawBucket(), "raw");
        buckets.put(config.lake().errorsBucket(), "errors");
        config.glue().curatedPath().flatMap(AwsCallRecorder::bucketOf).ifPresent(b -> buckets.putIfAbsent(b, "curated"));
        config.athena().outputLocation().flatMap(AwsCallRecorder::bucketOf).ifPresent(b -> buckets.putIfAbsent(b, "athena_results"));
        this.stream = config.kinesis().stream();
        this.glueJob = config.glue().jobName();
        this.workgroup = config.athena().workgroup();
        this.database = config.athena().database();
    }

    /** Adds the recorder to a client builder when {@value #PROPERTY} is set; a no-op otherwise. */
    public static <B extends AwsClientBuilder<B, ?>> B attach(B builder, TributaryConfig config) {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            return builder;
        }
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + PROPERTY + " directory " + dir, e);
        }
        var recorder = new AwsCallRecorder(Path.of(dir), config);
        return builder.overrideConfiguration(c -> c.addExecutionInterceptor(recorder));
    }

    // Before execution: a call that AWS would refuse must be recorded too, it is still a call the code makes.
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkRequest request = context.request();
        String prefix = service.toLowerCase();
        String action = prefix + ":" + iamAction(prefix, operation);
        String line = "{\"principal\":\"" + principal + "\",\"service\":\"" + prefix + "\",\"operation\":\"" + operation
                + "\",\"action\":\"" + action + "\",\"resource\":\"" + json(resource(prefix, action, request)) + "\"}\n";
        if (written.add(line)) {
            try {
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record AWS call to " + file, e);
            }
        }
    }

    /** The IAM action of an SDK operation: the operation name, except where AWS authorizes it as another action. */
    static String iamAction(String prefix, String operation) {
        if (prefix.equals("s3")) {
            return switch (operation) {
                case "ListObjectsV2", "ListObjects", "HeadBucket" -> "ListBucket";
                case "HeadObject" -> "GetObject";
                case "DeleteObjects" -> "DeleteObject";
                case "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "CopyObject" -> "PutObject";
                case "ListObjectVersions" -> "ListBucketVersions";
                case "ListParts" -> "ListMultipartUploadParts";
                case "ListBuckets" -> "ListAllMyBuckets";
                default -> operation;
            };
        }
        return operation;
    }

    private String resource(String prefix, String action, SdkRequest request) {
        return switch (prefix) {
            case "s3" -> {
                Optional<String> bucket = request.getValueForField("Bucket", String.class);
                if (bucket.isEmpty()) {
                    yield "*";
                }
                String arn = "arn:aws:s3:::" + bucketToken(bucket.get());
                Optional<String> key = request.getValueForField("Key", String.class);
                boolean bucketLevel = action.equals("s3:ListBucket") || action.equals("s3:GetBucketLocation")
                        || action.equals("s3:ListBucketVersions");
                yield bucketLevel ? arn : arn + "/" + key.orElse("*");
            }
            case "kinesis" -> {
                Optional<String> name = request.getValueForField("StreamName", String.class)
                        .or(() -> request.getValueForField("StreamARN", String.class).map(a -> a.substring(a.lastIndexOf('/') + 1)));
                // GetRecords names no stream (its shard iterator does): IAM authorizes it against the stream read.
                yield action.equals("kinesis:ListStreams") ? "*"
                        : "arn:aws:kinesis:{region}:{account}:stream/" + name.filter(n -> !n.equals(stream)).orElse("{stream}");
            }
            case "glue" -> request.getValueForField("JobName", String.class)
                    .map(n -> "arn:aws:glue:{region}:{account}:job/" + (glueJob.filter(n::equals).isPresent() ? "{glue_job}" : n))
                    .or(() -> request.getValueForField("DatabaseName", String.class)
                            .map(d -> "arn:aws:glue:{region}:{account}:database/" + (d.equals(database) ? "{database}" : d)))
                    .orElse("*");
            // Query executions are authorized against their workgroup; the application only uses its own.
            case "athena" -> "arn:aws:athena:{region}:{account}:workgroup/"
                    + request.getValueForField("WorkGroup", String.class).filter(w -> !w.equals(workgroup)).orElse("{workgroup}");
            default -> "*";
        };
    }

    private String bucketToken(String bucket) {
        String role = buckets.get(bucket);
        return role == null ? bucket : "{" + role + "}";
    }

    private static Optional<String> bucketOf(String s3Uri) {
        try {
            return Optional.ofNullable(URI.create(s3Uri).getHost());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
