provider "aws" {
  region = var.aws_region

  # Every taggable resource gets the project tags, including those a module forgets.
  default_tags {
    tags = local.tags
  }
}
