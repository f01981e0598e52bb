"""Units of measure: UCUM codes checked, compared, converted and shown to clinicians."""
