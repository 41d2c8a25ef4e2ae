#!/usr/bin/env bash
# Benchmark (not part of the tests): EVENTS raw lines (default 1,000,000) of one raw hour through the job in local[2].
# Prints job time, peak RSS of the job's JVM and the curated/raw size ratio. HEAP sets -Xmx (default 2g).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
events="${EVENTS:-1000000}"
heap="${HEAP:-2g}"
hour=2024-01-15-10

mvn -B -q -f "$here/pom.xml" package -DskipTests >&2   # jar, classpath.txt, spark-jvm-options.txt, generator (test classes)
cp="$here/target/tributary-glue-job.jar:$(cat "$here/target/classpath.txt")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

java -Xmx1g -cp "$here/target/test-classes:$cp" io.tributary.glue.BenchRawHour "$work/raw" "$hour" "$events"

export SPARK_LOCAL_IP=127.0.0.1
run=(java "-Xmx$heap" $(cat "$here/target/spark-jvm-options.txt") -cp "$cp" io.tributary.glue.CuratedJob
     --raw_path "$work/raw" --arrival_hour "$hour" --curated_path "$work/curated" --errors_path "$work/errors"
     --summary_path "$work/summary.json" --spark_master 'local[2]')
start=$(date +%s.%N)
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -v -o "$work/time.txt" "${run[@]}" > "$work/stdout.txt"
  peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  cpu_s=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.1f", s}' "$work/time.txt")
else
  "${run[@]}" > "$work/stdout.txt" & pid=$!
  peak_kb=0
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    (( ${kb:-0} > peak_kb )) && peak_kb=$kb
    sleep 0.2
  done
  wait "$pid"
  cpu_s=n/a
fi
end=$(date +%s.%N)

raw_bytes=$(find "$work/raw" -type f -name '*.json.gz' -printf '%s\n' | awk '{s+=$1} END {print s}')
curated_bytes=$(find "$work/curated" -type f -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END {print s}')
ratio=$(awk -v c="$curated_bytes" -v r="$raw_bytes" 'BEGIN {printf "%.3f", c / r}')
job_ms=$(sed -n 's/.*"duration_ms":\([0-9]*\).*/\1/p' "$work/stdout.txt" | tail -1)

echo "--- summary ---"
cat "$work/summary.json"
echo "--- bench: $events raw lines, local[2], -Xmx$heap ---"
printf 'job time (run summary duration): %.1f s\n' "$(awk -v m="$job_ms" 'BEGIN {print m / 1000}')"
printf 'JVM wall time (start to exit):   %.1f s\n' "$(awk -v s="$start" -v e="$end" 'BEGIN {print e - s}')"
printf 'CPU time (user+sys):             %s s\n' "$cpu_s"
printf 'load average during the run:    %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'peak RSS:                        %d MB\n' "$((peak_kb / 1024))"
printf 'raw (gzip NDJSON):               %d bytes\n' "$raw_bytes"
printf 'curated (snappy Parquet):        %d bytes\n' "$curated_bytes"
printf 'curated/raw size ratio:          %s\n' "$ratio"
