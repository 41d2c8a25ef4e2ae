# Redshift Serverless for the aggregates: private subnets only, encrypted with the platform key, the admin password
# owned by Secrets Manager, and a separate secret for the application's own (non-admin) user.

data "aws_vpc" "this" {
  id = var.vpc_id
}

resource "aws_security_group" "redshift" {
  name        = "${var.name_prefix}-redshift"
  description = "Redshift Serverless workgroup: port ${var.port} from the application and QuickSight only."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-redshift" })
}

resource "aws_vpc_security_group_ingress_rule" "from_clients" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.redshift.id
  description                  = "Redshift from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_egress_rule" "within_vpc" {
  security_group_id = aws_security_group.redshift.id
  description       = "Responses and VPC endpoints inside the VPC only"
  ip_protocol       = "-1"
  cidr_ipv4         = data.aws_vpc.this.cidr_block
}

# --- IAM: the role Redshift assumes for COPY from the Athena results of an hourly rollup ------------------------

data "aws_iam_policy_document" "redshift_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "redshift" {
  name               = "${var.name_prefix}-redshift"
  description        = "Redshift Serverless ${var.name_prefix}: COPY hourly rollup results from the Athena results bucket."
  assume_role_policy = data.aws_iam_policy_document.redshift_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "redshift" {
  statement {
    sid       = "ListRollupResults"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.copy_source_bucket_arn]
  }

  statement {
    sid       = "ReadRollupResults"
    actions   = ["s3:GetObject"]
    resources = ["${var.copy_source_bucket_arn}/*"]
  }

  statement {
    sid       = "DecryptRollupResults"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "redshift" {
  name   = "copy-rollups"
  role   = aws_iam_role.redshift.id
  policy = data.aws_iam_policy_document.redshift.json
}

# --- Namespace and workgroup ------------------------------------------------------------------------------------

resource "aws_redshiftserverless_namespace" "this" {
  namespace_name                   = var.name_prefix
  db_name                          = var.database_name
  admin_username                   = var.admin_username
  manage_admin_password            = true
  admin_password_secret_kms_key_id = var.kms_key_arn
  kms_key_id                       = var.kms_key_arn
  iam_roles                        = [aws_iam_role.redshift.arn]
  default_iam_role_arn             = aws_iam_role.redshift.arn
  log_exports                      = ["connectionlog", "userlog", "useractivitylog"]
  tags                             = var.tags
}

resource "aws_redshiftserverless_workgroup" "this" {
  workgroup_name       = var.name_prefix
  namespace_name       = aws_redshiftserverless_namespace.this.namespace_name
  base_capacity        = var.base_capacity
  max_capacity         = var.max_capacity
  port                 = var.port
  publicly_accessible  = false
  enhanced_vpc_routing = true
  subnet_ids           = var.subnet_ids
  security_group_ids   = [aws_security_group.redshift.id]

  config_parameter {
    parameter_key   = "require_ssl"
    parameter_value = "true"
  }

  tags = var.tags
}

# --- The application's credentials ------------------------------------------------------------------------------
# The user itself is created once with the admin secret (see terraform/README.md); the application, the state machine
# and QuickSight read these credentials from Secrets Manager and never see the admin password.

resource "random_password" "app" {
  length           = 32
  special          = true
  override_special = "!#%^*()-_=+[]{}<>:?"
  min_upper        = 1
  min_lower        = 1
  min_numeric      = 1
}

resource "aws_secretsmanager_secret" "app" {
  name                    = "${var.name_prefix}/redshift/app"
  description             = "Redshift credentials of the Tributary application user (${var.app_username})."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  # The key names follow the Redshift console convention so the Data API and QuickSight can read the same secret.
  secret_string = jsonencode({
    engine    = "redshift"
    username  = var.app_username
    password  = random_password.app.result
    host      = aws_redshiftserverless_workgroup.this.endpoint[0].address
    port      = aws_redshiftserverless_workgroup.this.endpoint[0].port
    dbname    = var.database_name
    workgroup = aws_redshiftserverless_workgroup.this.workgroup_name
  })
}
