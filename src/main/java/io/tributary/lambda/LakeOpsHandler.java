package io.tributary.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Arc;
import io.tributary.sealing.OrchestratedHours;

/**
 * The handler class of the lake-ops function ({@code io.tributary.lambda.LakeOpsHandler::handleRequest}, the same
 * function.zip as the ingest function): the Step Functions state machine's seal and bookkeeping steps in Lambda mode
 * ({@link OrchestratedHours}). Input and output are JSON objects; a bad input fails the invocation with the reason, which
 * the state machine's Catch records.
 */
public class LakeOpsHandler implements RequestStreamHandler {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    public LakeOpsHandler() {
        LambdaApplication.boot();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectMapper json = Arc.container().instance(ObjectMapper.class).get();
        Map<String, Object> request = json.readValue(input, OBJECT);
        json.writeValue(output, Arc.container().instance(OrchestratedHours.class).get().handle(request));
    }
}
