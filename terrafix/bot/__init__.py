"""`terrafix pr`: run the fixes on a git checkout and propose them as one pull request.

The modules each do one job: ``git`` (subprocess plumbing, never touching the work tree),
``forge`` (the interface a code host implements) and ``github`` (it, over REST), ``redact``
(keeping the token out of every message), ``fixset`` (what the run changed, with fingerprints),
``render`` (commit message, PR title and body with its hidden marker), ``workflow``
(the decisions) and ``command`` (the click command).
"""
