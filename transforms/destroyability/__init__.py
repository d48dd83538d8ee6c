"""Rules that let `terraform destroy` remove a throwaway stack (TF005-TF009, TF022), and the
guard reading and fixing they share."""
