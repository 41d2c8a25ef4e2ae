# The QuickSight side of the dashboard, generated from the same definition file the application's /dashboard page reads
# (src/main/resources/dashboard/definition.json): one data set per definition dataset (its custom SQL and columns,
# DIRECT_QUERY so QuickSight shows what Redshift holds now, like the page), and one analysis whose visuals are the
# definition's visuals. The dashboard is published from the analysis through a template, so the visuals are written
# once; the definition's hash is in both version descriptions, so any change to the file republishes the dashboard.

locals {
  data_sets = { for d in var.definition.datasets : d.id => d }

  # Physical and logical table ids allow only letters, digits and "-".
  table_ids = { for id in keys(local.data_sets) : id => replace(id, "_", "-") }

  column_types = { for d in var.definition.datasets : d.id => { for c in d.columns : c.name => c.type } }

  # Everything a visual needs, resolved here so the analysis below only copies fields: a DATETIME x is a date axis at
  # the dataset's granularity, any other x a category; y is summed; series colours the marks; split draws small multiples.
  visuals = [for v in var.definition.visuals : merge(v, {
    x_is_date   = local.column_types[v.dataset][v.x] == "DATETIME"
    granularity = lookup(var.date_granularity, v.dataset, "HOUR")
  })]

  definition_hash = substr(sha256(jsonencode(var.definition)), 0, 12)

  owner_data_set_actions = [
    "quicksight:CancelIngestion",
    "quicksight:CreateIngestion",
    "quicksight:DeleteDataSet",
    "quicksight:DescribeDataSet",
    "quicksight:DescribeDataSetPermissions",
    "quicksight:DescribeIngestion",
    "quicksight:ListIngestions",
    "quicksight:PassDataSet",
    "quicksight:UpdateDataSet",
    "quicksight:UpdateDataSetPermissions",
  ]
  owner_analysis_actions = [
    "quicksight:DeleteAnalysis",
    "quicksight:DescribeAnalysis",
    "quicksight:DescribeAnalysisPermissions",
    "quicksight:QueryAnalysis",
    "quicksight:RestoreAnalysis",
    "quicksight:UpdateAnalysis",
    "quicksight:UpdateAnalysisPermissions",
  ]
  owner_dashboard_actions = [
    "quicksight:DeleteDashboard",
    "quicksight:DescribeDashboard",
    "quicksight:DescribeDashboardPermissions",
    "quicksight:ListDashboardVersions",
    "quicksight:QueryDashboard",
    "quicksight:UpdateDashboard",
    "quicksight:UpdateDashboardPermissions",
    "quicksight:UpdateDashboardPublishedVersion",
  ]
  owners = var.owner_principal_arn == null ? [] : [var.owner_principal_arn]
}

resource "aws_quicksight_data_set" "this" {
  for_each = local.data_sets

  data_set_id = "${var.name_prefix}-${each.value.id}"
  name        = "${var.name_prefix} ${each.value.title}"
  import_mode = "DIRECT_QUERY"

  physical_table_map {
    physical_table_map_id = local.table_ids[each.key]
    custom_sql {
      data_source_arn = each.value.source == "athena" ? aws_quicksight_data_source.athena.arn : aws_quicksight_data_source.redshift.arn
      name            = each.value.id
      sql_query       = each.value.sql
      dynamic "columns" {
        for_each = each.value.columns
        content {
          name = columns.value.name
          type = columns.value.type
        }
      }
    }
  }

  logical_table_map {
    logical_table_map_id = local.table_ids[each.key]
    alias                = each.value.title
    source {
      physical_table_id = local.table_ids[each.key]
    }
  }

  dynamic "permissions" {
    for_each = local.owners
    content {
      principal = permissions.value
      actions   = local.owner_data_set_actions
    }
  }

  tags = var.tags
}

resource "aws_quicksight_analysis" "this" {
  analysis_id = "${var.name_prefix}-dashboard"
  name        = "${var.name_prefix} dashboard"

  definition {
    # The definition's dataset ids are the identifiers the visuals' columns refer to.
    dynamic "data_set_identifiers_declarations" {
      for_each = aws_quicksight_data_set.this
      content {
        identifier   = data_set_identifiers_declarations.key
        data_set_arn = data_set_identifiers_declarations.value.arn
      }
    }

    sheets {
      sheet_id = "overview"
      name     = "Overview"
      title    = "${var.name_prefix} events"

      dynamic "visuals" {
        for_each = local.visuals
        iterator = visual
        content {
          dynamic "line_chart_visual" {
            for_each = visual.value.kind == "line" ? [visual.value] : []
            iterator = v
            content {
              visual_id = v.value.id
              title {
                format_text {
                  plain_text = v.value.title
                }
              }
              chart_configuration {
                field_wells {
                  line_chart_aggregated_field_wells {
                    category {
                      dynamic "date_dimension_field" {
                        for_each = v.value.x_is_date ? [v.value] : []
                        iterator = x
                        content {
                          field_id         = "${x.value.id}.x"
                          date_granularity = x.value.granularity
                          column {
                            data_set_identifier = x.value.dataset
                            column_name         = x.value.x
                          }
                        }
                      }
                      dynamic "categorical_dimension_field" {
                        for_each = v.value.x_is_date ? [] : [v.value]
                        iterator = x
                        content {
                          field_id = "${x.value.id}.x"
                          column {
                            data_set_identifier = x.value.dataset
                            column_name         = x.value.x
                          }
                        }
                      }
                    }
                    values {
                      numerical_measure_field {
                        field_id = "${v.value.id}.y"
                        column {
                          data_set_identifier = v.value.dataset
                          column_name         = v.value.y
                        }
                        aggregation_function {
                          simple_numerical_aggregation = "SUM"
                        }
                      }
                    }
                    dynamic "colors" {
                      for_each = v.value.series == null ? [] : [v.value]
                      iterator = s
                      content {
                        categorical_dimension_field {
                          field_id = "${s.value.id}.series"
                          column {
                            data_set_identifier = s.value.dataset
                            column_name         = s.value.series
                          }
                        }
                      }
                    }
                    dynamic "small_multiples" {
                      for_each = v.value.split == null ? [] : [v.value]
                      iterator = s
                      content {
                        categorical_dimension_field {
                          field_id = "${s.value.id}.split"
                          column {
                            data_set_identifier = s.value.dataset
                            column_name         = s.value.split
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }

          dynamic "bar_chart_visual" {
            for_each = visual.value.kind == "bar" ? [visual.value] : []
            iterator = v
            content {
              visual_id = v.value.id
              title {
                format_text {
                  plain_text = v.value.title
                }
              }
              chart_configuration {
                bars_arrangement = "STACKED"
                field_wells {
                  bar_chart_aggregated_field_wells {
                    category {
                      dynamic "date_dimension_field" {
                        for_each = v.value.x_is_date ? [v.value] : []
                        iterator = x
                        content {
                          field_id         = "${x.value.id}.x"
                          date_granularity = x.value.granularity
                          column {
                            data_set_identifier = x.value.dataset
                            column_name         = x.value.x
                          }
                        }
                      }
                      dynamic "categorical_dimension_field" {
                        for_each = v.value.x_is_date ? [] : [v.value]
                        iterator = x
                        content {
                          field_id = "${x.value.id}.x"
                          column {
                            data_set_identifier = x.value.dataset
                            column_name         = x.value.x
                          }
                        }
                      }
                    }
                    values {
                      numerical_measure_field {
                        field_id = "${v.value.id}.y"
                        column {
                          data_set_identifier = v.value.dataset
                          column_name         = v.value.y
                        }
                        aggregation_function {
                          simple_numerical_aggregation = "SUM"
                        }
                      }
                    }
                    dynamic "colors" {
                      for_each = v.value.series == null ? [] : [v.value]
                      iterator = s
                      content {
                        categorical_dimension_field {
                          field_id = "${s.value.id}.series"
                          column {
                            data_set_identifier = s.value.dataset
                            column_name         = s.value.series
                          }
                        }
                      }
                    }
                    dynamic "small_multiples" {
                      for_each = v.value.split == null ? [] : [v.value]
                      iterator = s
                      content {
                        categorical_dimension_field {
                          field_id = "${s.value.id}.split"
                          column {
                            data_set_identifier = s.value.dataset
                            column_name         = s.value.split
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }

          dynamic "pie_chart_visual" {
            for_each = visual.value.kind == "pie" ? [visual.value] : []
            iterator = v
            content {
              visual_id = v.value.id
              title {
                format_text {
                  plain_text = v.value.title
                }
              }
              chart_configuration {
                field_wells {
                  pie_chart_aggregated_field_wells {
                    category {
                      dynamic "date_dimension_field" {
                        for_each = v.value.x_is_date ? [v.value] : []
                        iterator = x
                        content {
                          field_id         = "${x.value.id}.x"
                          date_granularity = x.value.granularity
                          column {
                            data_set_identifier = x.value.dataset
                            column_name         = x.value.x
                          }
                        }
                      }
                      dynamic "categorical_dimension_field" {
                        for_each = v.value.x_is_date ? [] : [v.value]
                        iterator = x
                        content {
                          field_id = "${x.value.id}.x"
                          column {
                            data_set_identifier = x.value.dataset
                            column_name         = x.value.x
                          }
                        }
                      }
                    }
                    values {
                      numerical_measure_field {
                        field_id = "${v.value.id}.y"
                        column {
                          data_set_identifier = v.value.dataset
                          column_name         = v.value.y
                        }
                        aggregation_function {
                          simple_numerical_aggregation = "SUM"
                        }
                      }
                    }
                    dynamic "small_multiples" {
                      for_each = v.value.split == null ? [] : [v.value]
                      iterator = s
                      content {
                        categorical_dimension_field {
                          field_id = "${s.value.id}.split"
                          column {
                            data_set_identifier = s.value.dataset
                            column_name         = s.value.split
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  dynamic "permissions" {
    for_each = local.owners
    content {
      principal = permissions.value
      actions   = local.owner_analysis_actions
    }
  }

  tags = var.tags
}

resource "aws_quicksight_template" "this" {
  template_id         = "${var.name_prefix}-dashboard"
  name                = "${var.name_prefix} dashboard"
  version_description = "definition ${var.definition.version} (${local.definition_hash})"

  source_entity {
    source_analysis {
      arn = aws_quicksight_analysis.this.arn
      dynamic "data_set_references" {
        for_each = aws_quicksight_data_set.this
        content {
          data_set_placeholder = data_set_references.key
          data_set_arn         = data_set_references.value.arn
        }
      }
    }
  }

  tags = var.tags
}

resource "aws_quicksight_dashboard" "this" {
  dashboard_id        = "${var.name_prefix}-dashboard"
  name                = "${var.name_prefix} dashboard"
  version_description = "definition ${var.definition.version} (${local.definition_hash})"

  source_entity {
    source_template {
      arn = aws_quicksight_template.this.arn
      dynamic "data_set_references" {
        for_each = aws_quicksight_data_set.this
        content {
          data_set_placeholder = data_set_references.key
          data_set_arn         = data_set_references.value.arn
        }
      }
    }
  }

  dynamic "permissions" {
    for_each = local.owners
    content {
      principal = permissions.value
      actions   = local.owner_dashboard_actions
    }
  }

  tags = var.tags
}
