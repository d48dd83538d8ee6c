"""Rules on IAM policies and account ids (TF003, TF010), and what they share: finding
statements, their principals and the resources those use."""
