// The AWS Glue 5.0 job script (Scala). Glue compiles it at run time; Maven does not (no Glue libraries here).
// The work is done by io.tributary.glue.CuratedJob in tributary-glue-job.jar, passed with --extra-jars.
// Job parameters: see glue/README.md.

import com.amazonaws.services.glue.GlueContext
import com.amazonaws.services.glue.util.{GlueArgParser, Job}
import org.apache.spark.SparkContext

import scala.collection.JavaConverters._

object GlueEntry {

  private val Required = Array("JOB_NAME", "raw_path", "arrival_hour", "curated_path", "errors_path", "summary_path")
  private val Optional = Seq("log_level", "max_records_per_file", "curated_format", "iceberg_catalog", "curated_table", "write_mode", "maintenance", "retain_last", "snapshot_retention_hours", "orphan_retention_hours")

  def main(sysArgs: Array[String]): Unit = {
    // A maintenance run (--maintenance compact|expire|all, the scheduled trigger) needs only the table and a summary path.
    val maintenance = valueOf(sysArgs, "maintenance").exists(_ != "none")
    val args = GlueArgParser.getResolvedOptions(sysArgs,
      if (maintenance) Array("JOB_NAME", "curated_path", "summary_path") else Required)
    val glueContext = new GlueContext(new SparkContext())
    Job.init(args("JOB_NAME"), glueContext, args.asJava)

    // getResolvedOptions only returns the names it is given and fails on absent ones: pass optional ones through by hand.
    val optional = Optional.flatMap(key => valueOf(sysArgs, key).map(key -> _))
    // On Glue, s3:// is EMRFS: paths stay as they are.
    val jobArgs = args ++ optional + ("path_scheme_map" -> "none")

    io.tributary.glue.CuratedJob.run(glueContext.getSparkSession, jobArgs.asJava)
    Job.commit()
  }

  private def valueOf(sysArgs: Array[String], key: String): Option[String] = {
    val i = sysArgs.indexOf("--" + key)
    if (i >= 0 && i + 1 < sysArgs.length && !sysArgs(i + 1).startsWith("--")) Some(sysArgs(i + 1)) else None
  }
}
