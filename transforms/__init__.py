"""terrafix's transforms, one module per rule (installed as ``terrafix.transforms``)."""
