output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Ids of the three private subnets."
  value       = aws_subnet.private[*].id
}
