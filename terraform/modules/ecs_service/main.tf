# Container mode: the application on ECS Fargate in private subnets, consuming Kinesis itself (aws2-kinesis with
# checkpoints), scaled on the stream's iterator age. The image comes from the ECR repository created here unless
# container_image names another one.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  image       = var.container_image != "" ? var.container_image : "${aws_ecr_repository.this.repository_url}:${var.image_tag}"
  account_id  = data.aws_caller_identity.current.account_id
  region      = data.aws_region.current.name
  environment = merge(var.environment, { AWS_REGION = local.region })
  # GetSecretValue is granted on the secret itself: "<arn>:<json-key>::" in valueFrom names a key of it.
  secret_arns = distinct([for value_from in values(var.secrets) : join(":", slice(split(":", value_from), 0, 7))])
}

resource "aws_ecr_repository" "this" {
  name                 = var.name_prefix
  image_tag_mutability = "MUTABLE"
  force_delete         = var.force_delete_repository

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = var.name_prefix

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name_prefix}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# --- IAM: the task execution role (pull image, write logs) and the task role (the application) -------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name_prefix}-ecs-execution"
  description        = "ECS task execution role of ${var.name_prefix}: pulls the image and writes logs."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid     = "EcrLogin"
    actions = ["ecr:GetAuthorizationToken"]
    # policy-allow-star-resource: ecr:GetAuthorizationToken has no resource-level permissions
    resources = ["*"]
  }

  statement {
    sid       = "PullImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [aws_ecr_repository.this.arn]
  }

  statement {
    sid       = "DecryptImageLayersAndSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # ECS injects var.secrets into the container at start.
  statement {
    sid       = "ReadInjectedSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.secret_arns
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "ecs-execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name_prefix}-ecs-task"
  description        = "ECS task role of ${var.name_prefix}: the Tributary application in container mode."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "task" {
  name   = "application"
  role   = aws_iam_role.task.id
  policy = var.app_policy_json
}

# --- Task definition and service --------------------------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  family                   = var.name_prefix
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory_mb
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([
    {
      name         = "tributary"
      image        = local.image
      essential    = true
      portMappings = [{ containerPort = var.container_port, protocol = "tcp" }]
      environment  = [for name, value in local.environment : { name = name, value = value }]
      secrets      = [for name, value_from in var.secrets : { name = name, valueFrom = value_from }]
      # SIGTERM starts the graceful shutdown (flush open batches, write checkpoints); Fargate allows at most 120 s.
      stopTimeout = var.stop_timeout_seconds
      healthCheck = {
        command     = var.health_check_command
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 60
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "tributary"
        }
      }
      readonlyRootFilesystem = false
    }
  ])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                   = var.name_prefix
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.this.arn
  desired_count          = var.min_capacity
  launch_type            = "FARGATE"
  enable_execute_command = false
  propagate_tags         = "SERVICE"

  # Rolling deployments overlap old and new tasks: the KCL consumer's leases give each shard one reader at a time (a new
  # task takes leases as the old one, on SIGTERM, writes its open batches, checkpoints and gives its leases up), and hour
  # sealing is safe with several tasks (conditional writes). So a deployment never stops reading the stream.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = false
  }

  tags = var.tags

  lifecycle {
    ignore_changes = [desired_count]
  }
}

# --- Autoscaling on how far behind the consumers are ------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "iterator_age" {
  name               = "${var.name_prefix}-iterator-age"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.target_iterator_age_ms
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      namespace   = "AWS/Kinesis"
      metric_name = "GetRecords.IteratorAgeMilliseconds"
      statistic   = "Maximum"
      unit        = "Milliseconds"

      dimensions {
        name  = "StreamName"
        value = var.stream_name
      }
    }
  }
}
