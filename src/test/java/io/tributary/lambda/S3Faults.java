package io.tributary.lambda;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import java.util.function.Predicate;

import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.tributary.aws.AwsClientsAccess;
import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Test-only S3 outage: the real client to the S3 stand-in, except that puts whose key matches the current fault fail the
 * way an unreachable S3 fails. Selected only by {@link LambdaTestProfile}; production code has no such switch.
 */
@Alternative
public class S3Faults {

    private static volatile Predicate<String> failingKeys = key -> false;

    /** Makes every put of a matching key fail until {@link #clear()}. */
    public static void failPuts(Predicate<String> keys) {
        failingKeys = keys;
    }

    public static void clear() {
        failingKeys = key -> false;
    }

    @Produces
    @Alternative
    @Singleton
    @Named("s3Client")
    S3Client faultyS3Client(TributaryConfig config) {
        S3Client real = AwsClientsAccess.s3Client(config);
        InvocationHandler h = (proxy, method, args) -> {
            String key = method.getName().equals("putObject") && args != null ? putKey(args[0]) : null;
            if (key != null && failingKeys.test(key)) {
                throw SdkClientException.create("Unable to execute HTTP request: Connection refused (test outage of " + key + ")");
            }
            return invoke(real, method, args);
        };
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, h);
    }

    /** The key of a put, given as a request or as a builder consumer. */
    @SuppressWarnings("unchecked")
    private static String putKey(Object request) {
        if (request instanceof PutObjectRequest put) {
            return put.key();
        }
        if (request instanceof Consumer<?> c) {
            PutObjectRequest.Builder b = PutObjectRequest.builder();
            ((Consumer<PutObjectRequest.Builder>) c).accept(b);
            return b.build().key();
        }
        return null;
    }

    private static Object invoke(S3Client real, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
