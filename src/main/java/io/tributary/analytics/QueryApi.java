package io.tributary.analytics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tributary.api.ApiKey;
import io.tributary.api.ApiReply;
import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaException;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;

/**
 * The ad-hoc query API over Athena: POST starts a read-only query and returns its id; GET returns its state and a page
 * of results. Bounded by tributary.query.timeout and tributary.query.max-rows, behind the ingest API key. Every Athena
 * error becomes a JSON message, never a stack trace.
 */
@Singleton
@Named("queryApi")
public class QueryApi {

    private static final Logger LOG = Logger.getLogger(QueryApi.class);

    private final AthenaClient athena;
    private final TributaryConfig.Athena athenaConfig;
    private final TributaryConfig.Query limits;
    private final ApiKey apiKey;
    private final ObjectMapper json;

    public QueryApi(AthenaClient athena, TributaryConfig config, ObjectMapper json) {
        this.athena = athena;
        this.athenaConfig = config.athena();
        this.limits = config.query();
        this.apiKey = new ApiKey(config.ingest().apiKey());
        this.json = json;
        if (limits.pageSize() < 1 || limits.pageSize() > 999) {
            throw new IllegalArgumentException("tributary.query.page-size must be 1..999 (Athena pages hold 1000 rows with the header), not " + limits.pageSize());
        }
        if (limits.maxRows() < 1) {
            throw new IllegalArgumentException("tributary.query.max-rows must be at least 1, not " + limits.maxRows());
        }
    }


    /** POST /api/queries {"sql": "..."}: 202 with the query id, 400 when not read-only, 401 without the API key. */
    public ApiReply start(@Header("X-Api-Key") String key, @Body byte[] body) {
        if (!authorised(key)) {
            return error(401, "missing or wrong X-Api-Key header");
        }
        String sql;
        try {
            JsonNode request = body == null || body.length == 0 ? null : json.readTree(body);
            JsonNode text = request == null ? null : request.get("sql");
            if (text == null || !text.isTextual()) {
                return error(400, "the body must be a JSON object with a string field 'sql'");
            }
            sql = ReadOnlySql.check(text.textValue(), limits.maxSqlLength());
        } catch (ReadOnlySql.Rejected r) {
            return error(400, r.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error(400, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return error(400, "the body could not be read: " + e.getMessage());
        }
        try {
            String id = athena.startQueryExecution(b -> {
                b.queryString(sql).workGroup(athenaConfig.workgroup()).queryExecutionContext(c -> c.database(athenaConfig.database()));
                athenaConfig.outputLocation().ifPresent(o -> b.resultConfiguration(r -> r.outputLocation(o)));
            }).queryExecutionId();
            ObjectNode out = json.createObjectNode().put("id", id).put("state", QueryExecutionState.QUEUED.toString());
            return new ApiReply(202, out.toString());
        } catch (AthenaException e) {
            return athenaError(e, "starting the query");
        } catch (SdkClientException e) {
            LOG.warnf("Athena unreachable starting a query: %s", e.getMessage());
            return error(503, "Athena is unreachable: " + e.getMessage());
        }
    }

    /** GET /api/queries/{id}?nextToken=...: state, and when succeeded a page of rows and the token of the next page. */
    public ApiReply status(@Header("X-Api-Key") String key, @Header("id") String id, @Header("nextToken") String nextToken) {
        if (!authorised(key)) {
            return error(401, "missing or wrong X-Api-Key header");
        }
        if (id == null || !id.matches("[A-Za-z0-9-]{1,128}")) {
            return error(400, "not a query id: '" + id + "'");
        }
        try {
            QueryExecution qe = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
            QueryExecutionState state = qe.status().state();
            ObjectNode out = json.createObjectNode().put("id", id);
            if (state == QueryExecutionState.QUEUED || state == QueryExecutionState.RUNNING) {
                Instant submitted = qe.status().submissionDateTime();
                if (submitted != null && Duration.between(submitted, Instant.now()).compareTo(limits.timeout()) > 0) {
                    athena.stopQueryExecution(b -> b.queryExecutionId(id));
                    out.put("state", "TIMED_OUT").put("error", "the query ran longer than the limit of " + limits.timeout().toSeconds()
                            + " s (tributary.query.timeout) and was stopped");
                    return new ApiReply(200, out.toString());
                }
                out.put("state", state.toString());
                return new ApiReply(200, out.toString());
            }
            out.put("state", state.toString());
            if (state != QueryExecutionState.SUCCEEDED) {
                String reason = qe.status().stateChangeReason();
                out.put("error", reason == null ? "the query was " + state.toString().toLowerCase() : reason);
                return new ApiReply(200, out.toString());
            }
            return page(id, nextToken, out);
        } catch (InvalidRequestException e) {
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            if (message != null && message.toLowerCase().contains("not found")) {
                return error(404, "no query with id " + id);
            }
            return error(400, message);
        } catch (AthenaException e) {
            return athenaError(e, "reading query " + id);
        } catch (SdkClientException e) {
            LOG.warnf("Athena unreachable reading query %s: %s", id, e.getMessage());
            return error(503, "Athena is unreachable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    private ApiReply page(String id, String token, ObjectNode out) {
        long offset = 0;
        String athenaToken = null;
        if (token != null && !token.isBlank()) {
            String decoded;
            try {
                decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("nextToken is not a token this API returned");
            }
            int colon = decoded.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("nextToken is not a token this API returned");
            }
            offset = Long.parseLong(decoded.substring(0, colon));
            athenaToken = decoded.substring(colon + 1);
        }
        long room = limits.maxRows() - offset;
        if (room <= 0) {
            out.putArray("columns");
            out.putArray("rows");
            out.put("truncated", true);
            return new ApiReply(200, out.toString());
        }
        boolean firstPage = athenaToken == null;
        // the first page of a SELECT starts with a header row: ask for one more
        int ask = (int) Math.min(limits.pageSize(), room) + (firstPage ? 1 : 0);
        String t = athenaToken;
        GetQueryResultsResponse r = athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(ask).nextToken(t));
        List<ColumnInfo> info = r.resultSet().resultSetMetadata().columnInfo();
        ArrayNode columns = out.putArray("columns");
        List<String> names = new ArrayList<>();
        for (ColumnInfo c : info) {
            names.add(c.label() != null ? c.label() : c.name());
            columns.addObject().put("name", names.get(names.size() - 1)).put("type", c.type());
        }
        ArrayNode rows = out.putArray("rows");
        long taken = 0;
        boolean first = firstPage;
        for (Row row : r.resultSet().rows()) {
            List<String> values = new ArrayList<>(row.data().size());
            for (Datum d : row.data()) {
                values.add(d.varCharValue());
            }
            if (first) {
                first = false;
                if (values.equals(names)) {
                    continue;
                }
            }
            if (taken == room) {
                break;
            }
            ArrayNode a = rows.addArray();
            values.forEach(a::add);
            taken++;
        }
        long seen = offset + taken;
        boolean more = r.nextToken() != null;
        if (more && seen < limits.maxRows()) {
            out.put("nextToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((seen + ":" + r.nextToken()).getBytes(StandardCharsets.UTF_8)));
        }
        out.put("truncated", more && seen >= limits.maxRows());
        return new ApiReply(200, out.toString());
    }

    private boolean authorised(String key) {
        return apiKey.matches(key);
    }

    private ApiReply athenaError(AthenaException e, String doing) {
        String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        int status = e.statusCode() >= 400 && e.statusCode() < 500 ? (e.statusCode() == 429 ? 429 : 400) : 502;
        LOG.infof("Athena refused %s: %s", doing, message);
        return error(status, "Athena: " + message);
    }

    private ApiReply error(int status, String message) {
        return new ApiReply(status, json.createObjectNode().put("error", message).toString());
    }
}
