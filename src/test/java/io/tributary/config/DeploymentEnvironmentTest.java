package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tributary.local.TerraformDeployment;

/**
 * Deployment conformance, environment: every variable and secret Terraform gives the ECS task or the Lambda function is
 * read by the application (a TributaryConfig property in SmallRye's environment form, or a ${NAME} in
 * application.properties), and the configuration built from exactly that environment, in the mode's profile, has what
 * the mode needs (the config mapping builds, and hour sealing, the rollup and Redshift are on in container mode).
 */
class DeploymentEnvironmentTest {

    /** Read by the runtime, not by the application's configuration. */
    static final Map<String, String> RUNTIME_VARIABLES = Map.of(
            "JAVA_TOOL_OPTIONS", "read by the JVM (Lambda java21: tiered compilation)",
            "DISABLE_SIGNAL_HANDLERS", "read by the Quarkus native Lambda bootstrap",
            "AWS_REGION", "read by the AWS SDK (and application.properties)");

    static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    final TerraformDeployment deployed = TerraformDeployment.load();

    static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = resource().openStream()) {
            p.load(in);
        }
        return p;
    }

    static URL resource() {
        return DeploymentEnvironmentTest.class.getClassLoader().getResource("application.properties");
    }

    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Environment variable name -> the property it sets (or the reference that reads it). */
    static Map<String, String> readableVariables() throws IOException {
        Map<String, String> names = new HashMap<>();
        for (String property : ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(TributaryConfig.class, "tributary")).keySet()) {
            names.put(envName(property), property);
        }
        Properties p = applicationProperties();
        for (String key : p.stringPropertyNames()) {
            String property = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            names.putIfAbsent(envName(property), property);
            Matcher m = REFERENCE.matcher(p.getProperty(key));
            while (m.find()) {
                names.putIfAbsent(m.group(1), property + " = ${" + m.group(1) + "}");
            }
        }
        return names;
    }

    static SmallRyeConfig configOf(String profile, Map<String, String> environment) throws IOException {
        return new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(resource(), 250))
                .withSources(new EnvConfigSource(environment, 300))
                // Quarkus' own converter: durations like 5s, as the application reads them
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(TributaryConfig.class)
                .build();
    }

    static void assertEveryNameIsRead(String mode, Map<String, String> environment) throws IOException {
        Map<String, String> readable = readableVariables();
        Set<String> unread = new TreeSet<>();
        for (String name : environment.keySet()) {
            if (!readable.containsKey(name) && !RUNTIME_VARIABLES.containsKey(name)) {
                unread.add(name);
            }
        }
        assertEquals(Set.of(), unread, mode + ": Terraform sets variables the application never reads");
    }

    Map<String, String> ecsTaskEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(deployed.ecsEnvironment());
        deployed.ecsSecrets().forEach((name, valueFrom) -> env.put(name, "secret:" + valueFrom));
        return env;
    }

    @Test
    void everyEcsVariableAndSecretSetsAProperty() throws IOException {
        assertEveryNameIsRead("ECS", ecsTaskEnvironment());
    }

    @Test
    void everyLambdaVariableSetsAProperty() throws IOException {
        assertEveryNameIsRead("Lambda", deployed.lambdaEnvironment());
    }

    @Test
    void ecsTaskRunsTheAnalyticsWithCredentialsFromSecretsManager() throws IOException {
        SmallRyeConfig config = configOf("prod", ecsTaskEnvironment());
        TributaryConfig c = config.getConfigMapping(TributaryConfig.class);

        assertTrue(c.kinesis().consumerEnabled(), "container mode consumes the stream itself");
        assertTrue(c.glue().enabled(), "hour sealing and the Glue job are off in the deployed container");
        assertTrue(c.glue().jobName().isPresent(), "tributary.glue.job-name");
        assertTrue(c.glue().curatedPath().orElse("").startsWith("s3://"), "tributary.glue.curated-path");
        assertTrue(c.glue().errorsPath().orElse("").startsWith("s3://"), "tributary.glue.errors-path");
        assertTrue(c.glue().summaryPrefix().orElse("").startsWith("s3://"), "tributary.glue.summary-prefix");
        assertTrue(c.athena().outputLocation().orElse("").startsWith("s3://"), "tributary.athena.output-location");
        assertFalse(c.athena().database().equals("tributary"), "tributary.athena.database is the default, not the deployed catalog");
        assertFalse(c.athena().workgroup().equals("primary"), "tributary.athena.workgroup is the default, not the deployed workgroup");

        assertTrue(c.redshift().enabled(), "Redshift is off in the deployed container");
        assertEquals("true", config.getRawValue("quarkus.datasource.redshift.active"));
        assertTrue(config.getOptionalValue("quarkus.datasource.redshift.jdbc.url", String.class).orElse("").startsWith("jdbc:redshift://"),
                "quarkus.datasource.redshift.jdbc.url");
        assertEquals("secret:" + deployed.ecsSecrets().get("TRIBUTARY_REDSHIFT_USER"),
                config.getOptionalValue("quarkus.datasource.redshift.username", String.class).orElse(""),
                "the Redshift user comes from the app secret's username key");
        assertTrue(deployed.ecsSecrets().get("TRIBUTARY_REDSHIFT_USER").endsWith(":username::"));
        assertEquals("secret:" + deployed.ecsSecrets().get("TRIBUTARY_REDSHIFT_PASSWORD"),
                config.getOptionalValue("quarkus.datasource.redshift.password", String.class).orElse(""),
                "the Redshift password comes from the app secret's password key");
        assertTrue(deployed.ecsSecrets().get("TRIBUTARY_REDSHIFT_PASSWORD").endsWith(":password::"));
        assertEquals("secret:" + deployed.ecsSecrets().get("TRIBUTARY_INGEST_API_KEY"), c.ingest().apiKey(),
                "the ingest API key comes from Secrets Manager");
        assertTrue(deployed.ecsEnvironment().keySet().stream().noneMatch(n -> n.contains("PASSWORD") || n.contains("API_KEY")),
                "a credential in the plain-text environment");
    }

    @Test
    void lambdaFunctionHasNoApiKeyAndBuildsItsConfiguration() throws IOException {
        Map<String, String> env = deployed.lambdaEnvironment();
        assertFalse(env.containsKey("TRIBUTARY_INGEST_API_KEY"), "the ingest API key in the Lambda environment, with HTTP ingest off");
        TributaryConfig c = configOf("lambda", env).getConfigMapping(TributaryConfig.class);
        assertFalse(c.ingest().httpEnabled(), "HTTP ingest is off in Lambda mode");
        assertFalse(c.kinesis().consumerEnabled(), "the event source mapping reads the stream in Lambda mode");
        assertEquals(env.get("TRIBUTARY_STREAM"), c.kinesis().stream());
        assertEquals(env.get("TRIBUTARY_RAW_BUCKET"), c.lake().rawBucket());
    }

    /**
     * The lake-ops function (the state machine's seal and bookkeeping steps, OrchestratedHours) runs from the same zip with
     * the ingest function's environment: it reads the same stream, raw bucket and hour states the ingest function writes.
     */
    @Test
    void lakeOpsFunctionHasTheIngestFunctionsEnvironment() throws IOException {
        Map<String, String> env = deployed.lakeOpsEnvironment();
        assertEquals(deployed.lambdaEnvironment(), env);
        TributaryConfig c = configOf("lambda", env).getConfigMapping(TributaryConfig.class);
        assertEquals(env.get("TRIBUTARY_STREAM"), c.kinesis().stream());
        assertEquals(env.get("TRIBUTARY_RAW_BUCKET"), c.lake().rawBucket());
        assertTrue(c.glue().statePrefix().length() > 0, "the hour states' prefix");
    }
}
