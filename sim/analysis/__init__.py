"""Analysis of replications: summary metrics, study results, paired comparisons, patterns."""
