package io.tributary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CuratedZone} reads the curated table's current snapshot only, and refuses one with delete files. */
class CuratedZoneTest {

    static final Instant T = Instant.parse("2025-12-01T10:15:00Z");

    @TempDir
    Path basedir;

    static List<CuratedWriter.Row> rows(String prefix, int n) {
        List<CuratedWriter.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new CuratedWriter.Row(prefix + "-" + i, "click", "u" + i, T.plusSeconds(i), T.plusSeconds(i + 60), null,
                    "c", "s" + i, "mobile", "DE"));
        }
        return rows;
    }

    CuratedZone zone() {
        return new CuratedZone(null, basedir, "raw", "curated");
    }

    /** Writes {@code n} rows (ids {@code prefix-i}) to the zone's table in one commit and returns the table. */
    Table written(CuratedZone zone, String prefix, int n) throws Exception {
        CuratedWriter.write(zone.tableDir(), rows(prefix, n));
        return LocalIceberg.writable(basedir, "file://" + zone.tableDir().toAbsolutePath());
    }

    @Test
    void aDataFileALaterCommitReplacedIsOnDiskButNotRead() throws Exception {
        CuratedZone zone = zone();
        Table table = written(zone, "first", 3);
        table.newDelete().deleteFile(table.newScan().planFiles().iterator().next().file()).commit(); // as a MERGE replaces a file
        CuratedWriter.write(zone.tableDir(), rows("second", 2));

        try (Stream<Path> files = Files.walk(zone.tableDir())) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".parquet")).count(), "both files on disk");
        }
        assertEquals(1, zone.liveFiles().size());
        assertEquals(List.of("second-0", "second-1"), zone.eventIds().stream().sorted().toList());
        assertEquals(List.of("2025-12-01-10"), zone.rows().stream().map(CuratedZone.Row::arrivalHour).distinct().toList());
    }

    @Test
    void aSnapshotWithDeleteFilesIsRefusedNotMisread() throws Exception {
        CuratedZone zone = zone();
        Table table = written(zone, "ev", 3);
        DataFile data = table.newScan().planFiles().iterator().next().file();
        // a merge-on-read writer (not the job) would add positional deletes like this one
        table.newRowDelta().addDeletes(FileMetadata.deleteFileBuilder(table.spec()).ofPositionDeletes()
                .withPath(table.location() + "/data/deletes-1.parquet").withFileSizeInBytes(100).withRecordCount(1)
                .withPartition(data.partition()).withFormat(FileFormat.PARQUET).build()).commit();
        AssertionError e = assertThrows(AssertionError.class, zone::eventIds);
        assertTrue(e.getMessage().contains("1 delete files"), e.getMessage());
    }
}
