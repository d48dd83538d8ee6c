# A stack as a code generator wrote it: the provider reads var.aws_region,
# which nothing declares.
provider "aws" {
  region = var.aws_region
}

variable "region" {
  description = "Region to deploy to"
  type        = string
  default     = "us-west-1"
}

resource "aws_db_instance" "payment" {
  identifier                = "payment-db"
  engine                    = "postgres"
  instance_class            = "db.t3.micro"
  allocated_storage         = 20
  skip_final_snapshot       = false
  final_snapshot_identifier = "payment-db-final-${formatdate("YYYYMMDDhhmmss", timestamp())}"
}
