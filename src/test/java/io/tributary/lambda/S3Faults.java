package io.tributary.lambda;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
            if (method.getName().equals("putObject") && args != null && args[0] instanceof PutObjectRequest put
                    && failingKeys.test(put.key())) {
                throw SdkClientException.create("Unable to execute HTTP request: Connection refused (test outage of " + put.key() + ")");
            }
            return invoke(real, method, args);
        };
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, h);
    }

    private static Object invoke(S3Client real, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
