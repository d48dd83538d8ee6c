"""Rules that give physical names a per-deployment suffix (TF002), and what they share."""
