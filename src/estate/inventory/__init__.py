"""The inventory's pure core (normalize, diff) and its queries."""
