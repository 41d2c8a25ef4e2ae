package io.tributary.lambda;

import io.quarkus.runtime.Application;

/** Boots the application once per Lambda execution environment, in the Lambda config profile, for the handler classes of
 *  the JVM function.zip (the uber-jar holds the generated application class). */
final class LambdaApplication {

    private static Application app;

    private LambdaApplication() {
    }

    static synchronized void boot() {
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
}
