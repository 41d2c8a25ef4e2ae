package io.tributary.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One execution of the Step Functions hour pipeline Terraform deploys, with its Tasks bound to the stand-ins:
 * {@code node terraform/test/execute-state-machine.mjs} renders the definition with Terraform (values that name AWS
 * resources overridden to the stand-ins' names) and runs it in aws-local-stepfunctions. Installs terraform/test's pinned
 * npm packages first when they are missing.
 *
 * @param config the harness's config: overrides, input, endpoints, s3Basedir, arns (see the script's header)
 */
public record StateMachineRun(JsonNode result) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static StateMachineRun execute(Map<String, Object> config) {
        Path testDir = StandIns.projectDir().resolve("terraform/test");
        try {
            Path in = Files.createTempFile("state-machine-config", ".json");
            Path out = Files.createTempFile("state-machine-result", ".json");
            Path log = Files.createTempFile("state-machine", ".log");
            try {
                JSON.writeValue(in.toFile(), config);
                if (!Files.isDirectory(testDir.resolve("node_modules"))) {
                    run(testDir, log, List.of("npm", "ci", "--no-audit", "--no-fund"));
                }
                run(testDir, log, List.of("node", "execute-state-machine.mjs", in.toString(), out.toString()));
                return new StateMachineRun(JSON.readTree(out.toFile()));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run terraform/test/execute-state-machine.mjs", e);
        }
    }

    private static void run(Path dir, Path log, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " (in " + dir + ") timed out:\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " (in " + dir + ") failed with exit " + p.exitValue() + ":\n"
                    + Files.readString(log));
        }
    }

    /** SUCCEEDED or FAILED. */
    public String status() {
        return result.path("status").asText();
    }

    /** The execution's error (name, message), or a missing node. */
    public JsonNode error() {
        return result.path("error");
    }

    public JsonNode output() {
        return result.path("output");
    }

    /** The Task states called, in order: {state, resource, input}. */
    public List<JsonNode> taskCalls() {
        return list(result.path("taskCalls"));
    }

    /** The Task states called, by name, in order. */
    public List<String> states() {
        return taskCalls().stream().map(c -> c.path("state").asText()).toList();
    }

    /** SNS messages published: {TopicArn, Subject, Message}. */
    public List<JsonNode> published() {
        return list(result.path("published"));
    }

    /** The AWS calls the Tasks made: {principal: "sfn", action, resource}, in the IAM test's token form. */
    public List<JsonNode> awsCalls() {
        return list(result.path("awsCalls"));
    }

    public long millis() {
        return result.path("millis").asLong();
    }

    private static List<JsonNode> list(JsonNode array) {
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Override
    public String toString() {
        return result.toPrettyString();
    }
}
