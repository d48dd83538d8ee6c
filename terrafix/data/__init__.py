"""Known facts about AWS and Terraform, kept as data tables apart from the code that uses them."""
