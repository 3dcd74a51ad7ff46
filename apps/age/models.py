"""Age: documents, claims, external decisions, assessments and appeals (R2)."""
