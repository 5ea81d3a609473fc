"""Data in: the contract, reading and validating an export, reference tables, analysis views."""
