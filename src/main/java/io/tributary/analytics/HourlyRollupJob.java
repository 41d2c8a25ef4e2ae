package io.tributary.analytics;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.warehouse.RedshiftWarehouse;
import io.tributary.warehouse.SqlScript;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;

/**
 * The steps of the hourly-rollup route: render the rollup SQL for an arrival hour, check the Athena run, read every
 * result page and MERGE each event hour into Redshift. Keyed by event hour (see sql/athena/hourly_rollup.sql).
 */
@Singleton
@Named("hourlyRollup")
public class HourlyRollupJob {

    private static final Logger LOG = Logger.getLogger(HourlyRollupJob.class);
    /** Exchange property holding the {@link ArrivalHour} being rolled up. */
    public static final String ARRIVAL_HOUR = "tributaryArrivalHour";
    static final String SQL = "sql/athena/hourly_rollup.sql";
    private static final String QUERY_ID = "CamelAwsAthenaQueryExecutionId";
    private static final String QUERY_STATE = "CamelAwsAthenaQueryExecutionState";

    private final RedshiftWarehouse warehouse;
    private final String template = SqlScript.resource(SQL);
    private final Counter hoursMerged;
    private final Counter rollups;

    public HourlyRollupJob(RedshiftWarehouse warehouse, MeterRegistry registry) {
        this.warehouse = warehouse;
        this.rollups = Counter.builder("tributary.rollup.runs").description("Arrival hours rolled up into Redshift").register(registry);
        this.hoursMerged = Counter.builder("tributary.rollup.event.hours").description("Event hours merged by rollups").register(registry);
    }

    /** The arrival hour from the body, or from the ArrivalHour header when the body is empty. */
    public ArrivalHour arrivalHour(@Body Object body, @Header("ArrivalHour") Object header) {
        if (body instanceof io.tributary.sealing.CuratedHour curated) {
            return ArrivalHour.of(curated.getHour());
        }
        return ArrivalHour.of(body == null || body.toString().isBlank() ? header : body);
    }

    /** The rollup SQL for one arrival hour (its only substitution is the validated partition value). */
    public String sql(@ExchangeProperty(ARRIVAL_HOUR) ArrivalHour hour) {
        return render(hour);
    }

    String render(ArrivalHour hour) {
        return template.replace("${arrival_hour}", hour.partition());
    }

    /** Fails the exchange with Athena's reason unless the query succeeded (waitTimeout expired leaves it running). */
    public void checkSucceeded(@Header(QUERY_ID) String id, @Header(QUERY_STATE) Object state, @Body GetQueryExecutionResponse response,
                               @ExchangeProperty(ARRIVAL_HOUR) ArrivalHour hour) {
        if (state == QueryExecutionState.SUCCEEDED || "SUCCEEDED".equals(String.valueOf(state))) {
            return;
        }
        String reason = response == null ? null : response.queryExecution().status().stateChangeReason();
        throw new RollupFailedException("hourly rollup of arrival hour " + hour + " (Athena query " + id + ") ended "
                + (state == null ? "without a state" : state) + (reason == null ? "" : ": " + reason)
                + (state == QueryExecutionState.RUNNING || state == QueryExecutionState.QUEUED
                        ? " (still running after tributary.rollup.wait-timeout-ms)" : ""));
    }

    /** Reads every page of the results (the iterable follows NextToken) and MERGEs each event hour into Redshift. */
    public String load(@Body Iterable<GetQueryResultsResponse> pages, @Header(QUERY_ID) String queryId,
                       @ExchangeProperty(ARRIVAL_HOUR) ArrivalHour hour) throws SQLException {
        RollupRows rows = collect(pages);
        for (RollupRows.Hour h : rows.hours()) {
            warehouse.mergeHour(h.start(), h.rollup(), h.top(), h.minutes(), true, queryId);
            hoursMerged.increment();
        }
        rollups.increment();
        String summary = "arrival hour " + hour + ": " + rows.hours().size() + " event hour(s) "
                + rows.hours().stream().map(h -> h.start().toString()).toList() + ", " + rows.rows() + " rollup rows (Athena " + queryId + ")";
        LOG.infof("Hourly rollup merged %s", summary);
        return summary;
    }

    static RollupRows collect(Iterable<GetQueryResultsResponse> pages) {
        RollupRows rows = new RollupRows();
        List<String> columns = null;
        boolean first = true;
        for (GetQueryResultsResponse page : pages) {
            if (columns == null) {
                columns = page.resultSet().resultSetMetadata().columnInfo().stream().map(c -> c.label() != null ? c.label() : c.name()).toList();
            }
            for (Row r : page.resultSet().rows()) {
                List<String> values = new ArrayList<>(r.data().size());
                for (Datum d : r.data()) {
                    values.add(d.varCharValue());
                }
                // Athena's first row of a SELECT's first page repeats the column names
                if (first) {
                    first = false;
                    if (values.equals(columns)) {
                        continue;
                    }
                }
                rows.add(RollupRows.row(columns, values));
            }
        }
        return rows;
    }

    /** The rollup query did not succeed: Athena's reason, for the route's error handler and the caller. */
    public static class RollupFailedException extends RuntimeException {
        public RollupFailedException(String message) {
            super(message);
        }
    }
}
