package io.tributary.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Application;

/**
 * The handler class of the JVM function.zip on the managed Java runtime ({@code io.tributary.lambda.KinesisStreamHandler::handleRequest}):
 * boots the application once per execution environment in the Lambda config profile, then hands each invocation to
 * {@link KinesisBatchHandler}. The function.zip holds the uber-jar, so the generated application class is on the classpath.
 */
public class KinesisStreamHandler implements RequestStreamHandler {

    private static Application app;

    public KinesisStreamHandler() {
        boot();
    }

    private static synchronized void boot() {
        if (app != null) {
            return;
        }
        if (System.getProperty("quarkus.profile") == null && System.getenv("QUARKUS_PROFILE") == null) {
            System.setProperty("quarkus.profile", "lambda");
        }
        try {
            Application a = (Application) Class.forName("io.quarkus.runner.ApplicationImpl").getDeclaredConstructor().newInstance();
            a.start(new String[0]);
            app = a;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the application: the function.zip must hold the uber-jar (mvn package -Plambda)", e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Arc.container().instance(KinesisBatchHandler.class).get().handle(input, output);
    }
}
