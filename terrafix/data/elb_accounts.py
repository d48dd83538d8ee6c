"""The AWS accounts Elastic Load Balancing delivers access logs from, per region.

A bucket policy that lets load balancers write their logs names one of these as principal
(`arn:aws:iam::127311923021:root` in us-east-1). The AWS provider's
`data "aws_elb_service_account"` returns the one for the provider's region, so a module need
not hard-code it. Source: the Elastic Load Balancing user guide, "Enable access logs".
"""

from __future__ import annotations

ELB_LOG_ACCOUNTS: dict[str, str] = {
    "127311923021": "us-east-1",
    "033677994240": "us-east-2",
    "027434742980": "us-west-1",
    "797873946194": "us-west-2",
    "098369216593": "af-south-1",
    "754344448648": "ap-east-1",
    "589379963580": "ap-southeast-3",
    "718504428378": "ap-south-1",
    "383597477331": "ap-northeast-3",
    "600734575887": "ap-northeast-2",
    "114774131450": "ap-southeast-1",
    "783225319266": "ap-southeast-2",
    "582318560864": "ap-northeast-1",
    "985666609251": "ca-central-1",
    "054676820928": "eu-central-1",
    "156460612806": "eu-west-1",
    "652711504416": "eu-west-2",
    "635631232127": "eu-south-1",
    "009996457667": "eu-west-3",
    "897822967062": "eu-north-1",
    "076674570225": "me-south-1",
    "507241528517": "sa-east-1",
    "048591011584": "us-gov-west-1",
    "190560391635": "us-gov-east-1",
}
