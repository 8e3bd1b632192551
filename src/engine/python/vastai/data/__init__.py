"""Stand-in for `vastai.data`: only the query builder is provided."""
