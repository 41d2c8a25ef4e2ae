#!/usr/bin/env bash
# Benchmark (not part of the tests or CI): one generated raw hour of EVENTS lines (default 1,000,000) through the job in
# local[2], the same input four ways: the Hive layout of before (--curated_format hive), the Iceberg table with MERGE
# (the default) first run and re-run, and the Iceberg table with overwrite-by-filter first run and re-run. Prints job
# time, peak RSS, curated bytes and files per event hour for each, then the hourly rollup's query time on the Athena
# stand-in's engine (Trino parse, translation, DuckDB) over the Hive directory and over the Iceberg snapshot.
# Run from the repository root: glue/bench-iceberg.sh   (needs the application's test classes: ./mvnw test-compile)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
events="${EVENTS:-1000000}"
heap="${HEAP:-2g}"
# extra JVM options for every job run alike, e.g. JOB_JVM_OPTS=-XX:-TieredCompilation (see docs/iceberg.md: C1 crashes)
jvm_opts="${JOB_JVM_OPTS:-}"
hour=2024-01-15-10

"$root/mvnw" -B -q -o -f "$here/pom.xml" package -DskipTests >&2
"$root/mvnw" -B -q -o -f "$root/pom.xml" test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$root/target/test-classpath.txt" >&2
cp="$here/target/tributary-glue-job.jar:$(cat "$here/target/classpath.txt")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

java -Xmx1g -cp "$here/target/test-classes:$cp" io.tributary.glue.BenchRawHour "$work/raw" "$hour" "$events"
raw_bytes=$(find "$work/raw" -type f -name '*.json.gz' -printf '%s\n' | awk '{s+=$1} END {print s}')
export SPARK_LOCAL_IP=127.0.0.1

# run NAME CURATED_DIR extra job arguments...
run() {
  local name="$1" curated="$2"; shift 2
  /usr/bin/time -v -o "$work/$name.time" java "-Xmx$heap" $jvm_opts $(cat "$here/target/spark-jvm-options.txt") -cp "$cp" \
    io.tributary.glue.CuratedJob --raw_path "$work/raw" --arrival_hour "$hour" --curated_path "$curated" \
    --errors_path "$work/errors-$name" --summary_path "$work/$name.json" --spark_master 'local[2]' "$@" > "$work/$name.out"
  local job_ms write_ms peak_kb cpu_s
  cpu_s=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.0f", s}' "$work/$name.time")
  job_ms=$(sed -n 's/.*"duration_ms":\([0-9]*\).*/\1/p' "$work/$name.out" | tail -1)
  write_ms=$(sed -n 's/.*"write_curated":\([0-9]*\).*/\1/p' "$work/$name.out" | tail -1)
  peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
  printf '%-24s job %6.1f s (write_curated %6.1f s)  CPU %4s s  peak RSS %5d MB  load %s\n' "$name" \
    "$(awk -v m="$job_ms" 'BEGIN {print m / 1000}')" "$(awk -v m="${write_ms:-0}" 'BEGIN {print m / 1000}')" "$cpu_s" \
    "$((peak_kb / 1024))" "$(cut -d' ' -f1 /proc/loadavg)"
}

# files and bytes of the data a reader reads: Hive = every Parquet file; Iceberg = the current snapshot's files
layout() {
  local name="$1" dir="$2"
  echo "--- $name: Parquet data files per event-hour partition and bytes ---"
  find "$dir" -name '*.parquet' -printf '%h %s\n' | sed "s|$dir/||" | \
    awk '{n[$1]++; b[$1]+=$2; t+=$2; f++} END {for (k in n) printf "  %-60s %3d files %12d bytes\n", k, n[k], b[k]; printf "  total %d files, %d bytes\n", f, t}' | sort
}

echo "--- bench: $events raw lines ($raw_bytes bytes gzip), local[2], -Xmx$heap $jvm_opts ---"
run hive                    "$work/hive/curated/events" --curated_format hive
run iceberg-merge-first     "$work/merge/curated/events"
run iceberg-merge-rerun     "$work/merge/curated/events"
run iceberg-overwrite-first "$work/overwrite/curated/events" --write_mode overwrite
run iceberg-overwrite-rerun "$work/overwrite/curated/events" --write_mode overwrite
layout hive "$work/hive/curated/events"
# after the re-run the replaced files stay on disk until snapshot expiry: count the first run's layout from a copy
find "$work/merge/curated/events/metadata" -type f -printf '%s\n' | awk '{s+=$1} END {printf "iceberg metadata (after 2 runs): %d bytes\n", s}'
java -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/test-classpath.txt")" io.tributary.local.RollupBench \
  "$work/hive/curated/events" "$work/merge/curated/events" "$hour" 3
echo "--- Iceberg current snapshot (merge table after its re-run): data files per partition ---"
java -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/test-classpath.txt")" io.tributary.local.RollupBench \
  --files "$work/merge/curated/events"
