"""terrafix's transforms, one module per rule (installed as ``terrafix.transforms``).

Rule families that share machinery live in packages of their own: ``naming`` (TF002),
``iam`` (TF003, TF010) and ``destroyability`` (TF005-TF009, TF022); each rule is still one
module holding its documentation.
"""
