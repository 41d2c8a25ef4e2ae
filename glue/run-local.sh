#!/usr/bin/env bash
# Runs the Glue job outside Glue: Spark in local mode in a plain JVM, exactly as a Glue stand-in would.
#   glue/run-local.sh --raw_path <uri> --arrival_hour yyyy-MM-dd-HH --curated_path <uri> --errors_path <uri> --summary_path <uri> [...]
# Builds the jar, target/classpath.txt (Spark and Hadoop jars) and target/spark-jvm-options.txt first if they are missing.
# JAVA_OPTS adds JVM options (default heap: -Xmx2g). Exit codes: 0 ok, 1 run failed, 2 bad arguments.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/target"
if [[ ! -f "$target/tributary-glue-job.jar" || ! -f "$target/classpath.txt" || ! -f "$target/spark-jvm-options.txt" ]]; then
  mvn -B -q -f "$here/pom.xml" package -DskipTests >&2
fi
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2046,SC2086
exec java ${JAVA_OPTS:--Xmx2g} $(cat "$target/spark-jvm-options.txt") \
  -cp "$target/tributary-glue-job.jar:$(cat "$target/classpath.txt")" \
  io.tributary.glue.CuratedJob "$@"
