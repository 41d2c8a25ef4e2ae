package io.tributary.lambda;

import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Lambda mode in tests: the 'lambda' config profile on top of 'test' (stand-in credentials), the S3 fault switch and the
 *  processing fault, and short redelivery delays so that an outage of many invocations takes seconds, not minutes (the
 *  number of redeliveries stays the lambda profile's). */
public class LambdaTestProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "test,lambda";
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(S3Faults.class, ProcessingFaults.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tributary.write.redelivery-delay-ms", "10",
                "tributary.write.max-redelivery-delay-ms", "40");
    }
}
