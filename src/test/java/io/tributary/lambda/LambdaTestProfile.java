package io.tributary.lambda;

import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Lambda mode in tests: the 'lambda' config profile on top of 'test' (stand-in credentials), and the S3 fault switch. */
public class LambdaTestProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "test,lambda";
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(S3Faults.class);
    }
}
