package io.tributary.aws;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 conditional write of a small JSON object: it replaces the version with ETag {@code expected} ({@code If-Match}), or
 * creates the object when {@code expected} is null ({@code If-None-Match: *}). Another writer got there first when S3 answers
 * 412 Precondition Failed, or 409 Conflict for a concurrent conditional write to the same key.
 */
public final class ConditionalPut {

    private ConditionalPut() {
    }

    /** The new ETag, or empty when another writer changed (or created) the object first. */
    public static Optional<String> json(S3Client s3, String bucket, String key, String json, String expected) {
        try {
            var put = s3.putObject(b -> {
                b.bucket(bucket).key(key).contentType("application/json");
                if (expected == null) {
                    b.ifNoneMatch("*");
                } else {
                    b.ifMatch(expected);
                }
            }, RequestBody.fromString(json, StandardCharsets.UTF_8));
            return Optional.of(put.eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
