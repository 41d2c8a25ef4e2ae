package io.tributary.local;


import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Benchmark (glue/bench-iceberg.sh, not a test): the hourly rollup SQL as the Athena stand-in runs it (Trino parse,
 * translation, DuckDB), over the Hive-layout curated directory and over the Iceberg table's current snapshot.
 * Arguments: {@code <hive curated dir> <iceberg table dir> <arrival hour> [repeats]}. Prints one line per layout.
 */
public final class RollupBench {

    private RollupBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--files")) {
            Path table = Path.of(args[1]);
            Map<String, long[]> parts = new java.util.TreeMap<>();
            for (LocalIceberg.PlannedFile f : LocalIceberg.plan(table.getRoot(), table).files()) {
                long[] v = parts.computeIfAbsent(f.path().getParent().getFileName().toString(), k -> new long[2]);
                v[0]++;
                v[1] += Files.size(f.path());
            }
            long files = 0;
            long bytes = 0;
            for (Map.Entry<String, long[]> e : parts.entrySet()) {
                System.out.printf("  %-40s %3d files %12d bytes%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
                files += e.getValue()[0];
                bytes += e.getValue()[1];
            }
            System.out.printf("  total %d files, %d bytes%n", files, bytes);
            return;
        }
        Path hive = Path.of(args[0]);
        Path iceberg = Path.of(args[1]);
        String hour = args[2];
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String sql = new String(RollupBench.class.getClassLoader().getResourceAsStream("sql/athena/hourly_rollup.sql").readAllBytes())
                .replace("${arrival_hour}", hour);
        JsonNode contract = AthenaStandIn.contract();
        List<String> columns = new ArrayList<>();
        contract.path("curated").path("columns").forEach(c -> columns.add(c.path("name").asText()));
        contract.path("curated").path("partition_keys").forEach(c -> columns.add(c.path("name").asText()));
        String translated = AthenaDialect.translate(sql, Map.of("events", columns));

        String hiveView = "SELECT * FROM read_parquet('" + hive.toAbsolutePath() + "/**/*.parquet', hive_partitioning = true, "
                + "hive_types = {'event_date': VARCHAR, 'event_hour': INTEGER, 'arrival_hour': VARCHAR})";
        long planStart = System.nanoTime();
        LocalIceberg.Snapshot snapshot = LocalIceberg.plan(iceberg.getRoot(), iceberg);
        long planMs = (System.nanoTime() - planStart) / 1_000_000;
        String icebergView = "SELECT * FROM read_parquet(["
                + LocalIceberg.sqlFileList(snapshot.files().stream().map(LocalIceberg.PlannedFile::path).toList()) + "])";
        run("hive", hiveView, translated, repeats, 0);
        run("iceberg", icebergView, translated, repeats, planMs);
    }

    static void run(String layout, String view, String translated, int repeats, long planMs) throws Exception {
        try (Connection c = AthenaStandIn.duckdb(); Statement s = c.createStatement()) {
            for (AthenaDialect.Macro m : AthenaDialect.MACROS) {
                s.execute(m.ddl());
            }
            s.execute("CREATE SCHEMA bench");
            for (AthenaDialect.Setting setting : AthenaDialect.SESSION) {
                s.execute(String.format(setting.sql(), "bench"));
            }
            s.execute("CREATE VIEW bench.events AS " + view);
            List<Long> times = new ArrayList<>();
            long rows = 0;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                rows = 0;
                try (ResultSet r = s.executeQuery(translated)) {
                    while (r.next()) {
                        rows++;
                    }
                }
                times.add((System.nanoTime() - t0) / 1_000_000);
            }
            System.out.printf("rollup on the stand-in, %s: %d rows, query ms per run %s%s%n", layout, rows, times,
                    planMs > 0 ? " (+ " + planMs + " ms planning the snapshot)" : "");
        }
    }

}
