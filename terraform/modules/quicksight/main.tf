# QuickSight data sources for the dashboards: Athena (curated zone) and Redshift (aggregates, through a VPC connection
# because the workgroup is private). Needs an existing QuickSight Enterprise subscription in the account (VPC
# connections and Secrets Manager credentials). What QuickSight's own roles may read is in iam.tf; the data sets,
# analysis and dashboard built from the shared dashboard definition are in dashboard.tf.

data "aws_caller_identity" "current" {}

resource "aws_security_group" "quicksight" {
  name        = "${var.name_prefix}-quicksight"
  description = "QuickSight VPC connection to Redshift Serverless."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-quicksight" })
}

resource "aws_vpc_security_group_egress_rule" "to_redshift" {
  security_group_id            = aws_security_group.quicksight.id
  description                  = "Redshift Serverless"
  ip_protocol                  = "tcp"
  from_port                    = var.redshift_port
  to_port                      = var.redshift_port
  referenced_security_group_id = var.redshift_security_group_id
}

# QuickSight's network interfaces are not stateful: return traffic needs an explicit inbound rule.
resource "aws_vpc_security_group_ingress_rule" "from_redshift" {
  security_group_id            = aws_security_group.quicksight.id
  description                  = "Return traffic from Redshift Serverless"
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  referenced_security_group_id = var.redshift_security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "redshift_from_quicksight" {
  security_group_id            = var.redshift_security_group_id
  description                  = "Redshift from QuickSight"
  ip_protocol                  = "tcp"
  from_port                    = var.redshift_port
  to_port                      = var.redshift_port
  referenced_security_group_id = aws_security_group.quicksight.id
}

# --- IAM: the role QuickSight uses to manage its network interfaces --------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["quicksight.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "vpc_connection" {
  name               = "${var.name_prefix}-quicksight-vpc"
  description        = "QuickSight VPC connection of ${var.name_prefix}: manages its network interfaces."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "vpc_connection" {
  statement {
    sid = "ManageNetworkInterfaces"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:ModifyNetworkInterfaceAttribute",
    ]
    # policy-allow-star-resource: QuickSight's documented VPC connection role; Describe* have no resource-level permissions and the ENIs do not exist before they are created
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "vpc_connection" {
  name   = "vpc-connection"
  role   = aws_iam_role.vpc_connection.id
  policy = data.aws_iam_policy_document.vpc_connection.json
}

resource "aws_quicksight_vpc_connection" "this" {
  vpc_connection_id  = "${var.name_prefix}-redshift"
  name               = "${var.name_prefix} Redshift"
  role_arn           = aws_iam_role.vpc_connection.arn
  security_group_ids = [aws_security_group.quicksight.id]
  subnet_ids         = var.subnet_ids
  tags               = var.tags
}

# --- Data sources -----------------------------------------------------------------------------------------------

resource "aws_quicksight_data_source" "athena" {
  data_source_id = "${var.name_prefix}-athena"
  name           = "${var.name_prefix} Athena (curated events)"
  type           = "ATHENA"

  parameters {
    athena {
      work_group = var.athena_workgroup_name
    }
  }

  dynamic "permission" {
    for_each = var.owner_principal_arn == null ? [] : [var.owner_principal_arn]
    content {
      principal = permission.value
      actions = [
        "quicksight:DescribeDataSource",
        "quicksight:DescribeDataSourcePermissions",
        "quicksight:PassDataSource",
        "quicksight:UpdateDataSource",
        "quicksight:UpdateDataSourcePermissions",
      ]
    }
  }

  tags = var.tags
}

resource "aws_quicksight_data_source" "redshift" {
  data_source_id = "${var.name_prefix}-redshift"
  name           = "${var.name_prefix} Redshift (aggregates)"
  type           = "REDSHIFT"

  parameters {
    redshift {
      host     = var.redshift_host
      port     = var.redshift_port
      database = var.redshift_database_name
    }
  }

  credentials {
    secret_arn = var.redshift_secret_arn
  }

  vpc_connection_properties {
    vpc_connection_arn = aws_quicksight_vpc_connection.this.arn
  }

  ssl_properties {
    disable_ssl = false
  }

  dynamic "permission" {
    for_each = var.owner_principal_arn == null ? [] : [var.owner_principal_arn]
    content {
      principal = permission.value
      actions = [
        "quicksight:DescribeDataSource",
        "quicksight:DescribeDataSourcePermissions",
        "quicksight:PassDataSource",
        "quicksight:UpdateDataSource",
        "quicksight:UpdateDataSourcePermissions",
      ]
    }
  }

  tags = var.tags
}
