# Glue Data Catalog for the lake. Columns and partition keys come from the project's table contract
# (src/main/resources/contract/events.contract.json), so the catalog, the application and the Glue job cannot drift.
# The raw table uses partition projection (no crawler, no MSCK REPAIR); the curated zone is an Iceberg table (below).

locals {
  contract = jsondecode(file(var.contract_path))

  raw_location     = "s3://${var.raw_bucket}/${var.raw_prefix}"
  curated_location = "s3://${var.curated_bucket}/${var.curated_prefix}"
  curated_table    = local.contract.table
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

resource "aws_glue_catalog_database" "this" {
  name        = var.database_name
  description = "Tributary data lake: raw (arrival-time JSON) and curated (event-time Parquet) events."
  tags        = var.tags
}

resource "aws_glue_catalog_table" "raw" {
  database_name = aws_glue_catalog_database.this.name
  name          = "${local.contract.table}_raw"
  description   = local.contract.raw.description
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL                      = "TRUE"
    classification                = "json"
    compressionType               = "gzip"
    "projection.enabled"          = "true"
    "projection.dt.type"          = "date"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.range"         = "${var.projection_start_date},NOW"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "projection.hour.type"        = "integer"
    "projection.hour.range"       = "0,23"
    "projection.hour.digits"      = "2"
    "storage.location.template"   = "${local.raw_location}dt=$${dt}/hour=$${hour}/"
    "tributary.contract.version"  = tostring(local.contract.version)
  }

  dynamic "partition_keys" {
    for_each = local.contract.raw.partition_keys
    content {
      name    = partition_keys.value.name
      type    = partition_keys.value.type
      comment = lookup(partition_keys.value, "comment", null)
    }
  }

  storage_descriptor {
    location      = local.raw_location
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    compressed    = true

    ser_de_info {
      name                  = "json"
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "ignore.malformed.json" = "true"
        "case.insensitive"      = "false"
      }
    }

    dynamic "columns" {
      for_each = local.contract.raw.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = lookup(columns.value, "comment", null)
      }
    }
  }
}

# The curated table is an Apache Iceberg table that the Glue job creates in this database on its first run (CREATE TABLE
# IF NOT EXISTS from the same contract, partitioned by hours(event_time)) and evolves (a contract column the table lacks is
# added as an optional column). Terraform does not declare it: every Iceberg commit rewrites the table's
# metadata_location parameter, which a Terraform-managed table would revert or fight on the next apply, and the Glue API
# cannot create an Iceberg table with a partition spec. No partition projection: Athena plans Iceberg tables from their
# metadata. Its name and ARN are outputs, for IAM and the job's --curated_table.
