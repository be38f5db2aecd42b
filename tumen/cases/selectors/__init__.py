"""The reads of the cases app, one module per subject: cases, clearances, worklists, foreign
requests. Every read goes through tumen.org.access."""
