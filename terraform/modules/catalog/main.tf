# Glue Data Catalog for the lake. Columns and partition keys come from the project's table contract
# (src/main/resources/contract/events.contract.json), so the catalog, the application and the Glue job cannot drift.
# Partition projection computes partitions from the path template: no crawler, no MSCK REPAIR, no partition API calls.

locals {
  contract = jsondecode(file(var.contract_path))

  raw_location     = "s3://${var.raw_bucket}/${var.raw_prefix}"
  curated_location = "s3://${var.curated_bucket}/${var.curated_prefix}"
}

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

resource "aws_glue_catalog_table" "curated" {
  database_name = aws_glue_catalog_database.this.name
  name          = local.contract.table
  description   = local.contract.curated.description
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL                              = "TRUE"
    classification                        = "parquet"
    "parquet.compression"                 = "SNAPPY"
    "projection.enabled"                  = "true"
    "projection.event_date.type"          = "date"
    "projection.event_date.format"        = "yyyy-MM-dd"
    "projection.event_date.range"         = "${var.projection_start_date},NOW+1DAYS"
    "projection.event_date.interval"      = "1"
    "projection.event_date.interval.unit" = "DAYS"
    "projection.event_hour.type"          = "integer"
    "projection.event_hour.range"         = "0,23"
    # arrival_hour is yyyy-MM-dd-HH: Athena projects it as an hourly date.
    "projection.arrival_hour.type"          = "date"
    "projection.arrival_hour.format"        = "yyyy-MM-dd-HH"
    "projection.arrival_hour.range"         = "${var.projection_start_date}-00,NOW"
    "projection.arrival_hour.interval"      = "1"
    "projection.arrival_hour.interval.unit" = "HOURS"
    "storage.location.template"             = "${local.curated_location}event_date=$${event_date}/event_hour=$${event_hour}/arrival_hour=$${arrival_hour}/"
    "tributary.contract.version"            = tostring(local.contract.version)
  }

  dynamic "partition_keys" {
    for_each = local.contract.curated.partition_keys
    content {
      name    = partition_keys.value.name
      type    = partition_keys.value.type
      comment = lookup(partition_keys.value, "comment", null)
    }
  }

  storage_descriptor {
    location      = local.curated_location
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    compressed    = true

    ser_de_info {
      name                  = "parquet"
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters = {
        "serialization.format" = "1"
      }
    }

    dynamic "columns" {
      for_each = local.contract.curated.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = lookup(columns.value, "comment", null)
      }
    }
  }
}
