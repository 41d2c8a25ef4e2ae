package io.tributary.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The API key every protected endpoint checks (X-Api-Key), compared in constant time. */
public final class ApiKey {

    private final byte[] expected;

    public ApiKey(String expected) {
        this.expected = expected.getBytes(StandardCharsets.UTF_8);
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }
}
