package io.tributary.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.LocationProviders;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The curated Iceberg table as the stand-ins see it, through Iceberg's own library: the Glue job's local catalog is a
 * HadoopCatalog, so a table is {@code <location>/metadata/v<N>.metadata.json} with {@code version-hint.text} naming N, and
 * its {@code s3://} / {@code s3a://} locations are files under the S3 stand-in's base directory ({@code basedir/bucket/key}).
 * Readers load the current snapshot and plan its files; test fixtures create tables and append Parquet files with the same
 * layout and commit protocol (write the next version beside, then an atomic rename, then the hint).
 */
public final class LocalIceberg {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH");

    private LocalIceberg() {
    }

    /** One planned data file of the current snapshot: its local path and how many delete files apply to it. */
    public record PlannedFile(Path path, long records, int deletes) {
    }

    /** What a reader of the current snapshot sees: the snapshot id (empty for a table without one), the schema and files. */
    public record Snapshot(Optional<Long> snapshotId, Schema schema, List<PlannedFile> files) {
    }

    /** A FileIO over the S3 stand-in's directory: {@code s3[a]://bucket/key} is {@code basedir/bucket/key}. */
    public static final class StandInFileIO implements FileIO {
        private final Path basedir;

        public StandInFileIO(Path basedir) {
            this.basedir = basedir;
        }

        Path local(String location) {
            int sep = location.indexOf("://");
            if (sep > 0 && location.substring(0, sep).matches("s3[an]?")) {
                return basedir.resolve(location.substring(sep + 3));
            }
            if (location.startsWith("file:")) {
                return Path.of(java.net.URI.create(location));
            }
            return Path.of(location);
        }

        @Override
        public InputFile newInputFile(String path) {
            return new Located(org.apache.iceberg.Files.localInput(local(path).toFile()), path);
        }

        @Override
        public OutputFile newOutputFile(String path) {
            File f = local(path).toFile();
            f.getParentFile().mkdirs();
            return org.apache.iceberg.Files.localOutput(f);
        }

        @Override
        public void deleteFile(String path) {
            try {
                Files.deleteIfExists(local(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A local input file that keeps the location it was asked for (Iceberg compares locations it wrote). */
    private record Located(InputFile file, String location) implements InputFile {
        @Override
        public long getLength() {
            return file.getLength();
        }

        @Override
        public org.apache.iceberg.io.SeekableInputStream newStream() {
            return file.newStream();
        }

        @Override
        public boolean exists() {
            return file.exists();
        }
    }

    /** The table's directory holds an Iceberg table (a metadata version hint or a first version). */
    public static boolean exists(Path tableDir) {
        return Files.exists(tableDir.resolve("metadata/version-hint.text")) || Files.exists(tableDir.resolve("metadata/v1.metadata.json"));
    }

    /**
     * The latest committed version, as HadoopTableOperations finds it: the hint, then any later version already renamed
     * into place (a writer killed between the rename and the hint has still committed).
     */
    static int currentVersion(Path tableDir) {
        Path metadata = tableDir.resolve("metadata");
        int version = 0;
        Path hint = metadata.resolve("version-hint.text");
        try {
            if (Files.exists(hint)) {
                version = Integer.parseInt(Files.readString(hint).trim());
            }
        } catch (IOException | NumberFormatException e) {
            version = 0; // a torn hint: probe from the start, as Iceberg does
        }
        while (Files.exists(metadata.resolve("v" + (version + 1) + ".metadata.json"))) {
            version++;
        }
        return version;
    }

    /** The table at {@code tableDir} (whose metadata names {@code s3://} locations under {@code basedir}), current version. */
    public static Table load(Path basedir, Path tableDir) {
        int version = currentVersion(tableDir);
        if (version == 0) {
            throw new IllegalStateException("no Iceberg table at " + tableDir + " (no metadata/v<N>.metadata.json)");
        }
        StandInFileIO io = new StandInFileIO(basedir);
        String metadata = tableDir.resolve("metadata/v" + version + ".metadata.json").toString();
        return new BaseTable(new StaticTableOperations(metadata, io), tableDir.getFileName().toString());
    }

    /** Files as the list of a DuckDB {@code read_parquet([...])}: absolute paths, quoted, comma-separated. */
    public static String sqlFileList(List<Path> files) {
        return files.stream().map(f -> "'" + f.toAbsolutePath().toString().replace("'", "''") + "'")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Plans the current snapshot's files, as Athena does before it reads them. */
    public static Snapshot plan(Path basedir, Path tableDir) {
        Table table = load(basedir, tableDir);
        if (table.currentSnapshot() == null) {
            return new Snapshot(Optional.empty(), table.schema(), List.of());
        }
        StandInFileIO io = new StandInFileIO(basedir);
        List<PlannedFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask t : tasks) {
                files.add(new PlannedFile(io.local(t.file().path().toString()), t.file().recordCount(), t.deletes().size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Snapshot(Optional.of(table.currentSnapshot().snapshotId()), table.schema(), files);
    }

    // --- fixtures: create a table and append files the way the Glue job's catalog commits ---

    /** The curated table's schema as the Glue job creates it from the contract: curated columns, then the former partition keys. */
    public static Schema contractSchema(JsonNode contract) {
        List<Types.NestedField> fields = new ArrayList<>();
        int id = 1;
        JsonNode curated = contract.path("curated");
        for (JsonNode c : curated.path("columns")) {
            fields.add(Types.NestedField.optional(id++, c.path("name").asText(), icebergType(c.path("type").asText())));
        }
        for (JsonNode k : curated.path("partition_keys")) {
            fields.add(Types.NestedField.optional(id++, k.path("name").asText(), icebergType(k.path("type").asText())));
        }
        return new Schema(fields);
    }

    static Type icebergType(String contractType) {
        return switch (contractType) {
            case "string" -> Types.StringType.get();
            case "int" -> Types.IntegerType.get();
            case "bigint", "long" -> Types.LongType.get();
            case "double" -> Types.DoubleType.get();
            case "boolean" -> Types.BooleanType.get();
            case "timestamp" -> Types.TimestampType.withZone();
            case "date" -> Types.DateType.get();
            default -> throw new IllegalArgumentException("table contract type '" + contractType + "' has no Iceberg mapping");
        };
    }

    /** The job's partition spec: hours(event_time). */
    public static PartitionSpec spec(Schema schema) {
        return PartitionSpec.builderFor(schema).hour("event_time").build();
    }

    /** Creates the table at {@code location} (an s3:// location under basedir) unless it exists; returns it. */
    public static Table createIfAbsent(Path basedir, String location, Schema schema) {
        StandInFileIO io = new StandInFileIO(basedir);
        Path tableDir = io.local(location);
        if (currentVersion(tableDir) == 0) {
            TableMetadata metadata = TableMetadata.newTableMetadata(schema, spec(schema), SortOrder.unsorted(), location,
                    Map.of("format-version", "2", "write.parquet.compression-codec", "snappy",
                            "write.delete.mode", "copy-on-write", "write.update.mode", "copy-on-write", "write.merge.mode", "copy-on-write"));
            new Ops(io, tableDir, location).commit(null, metadata);
        }
        return writable(basedir, location);
    }

    /** The table at {@code location} with a committing TableOperations (for fixtures and the snapshot tests). */
    public static Table writable(Path basedir, String location) {
        StandInFileIO io = new StandInFileIO(basedir);
        return new BaseTable(new Ops(io, io.local(location), location), location);
    }

    /**
     * Appends Parquet files that hold rows of one event hour each (the table's partition); {@code files} are local
     * paths under the table's {@code data/} directory, registered by their s3 location.
     */
    public static void appendHourFiles(Table table, Path tableDir, Map<Path, Instant> fileHours, Map<Path, Long> records) {
        AppendFiles append = table.newAppend();
        for (Map.Entry<Path, Instant> f : fileHours.entrySet()) {
            String rel = tableDir.relativize(f.getKey()).toString().replace(File.separatorChar, '/');
            int hours = (int) ChronoUnit.HOURS.between(Instant.EPOCH, f.getValue().truncatedTo(ChronoUnit.HOURS));
            try {
                DataFile file = DataFiles.builder(table.spec())
                        .withPath(table.location() + "/" + rel)
                        .withFormat(FileFormat.PARQUET)
                        .withFileSizeInBytes(Files.size(f.getKey()))
                        .withRecordCount(records.get(f.getKey()))
                        .withPartition(new HourPartition(hours))
                        .build();
                append.appendFile(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        append.commit();
    }

    /** The directory name of an event hour's partition, as Spark's Iceberg writer names it. */
    public static String partitionDir(Instant eventTime) {
        return "event_time_hour=" + HOUR.format(LocalDateTime.ofInstant(eventTime, ZoneOffset.UTC));
    }

    private record HourPartition(int hours) implements StructLike {
        @Override
        public int size() {
            return 1;
        }

        @Override
        public <T> T get(int pos, Class<T> javaClass) {
            return javaClass.cast(hours);
        }

        @Override
        public <T> void set(int pos, T value) {
            throw new UnsupportedOperationException("read-only partition value");
        }
    }

    /** HadoopTableOperations' protocol on local files: v<N+1>.metadata.json by an atomic rename, then version-hint.text. */
    static final class Ops implements TableOperations {
        private final StandInFileIO io;
        private final Path tableDir;
        private final String location;
        private TableMetadata current;

        Ops(StandInFileIO io, Path tableDir, String location) {
            this.io = io;
            this.tableDir = tableDir;
            this.location = location;
        }

        @Override
        public TableMetadata current() {
            return current != null ? current : refresh();
        }

        @Override
        public TableMetadata refresh() {
            int v = currentVersion(tableDir);
            current = v == 0 ? null
                    : TableMetadataParser.read(io, io.newInputFile(tableDir.resolve("metadata/v" + v + ".metadata.json").toString()));
            return current;
        }

        @Override
        public void commit(TableMetadata base, TableMetadata metadata) {
            int version = currentVersion(tableDir);
            if (base != null && current != null && base != current) {
                throw new CommitFailedException("Cannot commit: stale table metadata");
            }
            Path dir = tableDir.resolve("metadata");
            Path next = dir.resolve("v" + (version + 1) + ".metadata.json");
            Path temp = dir.resolve(UUID.randomUUID() + ".metadata.json");
            try {
                Files.createDirectories(dir);
                TableMetadataParser.write(metadata, org.apache.iceberg.Files.localOutput(temp.toFile()));
                if (Files.exists(next)) {
                    Files.delete(temp);
                    throw new CommitFailedException("Version %d already exists: %s", version + 1, next);
                }
                Files.move(temp, next, StandardCopyOption.ATOMIC_MOVE);
                Path hintTemp = dir.resolve(UUID.randomUUID() + "-version-hint.temp");
                Files.writeString(hintTemp, String.valueOf(version + 1), StandardCharsets.UTF_8);
                Files.move(hintTemp, dir.resolve("version-hint.text"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            current = TableMetadataParser.read(io, io.newInputFile(next.toString()));
        }

        @Override
        public FileIO io() {
            return io;
        }

        @Override
        public String metadataFileLocation(String fileName) {
            return location + "/metadata/" + fileName;
        }

        @Override
        public LocationProvider locationProvider() {
            return LocationProviders.locationsFor(location, current().properties());
        }
    }

    /**
     * Writes a DuckDB relation (the curated columns, {@code event_time} among them) into the Iceberg table at
     * {@code tableDir} as one snappy Parquet file per event hour under {@code data/event_time_hour=...}, and commits them
     * in one append (the table is created from the contract first when absent). The table's location is the directory's
     * {@code file:} URI; the stand-ins read it like an {@code s3://} one.
     */
    public static void appendFromDuckDb(java.sql.Connection c, String relation, Path tableDir, JsonNode contract)
            throws java.sql.SQLException {
        String location = "file://" + tableDir.toAbsolutePath();
        Table table = createIfAbsent(tableDir.getRoot(), location, contractSchema(contract));
        Path data = tableDir.resolve("data");
        List<Path> before = parquetFiles(data);
        String columns = String.join(", ", table.schema().columns().stream().map(f -> "\"" + f.name() + "\"").toList());
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("COPY (SELECT " + columns + ", strftime(event_time, '%Y-%m-%d-%H') AS event_time_hour FROM " + relation
                    + ") TO '" + data.toAbsolutePath().toString().replace("'", "''") + "' (FORMAT PARQUET, COMPRESSION SNAPPY, "
                    + "PARTITION_BY (event_time_hour), OVERWRITE_OR_IGNORE true, FILENAME_PATTERN 'part-{uuid}')");
            Map<Path, Instant> hours = new java.util.LinkedHashMap<>();
            Map<Path, Long> records = new java.util.HashMap<>();
            for (Path f : parquetFiles(data)) {
                if (before.contains(f)) {
                    continue;
                }
                String dirName = f.getParent().getFileName().toString();
                String hour = dirName.substring(dirName.indexOf('=') + 1);
                hours.put(f, LocalDateTime.parse(hour + ":00", DateTimeFormatter.ofPattern("yyyy-MM-dd-HH:mm")).toInstant(ZoneOffset.UTC));
                try (java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM read_parquet('"
                        + f.toAbsolutePath().toString().replace("'", "''") + "')")) {
                    r.next();
                    records.put(f, r.getLong(1));
                }
            }
            if (!hours.isEmpty()) {
                appendHourFiles(table, tableDir, hours, records);
            }
        }
    }

    /** Parquet files below a directory (for fixtures that just wrote some). */
    static List<Path> parquetFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
