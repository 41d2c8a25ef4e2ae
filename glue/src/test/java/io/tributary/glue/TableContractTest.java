package io.tributary.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The job's schemas come from the table contract packaged into the jar. */
class TableContractTest {

    final TableContract contract = TableContract.load();

    @Test
    void rawSchemaHasEveryContractColumnWithItsTypeAndTheCorruptRecordColumn() {
        StructType schema = contract.rawSchema("_corrupt_record");
        assertEquals(contract.rawColumns().size() + 1, schema.fields().length);
        assertEquals(DataTypes.StringType, schema.apply("event_time").dataType(), "raw timestamps are strings");
        assertEquals(DataTypes.IntegerType, schema.apply("event_hour").dataType());
        assertEquals(DataTypes.StringType, schema.apply("_corrupt_record").dataType());
    }

    @Test
    void requiredColumnsAreThoseTheContractMarksRequired() {
        assertEquals(List.of("event_id", "event_type", "user_id", "timestamp", "event_time", "ingest_time", "event_date",
                "event_hour", "shard_id", "sequence_number"),
                contract.requiredRawColumns().stream().map(TableContract.Column::name).toList());
    }

    @Test
    void curatedColumnsTypeTimesAsTimestampsAndPartitionByEventTimeThenArrivalHour() {
        TableContract.Column eventTime = contract.curatedColumns().stream().filter(c -> c.name().equals("event_time"))
                .findFirst().orElseThrow();
        assertEquals(DataTypes.TimestampType, eventTime.sparkType());
        assertEquals(List.of("event_date", "event_hour", "arrival_hour"),
                contract.curatedPartitionKeys().stream().map(TableContract.Column::name).toList());
    }

    @Test
    void unknownColumnTypeIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new TableContract.Column("x", "decimal(10,2)", false).sparkType());
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }
}
