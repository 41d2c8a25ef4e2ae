package io.tributary.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What Terraform deploys (the Glue job's default arguments, the ECS container's environment and secrets, the Lambda
 * function's environment), rendered from terraform/ by {@code terraform/test/export-deployment.mjs} (HCL's own parser,
 * offline) at test time, so the conformance tests read the .tf files and never a hand-kept copy. Values only an apply
 * knows (bucket names, ARNs) are placeholders made of the Terraform reference.
 */
public final class TerraformDeployment {

    private static TerraformDeployment instance;

    private final JsonNode json;

    private TerraformDeployment(JsonNode json) {
        this.json = json;
    }

    /** Renders terraform/ once per JVM (installs terraform/test's pinned npm packages first when they are missing). */
    public static synchronized TerraformDeployment load() {
        if (instance == null) {
            // -Dtributary.test.terraform-dir=<dir> renders another checkout's terraform/ (to show a test fails on it)
            Path testDir = Path.of(System.getProperty("tributary.test.terraform-dir", "terraform")).toAbsolutePath().resolve("test");
            try {
                Path out = Files.createTempFile("tributary-deployment", ".json");
                Path log = Files.createTempFile("tributary-deployment", ".log");
                try {
                    if (!Files.isDirectory(testDir.resolve("node_modules"))) {
                        run(testDir, log, "npm", "ci", "--no-audit", "--no-fund");
                    }
                    run(testDir, log, "node", "export-deployment.mjs", out.toString());
                    instance = new TerraformDeployment(new ObjectMapper().readTree(out.toFile()));
                } finally {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(log);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot render terraform/ with terraform/test/export-deployment.mjs", e);
            }
        }
        return instance;
    }

    private static void run(Path dir, Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " (in " + dir + ") timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " (in " + dir + ") failed with exit " + p.exitValue()
                    + ":\n" + Files.readString(log));
        }
    }

    public Map<String, String> glueDefaultArguments() {
        return map(json.path("glue").path("defaultArguments"));
    }

    public Map<String, String> ecsEnvironment() {
        return map(json.path("ecs").path("environment"));
    }

    /** name -> valueFrom (a secret ARN, or "arn:key::" for one key of a JSON secret). */
    public Map<String, String> ecsSecrets() {
        return map(json.path("ecs").path("secrets"));
    }

    public Map<String, String> lambdaEnvironment() {
        return map(json.path("lambda").path("environment"));
    }

    /** The lake-ops function's environment (modules/lambda_consumer, aws_lambda_function.lake_ops). */
    public Map<String, String> lakeOpsEnvironment() {
        return map(json.path("lakeOps").path("environment"));
    }

    private static Map<String, String> map(JsonNode node) {
        if (!node.isObject() || node.isEmpty()) {
            throw new IllegalStateException("export-deployment.mjs rendered no entries where a map was expected: " + node);
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
