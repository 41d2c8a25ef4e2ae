package io.tributary.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.quarkus.arc.Arc;

/**
 * The handler class of the JVM function.zip on the managed Java runtime ({@code io.tributary.lambda.KinesisStreamHandler::handleRequest}):
 * boots the application once per execution environment in the Lambda config profile, then hands each invocation to
 * {@link KinesisBatchHandler}. The function.zip holds the uber-jar, so the generated application class is on the classpath.
 */
public class KinesisStreamHandler implements RequestStreamHandler {

    public KinesisStreamHandler() {
        LambdaApplication.boot();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Arc.container().instance(KinesisBatchHandler.class).get().handle(input, output);
    }
}
